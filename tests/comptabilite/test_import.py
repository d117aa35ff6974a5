"""invoices.csv: historic documents keep their numbers, all or nothing, idempotent, counter continued."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from comptabilite.models import Customer, Invoice, NumberingCounter, Payment
from comptabilite.stats import activity as activity_section
from coodyssee.importing import run_import
from entrepreneurs import services as journey_services
from tests.comptabilite.conftest import issued, make_customer

HEADER = "entrepreneur_ref,number,date,customer,amount_ht,vat_rate,kind,description,paid_on\n"
GOOD = (
    HEADER
    + "E001,2017-00001,2017-01-10,Mairie de Serres,1000.00,20,invoice,Ateliers,2017-02-01\n"
    + "E001,2017-00002,2017-02-15,Mairie de Serres,250,20,,,\n"
    + "E002,2017-00003,2017-03-01,SARL Alpes,99.99,5.5,invoice,,\n"
    + "E001,AV2017-00001,2017-03-20,Mairie de Serres,100.00,20,credit_note,Avoir partiel,\n"
    + "E002,F-OLD-7,2016-12-30,Client ancien,19.60,19.6,,,\n"
)


@pytest.fixture
def people(coop):
    journey_services.entrepreneur_create(ref="E001", first_name="Lucie", last_name="Faure")
    journey_services.entrepreneur_create(ref="E002", first_name="Marc", last_name="Autre")


def run(text: str):
    return run_import({"invoices.csv": text.encode()})


def test_good_rows_are_imported_as_issued_documents(people):
    result = run(GOOD)
    assert result.ok, result.errors
    assert result.reports[0].summary == "invoices.csv: 5 rows imported"
    first = Invoice.objects.get(number="2017-00001")
    assert (first.status, first.date, first.is_imported) == ("issued", datetime.date(2017, 1, 10), True)
    assert (first.total_ht, first.total_vat, first.total_ttc) == (
        Decimal("1000.00"),
        Decimal("200.00"),
        Decimal("1200.00"),
    )
    assert (first.series, first.year, first.sequence) == ("invoice", 2017, 1)
    assert first.amount_due == 0
    assert Payment.objects.get(invoice=first).date == datetime.date(2017, 2, 1)
    assert first.entrepreneur.ref == "E001" and first.activity.memberships.get().entrepreneur.ref == "E001"
    credit = Invoice.objects.get(number="AV2017-00001")
    assert (credit.kind, credit.series, credit.sequence, credit.total_ht) == (
        "credit_note",
        "credit_note",
        1,
        Decimal("100.00"),
    )
    old = Invoice.objects.get(number="F-OLD-7")
    assert (old.sequence, old.year, old.lines.get().vat_rate) == (None, 2016, Decimal("19.60"))
    assert Customer.objects.filter(name="Mairie de Serres").count() == 1
    assert activity_section(2017) == {
        "turnover_ht": "1249.99",
        "invoices": 3,
        "credit_notes": 1,
        "vat_net": "235.50",  # 200.00 + 50.00 + 5.50 − 20.00
    }


def test_importing_again_changes_nothing(people):
    assert run(GOOD).ok
    counts = (Invoice.objects.count(), Customer.objects.count(), Payment.objects.count())
    result = run(GOOD)
    assert result.ok, result.errors
    assert result.reports[0].summary == "invoices.csv: 0 rows imported, 5 unchanged"
    assert (Invoice.objects.count(), Customer.objects.count(), Payment.objects.count()) == counts


def test_a_known_number_with_other_values_is_an_error(people):
    assert run(GOOD).ok
    result = run(HEADER + "E001,2017-00002,2017-02-15,Mairie de Serres,260,20,,,\n")
    assert result.errors == [
        "invoices.csv:2: amount_ht: la ligne existe déjà avec une autre valeur "
        "(enregistré : « 250.00 », fichier : « 260.00 »)"
    ]


def test_bad_rows_are_all_reported_and_nothing_is_written(people):
    text = (
        HEADER
        + "E001,2017-00001,2017-01-10,Client,100,20,,,\n"
        + "E999,2017-00002,2017-01-11,Client,100,20,,,\n"
        + "E001,2017-00001,2017-01-12,Client,100,20,,,\n"
        + "E001,2017-00004,2017-13-01,Client,-5,20,avoir,,\n"
        + "E001,AV2017-00002,2017-01-12,Client,100,20,credit_note,,2017-02-01\n"
    )
    result = run(text)
    assert result.errors == [
        "invoices.csv:5: date: date inexistante : « 2017-13-01 »",
        "invoices.csv:5: amount_ht: doit être supérieur ou égal à 0.01",
        "invoices.csv:5: kind: valeur inconnue « avoir » (attendu : invoice, credit_note)",
        "invoices.csv:3: entrepreneur_ref: entrepreneur·e inconnu·e : E999",
        "invoices.csv:4: number: numéro en double (déjà ligne 2)",
        "invoices.csv:6: paid_on: un avoir ne reçoit pas de paiement",
    ]
    assert not Invoice.objects.exists() and not Customer.objects.exists()


def test_a_later_live_invoice_continues_after_the_imported_numbers(people, accountant, time_machine):
    time_machine.move_to(datetime.datetime(2026, 4, 1, 10, tzinfo=ZoneInfo("Europe/Paris")), tick=False)
    text = (
        HEADER
        + "E001,2026-00041,2026-01-15,Client,100,20,,,\n"
        + "E001,2026-00007,2026-01-05,Client,100,20,,,\n"
    )
    assert run(text).ok
    assert NumberingCounter.objects.get(series="invoice", year=2026).last == 41
    lucie = journey_services.entrepreneur_create(ref="E003", first_name="Live", last_name="Person")
    from coodyssee.models import User
    from coodyssee.permissions import Role

    user = User.objects.create_user(email="live@test.fr")
    user.role_grants.create(role=Role.ENTREPRENEUR)
    lucie.user = user
    lucie.save()
    activity = lucie.activities.get()
    live = issued(user, accountant, activity, make_customer(activity))
    assert live.number == "2026-00042"


def test_a_live_number_or_rank_cannot_be_imported_again(people, accountant, entrepreneur, activity, customer):
    live = issued(entrepreneur, accountant, activity, customer)
    same_number = run(HEADER + f"E001,{live.number},{live.date},Client,100,20,,,\n")
    assert "invoices.csv:2: entrepreneur_ref: la ligne existe déjà" in same_number.errors[0]
    same_rank = run(HEADER + f"E001,{live.year}-1,{live.date},Client,100,20,,,\n")
    assert same_rank.errors == [
        f"invoices.csv:2: number: ce rang est déjà attribué dans la série {live.year}"
    ]
    assert Invoice.objects.count() == 1
