"""Fixtures of the invoicing pages: a cooperative with its legal identity, one activity per entrepreneur,
customers, and documents brought to a state through the services (so they obey the rules)."""

from __future__ import annotations

import datetime
import html
from decimal import Decimal

import pytest

from comptabilite import services
from comptabilite.models import CONTROL_CHECKLIST, Customer, CustomerKind, Invoice
from coodyssee.models import Cooperative
from entrepreneurs.models import Activity, ActivityMembership

ALL_TICKED = {key: True for key, _label in CONTROL_CHECKLIST}
TODAY = datetime.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _pdf_and_clock(settings, tmp_path, time_machine):
    # Rendering on issue is the PDF side's business (tested there); downloads render on first use.
    settings.INVOICE_RENDER_PDF_ON_ISSUE = False
    settings.MEDIA_ROOT = tmp_path / "media"
    time_machine.move_to(datetime.datetime(2026, 3, 10, 10, 0), tick=False)


@pytest.fixture
def coop(db):
    return Cooperative.objects.create(
        name="Coopérative de test",
        legal_form="SCOP SARL à capital variable",
        siren="812345676",
        vat_number="FR19812345676",
        address="Place de la Mairie\n05230 Chorges",
        rcs_city="Gap",
        email="contact@coop.example",
        default_contribution_rate=Decimal("12.00"),
    )


def activity_of(user, code: str, name: str) -> Activity:
    activity = Activity.objects.create(code=code, name=name)
    ActivityMembership.objects.create(activity=activity, entrepreneur=user.entrepreneur)
    return activity


@pytest.fixture
def activity(entrepreneur):
    return activity_of(entrepreneur, "ACT00001", "Graphisme")


@pytest.fixture
def other_activity(other_entrepreneur):
    return activity_of(other_entrepreneur, "ACT00002", "Menuiserie")


def make_customer(activity: Activity, **values) -> Customer:
    fields = {
        "kind": CustomerKind.COMPANY,
        "name": "SARL Les Jardins du Buëch",
        "address_line1": "14 route de Grenoble",
        "postcode": "05400",
        "city": "Veynes",
        "siren": "830518973",
        "email": "compta@jardins.example",
    } | values
    return Customer.objects.create(activity=activity, **fields)


@pytest.fixture
def customer(activity):
    return make_customer(activity)


@pytest.fixture
def other_customer(other_activity):
    return make_customer(other_activity, name="Mairie de Serres", siren="210500393")


def line(description="Création graphique", quantity="1", unit_price="100.00", vat_rate="20.00") -> dict:
    return {
        "description": description,
        "quantity": Decimal(quantity),
        "unit_price": Decimal(unit_price),
        "vat_rate": Decimal(vat_rate),
    }


def draft(user, activity, customer, lines=None, **fields) -> Invoice:
    return services.invoice_create(
        by=user, activity=activity, customer=customer, lines=lines or [line()], **fields
    )


def submitted(user, activity, customer, lines=None, **fields) -> Invoice:
    return services.invoice_submit(by=user, invoice=draft(user, activity, customer, lines, **fields))


def issued(user, staff, activity, customer, lines=None, **fields) -> Invoice:
    invoice = submitted(user, activity, customer, lines, **fields)
    services.invoice_control(by=staff, invoice=invoice, accept=True, checklist=ALL_TICKED)
    return services.invoice_issue(by=staff, invoice=invoice)


def text(response) -> str:
    return html.unescape(response.content.decode())


def document_post(customer, lines, **fields) -> dict:
    """The POST of the document form: its fields and the lines formset."""
    data = {
        "customer": customer.pk,
        "subject": "",
        "operation_category": "services",
        "service_date": "",
        "purchase_order_ref": "",
        "payment_terms_days": "30",
        "late_penalty_rate": "12,15",
        "early_payment_discount": "",
        "vat_exemption": "",
        "delivery_address": "",
        "notes": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for index, values in enumerate(lines):
        for name, value in values.items():
            data[f"lines-{index}-{name}"] = value
    return data | fields


def form_line(description="Création graphique", quantity="1", unit_price="100,00", vat_rate="20.00", **extra):
    return {
        "description": description,
        "quantity": quantity,
        "unit": "",
        "unit_price": unit_price,
        "vat_rate": vat_rate,
    } | extra
