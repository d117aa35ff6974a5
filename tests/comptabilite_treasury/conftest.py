"""Fixtures of the treasury tests: a cooperative with its identity and a 12 % contribution, the clock pinned
to 15 June 2026, one activity per entrepreneur, and helpers that post the hand-computed case of the tests
through the real services (invoice, payment) and ``post_entry`` (expense, salary)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from comptabilite import services
from comptabilite.ledger.posting import EntrySpec, Line, post_entry, sections_for
from coodyssee.models import Cooperative
from tests.comptabilite.conftest import activity_of, issued, line, make_customer

D = Decimal
TODAY = datetime.date(2026, 6, 15)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, 0)


@pytest.fixture(autouse=True)
def _treasury_settings(settings, tmp_path, time_machine):
    settings.INVOICE_RENDER_PDF_ON_ISSUE = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    time_machine.move_to(at(TODAY), tick=False)


@pytest.fixture
def coop(db):
    return Cooperative.objects.create(
        name="Coopérative de test",
        legal_form="SCOP SARL à capital variable",
        siren="812345676",
        vat_number="FR19812345676",
        address="Place de la Mairie\n05230 Chorges",
        rcs_city="Gap",
        default_contribution_rate=D("12.00"),
    )


@pytest.fixture
def activity(entrepreneur):
    return activity_of(entrepreneur, "ACT00001", "Graphisme")


@pytest.fixture
def other_activity(other_entrepreneur):
    return activity_of(other_entrepreneur, "ACT00002", "Menuiserie")


@pytest.fixture
def customer(activity):
    return make_customer(activity)


def issue_on(time_machine, day, entrepreneur, staff, activity, customer, amount_ht="1000.00"):
    """An invoice of ``amount_ht`` (services, 20 % VAT) issued on ``day``; the clock goes back to TODAY."""
    time_machine.move_to(at(day), tick=False)
    try:
        return issued(entrepreneur, staff, activity, customer, [line(unit_price=amount_ht)])
    finally:
        time_machine.move_to(at(TODAY), tick=False)


def pay_on(time_machine, day, staff, invoice, amount):
    time_machine.move_to(at(day), tick=False)
    try:
        return services.payment_record(
            by=staff, invoice=invoice, date=day, amount=D(amount), method="transfer"
        )
    finally:
        time_machine.move_to(at(TODAY), tick=False)


def post_expense(activity, day, ht="100.00", vat="20.00"):
    """A supplier's invoice: 606 (HT) + 44566 (VAT) / 401 (TTC), on the activity's section."""
    section, _structure = sections_for(activity.pk)
    ttc = D(ht) + D(vat)
    return post_entry(
        EntrySpec(
            journal="HA",
            date=day,
            label="Fournitures",
            lines=[
                Line("606", section, debit=D(ht)),
                Line("44566", section, debit=D(vat)),
                Line("401", section, credit=ttc, aux_code="FPAPETERIE", aux_label="Papeterie"),
            ],
        )
    )


def post_salary(activity, day, gross="800.00", charges="350.00", net="600.00"):
    """A payslip: 6411 gross + 645 employer charges / 421 net + 431 contributions (both sides)."""
    section, _structure = sections_for(activity.pk)
    social = D(gross) + D(charges) - D(net)
    return post_entry(
        EntrySpec(
            journal="PA",
            date=day,
            label="Salaire",
            lines=[
                Line("6411", section, debit=D(gross)),
                Line("645", section, debit=D(charges)),
                Line("421", section, credit=D(net)),
                Line("431", section, credit=social),
            ],
        )
    )


def post_salary_paid(activity, day, net="600.00"):
    section, _structure = sections_for(activity.pk)
    return post_entry(
        EntrySpec(
            journal="BQ",
            date=day,
            label="Virement du salaire",
            lines=[Line("421", section, debit=D(net)), Line("512", section, credit=D(net))],
        )
    )


@pytest.fixture
def hand_case(coop, time_machine, entrepreneur, accountant, activity, customer):
    """March: invoice 1,000 HT issued (VAT 200 on payment, contribution 120); April: 600 received;
    May: 100 HT + 20 VAT supplies, payslip 800 gross + 350 charges (600 net); June: the net paid."""
    invoice = issue_on(time_machine, datetime.date(2026, 3, 10), entrepreneur, accountant, activity, customer)
    pay_on(time_machine, datetime.date(2026, 4, 6), accountant, invoice, "600.00")
    post_expense(activity, datetime.date(2026, 5, 12))
    post_salary(activity, datetime.date(2026, 5, 31))
    post_salary_paid(activity, datetime.date(2026, 6, 2))
    invoice.refresh_from_db()
    return invoice
