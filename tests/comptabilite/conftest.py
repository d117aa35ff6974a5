"""Fixtures of the invoicing tests: a cooperative with its legal identity, activities, customers, and
documents brought to a given state through the services (so they obey the rules)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from comptabilite import services
from comptabilite.models import CONTROL_CHECKLIST, Customer, CustomerKind, Invoice
from coodyssee.models import Cooperative
from entrepreneurs.models import Activity, ActivityMembership

ALL_TICKED = {key: True for key, _label in CONTROL_CHECKLIST}


@pytest.fixture(autouse=True)
def _invoicing_settings(settings, tmp_path):
    # The PDF side renders on issue in production; these tests check the backend alone.
    settings.INVOICE_RENDER_PDF_ON_ISSUE = False
    settings.MEDIA_ROOT = tmp_path / "media"
    # The personas' passwords are hashed once per test: the fast hasher keeps these tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def coop(db):
    return Cooperative.objects.create(
        name="Coopérative de test",
        legal_form="SCOP SARL à capital variable",
        siren="812345676",
        vat_number="FR19812345676",
        address="Place de la Mairie\n05230 Chorges",
        rcs_city="Gap",
        default_contribution_rate=Decimal("12.00"),
    )


def activity_of(user, code: str, name: str = "Activité de test") -> Activity:
    activity = Activity.objects.create(code=code, name=name)
    ActivityMembership.objects.create(activity=activity, entrepreneur=user.entrepreneur)
    return activity


@pytest.fixture
def activity(entrepreneur):
    return activity_of(entrepreneur, "TEST-A", "Graphisme")


@pytest.fixture
def other_activity(other_entrepreneur):
    return activity_of(other_entrepreneur, "TEST-B", "Menuiserie")


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


def line(
    description="Création graphique", quantity="1", unit_price="100.00", vat_rate="20.00", **extra
) -> dict:
    return {
        "description": description,
        "quantity": Decimal(quantity),
        "unit_price": Decimal(unit_price),
        "vat_rate": Decimal(vat_rate),
    } | extra


def draft(user, activity, customer, lines=None, **fields) -> Invoice:
    return services.invoice_create(
        by=user, activity=activity, customer=customer, lines=lines or [line()], **fields
    )


def controlled(user, staff, activity, customer, lines=None, **fields) -> Invoice:
    invoice = draft(user, activity, customer, lines, **fields)
    services.invoice_submit(by=user, invoice=invoice)
    return services.invoice_control(by=staff, invoice=invoice, accept=True, checklist=ALL_TICKED)


def issued(user, staff, activity, customer, lines=None, **fields) -> Invoice:
    invoice = controlled(user, staff, activity, customer, lines, **fields)
    return services.invoice_issue(by=staff, invoice=invoice)


@pytest.fixture
def issued_invoice(coop, entrepreneur, accountant, activity, customer):
    return issued(entrepreneur, accountant, activity, customer, [line(quantity="2", unit_price="500.00")])
