"""Fixtures of the expenses tests: a cooperative, one activity per entrepreneur, receipts, and expenses
brought to a state through the services (so they obey the rules). The clock is frozen on 10 March 2026."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptabilite.models import Expense
from comptabilite.services import expenses as services
from coodyssee.models import Cooperative
from entrepreneurs.models import Activity, ActivityMembership

TODAY = datetime.date(2026, 3, 10)
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _clock_and_hasher(settings, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False)
    # The personas' passwords are hashed once per test: the fast hasher keeps these tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def coop(db):
    return Cooperative.objects.create(name="Coopérative de test", siren="812345676")


def activity_of(user, code: str, name: str) -> Activity:
    activity = Activity.objects.create(code=code, name=name)
    ActivityMembership.objects.create(activity=activity, entrepreneur=user.entrepreneur)
    return activity


@pytest.fixture
def activity(entrepreneur, coop):
    return activity_of(entrepreneur, "EXP-A", "Graphisme")


@pytest.fixture
def other_activity(other_entrepreneur, coop):
    return activity_of(other_entrepreneur, "EXP-B", "Menuiserie")


def pdf(name="ticket.pdf", content=PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name="ticket.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def jpeg(name="ticket.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JPEG_BYTES, content_type="image/jpeg")


def report(user, activity, *, receipt="pdf", **values) -> Expense:
    """A draft expense report: 60 € incl. 10 € VAT of supplies, with a PDF receipt."""
    fields = {
        "kind": "report",
        "date": datetime.date(2026, 3, 2),
        "category": "supplies",
        "description": "Cartouches d'encre",
        "amount_ttc": Decimal("60.00"),
        "vat": Decimal("10.00"),
    } | values
    upload = pdf() if receipt == "pdf" else receipt
    return services.expense_create(by=user, activity=activity, receipt=upload, **fields)


def supplier_invoice(user, activity, **values) -> Expense:
    fields = {
        "kind": "supplier",
        "date": datetime.date(2026, 3, 3),
        "category": "subcontracting",
        "description": "Impression des plaquettes",
        "supplier": "Imprimerie Alpine",
        "supplier_invoice_number": "F-2026-118",
        "amount_ttc": Decimal("1200.00"),
        "vat": Decimal("200.00"),
    } | values
    return services.expense_create(by=user, activity=activity, receipt=pdf("facture.pdf"), **fields)


def trip(user, activity, km="100", power=5, date=datetime.date(2026, 3, 4), **values) -> Expense:
    fields = {
        "kind": "report",
        "date": date,
        "category": "mileage",
        "description": "Rendez-vous client à Gap",
        "distance_km": Decimal(km),
        "fiscal_power": power,
        "vehicle": "Clio",
    } | values
    return services.expense_create(by=user, activity=activity, **fields)


def submitted(expense: Expense, user) -> Expense:
    return services.expense_submit(by=user, expense=expense)


def validated(expense: Expense, user, staff) -> Expense:
    return services.expense_validate(by=staff, expense=submitted(expense, user))
