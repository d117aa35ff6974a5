"""Entries pages: the list with its filters, an entry with its source and reversal, manual entries typed
through the form (balanced, unbalanced, closed period, unknown account), and constant query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptabilite.ledger import chart
from comptabilite.models import Account, AnalyticSection, Entry, EntryLine
from coodyssee.models import Cooperative
from tests.comptabilite.conftest import issued
from tests.comptabilite_ledger.conftest import D, od_entry, text
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ENTRIES = "/gestion/comptabilite/ecritures/"
NEW = "/gestion/comptabilite/ecritures/nouvelle/"


def entry_post(lines, **fields) -> dict:
    data = {
        "journal": "OD",
        "date": "2026-03-09",
        "label": "Régularisation",
        "piece_ref": "PV-12",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
    }
    for index, values in enumerate(lines):
        for name, value in values.items():
            data[f"lines-{index}-{name}"] = value
    return data | fields


def row(account, debit="", credit="", section="", label=""):
    return {"account": account, "section": section, "label": label, "debit": debit, "credit": credit}


# --- manual entries ---------------------------------------------------------------------------------------


def test_a_balanced_manual_entry_is_posted_in_od_with_its_lines(coop, accountant, activity):
    Account.objects.create(code="6226", label="Honoraires comptables")
    page = client_for(accountant).get(NEW)
    assert page.status_code == 200 and 'value="OD" selected' in page.content.decode()
    lines = [
        row("6226", debit="1 234,50", section=activity.code, label="Honoraires"),
        row("44566", debit="246,90", section=activity.code),
        row("401", credit="1481,40"),
        row("", ""),  # blank rows are left out
    ]
    response = client_for(accountant).post(NEW, entry_post(lines))
    entry = Entry.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/gestion/comptabilite/ecritures/{entry.pk}/"
    )
    assert (entry.journal_id, entry.date, entry.label, entry.piece_ref) == (
        "OD",
        datetime.date(2026, 3, 9),
        "Régularisation",
        "PV-12",
    )
    assert entry.source == "manual" and entry.posted_by == accountant and entry.number == 1
    got = list(
        entry.lines.order_by("position").values_list(
            "account_id", "section__code", "debit", "credit", "label"
        )
    )
    assert got == [
        ("6226", activity.code, D("1234.50"), D("0"), "Honoraires"),
        ("44566", activity.code, D("246.90"), D("0"), "Régularisation"),
        ("401", chart.STRUCTURE_SECTION, D("0"), D("1481.40"), "Régularisation"),
    ]
    detail = text(client_for(accountant).get(response["Location"]))
    assert "OD2026-000001" in detail and "saisie manuelle" in detail and "1\xa0481,40\xa0€" in detail


def test_an_unbalanced_entry_is_refused_on_the_form_and_nothing_is_written(coop, accountant):
    response = client_for(accountant).post(
        NEW, entry_post([row("512", debit="100"), row("758", credit="99,99")])
    )
    assert response.status_code == 200
    assert "déséquilibrée" in text(response)
    assert not Entry.objects.exists() and not EntryLine.objects.exists()
    # What was typed stays in the form.
    assert 'value="99,99"' in response.content.decode()


def test_an_entry_in_a_closed_period_is_refused_on_its_date(coop, accountant):
    Cooperative.objects.update(ledger_closed_until=datetime.date(2026, 2, 28))
    response = client_for(accountant).post(
        NEW, entry_post([row("512", debit="100"), row("758", credit="100")], date="2026-02-15")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "clôturée jusqu'au 28/02/2026" in " ".join(form.errors["date"])
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([row("999", debit="10"), row("758", credit="10")], "Compte inconnu ou désactivé : 999"),
        (
            [row("512", debit="10", section="NOPE"), row("758", credit="10")],
            "Section analytique inconnue : NOPE",
        ),
        ([row("512", debit="10")], "au moins deux lignes"),
        ([row("512", debit="10", credit="10"), row("758", credit="0")], "soit au débit, soit au crédit"),
    ],
    ids=["unknown account", "unknown section", "one line", "both sides"],
)
def test_refusals_of_the_posting_rules_are_shown_above_the_lines(coop, accountant, lines, message):
    response = client_for(accountant).post(NEW, entry_post(lines))
    assert response.status_code == 200 and message in text(response)
    assert not Entry.objects.exists()


def test_a_disabled_account_is_refused(coop, accountant):
    Account.objects.filter(code="758").update(is_active=False)
    response = client_for(accountant).post(NEW, entry_post([row("512", debit="10"), row("758", credit="10")]))
    assert "Compte inconnu ou désactivé : 758" in text(response) and not Entry.objects.exists()


# --- an entry, its reversal -------------------------------------------------------------------------------


def test_reversing_from_the_page_posts_the_opposite_entry_once(coop, accountant, structure):
    entry = od_entry(structure, "80.00", piece_ref="X1")
    client = client_for(accountant)
    page = text(client.get(f"{ENTRIES}{entry.pk}/"))
    assert "Contre-passer" in page
    response = client.post(f"{ENTRIES}{entry.pk}/contre-passer/", {"date": "2026-03-10"})
    reversal = Entry.objects.get(reversal_of=entry)
    assert response["Location"] == f"{ENTRIES}{reversal.pk}/"
    assert reversal.label == f"Contre-passation de {entry.fec_number}" and reversal.date == datetime.date(
        2026, 3, 10
    )
    assert list(reversal.lines.order_by("position").values_list("account_id", "debit", "credit")) == [
        ("512", D("0"), D("80.00")),
        ("758", D("80.00"), D("0")),
    ]
    original = text(client.get(f"{ENTRIES}{entry.pk}/"))
    assert "contre-passée" in original and f"{ENTRIES}{reversal.pk}/" in original
    assert 'data-testid="reverse-card"' not in original
    assert f"{ENTRIES}{entry.pk}/" in text(client.get(f"{ENTRIES}{reversal.pk}/"))
    # A second click posts nothing more.
    again = client.post(f"{ENTRIES}{entry.pk}/contre-passer/", {"date": "2026-03-10"}, follow=True)
    assert "déjà été contre-passée" in text(again)
    assert Entry.objects.count() == 2


def test_reversal_in_a_closed_period_is_refused(coop, accountant, structure):
    entry = od_entry(structure, date=datetime.date(2026, 1, 5))
    Cooperative.objects.update(ledger_closed_until=datetime.date(2026, 1, 31))
    response = client_for(accountant).post(
        f"{ENTRIES}{entry.pk}/contre-passer/", {"date": "2026-01-20"}, follow=True
    )
    assert "clôturée" in text(response) and Entry.objects.count() == 1


def test_entry_page_links_its_invoice_which_alone_corrects_it(
    coop, entrepreneur, accountant, activity, customer
):
    invoice = issued(entrepreneur, accountant, activity, customer)
    entry = Entry.objects.get(invoice=invoice)
    client = client_for(accountant)
    page = text(client.get(f"{ENTRIES}{entry.pk}/"))
    assert f"/gestion/facturation/factures/{invoice.pk}/" in page and f"Facture {invoice.number}" in page
    assert "C0" in page  # the customer's auxiliary account on the 411 line
    assert 'data-testid="reverse-card"' not in page and 'data-testid="document-entry"' in page
    response = client.post(f"{ENTRIES}{entry.pk}/contre-passer/", {"date": "2026-03-10"}, follow=True)
    assert "corrigez le document" in text(response)
    assert not Entry.objects.filter(reversal_of=entry).exists()


def test_entry_pages_are_for_the_accountant_and_the_manager_only(
    coop, accountant, entrepreneur, officer, structure
):
    entry = od_entry(structure)
    assert client_for(entrepreneur).get(f"{ENTRIES}{entry.pk}/").status_code == 403
    assert client_for(officer).get(f"{ENTRIES}{entry.pk}/").status_code == 403
    assert (
        client_for(entrepreneur)
        .post(f"{ENTRIES}{entry.pk}/contre-passer/", {"date": "2026-03-10"})
        .status_code
        == 403
    )
    assert client_for(accountant).get(f"{ENTRIES}{entry.pk + 1000}/").status_code == 404
    assert (
        client_for(accountant)
        .post(f"{ENTRIES}{entry.pk + 1000}/contre-passer/", {"date": "2026-03-10"})
        .status_code
        == 404
    )
    assert not Entry.objects.filter(reversal_of=entry).exists()


# --- the list ---------------------------------------------------------------------------------------------


def test_entries_list_filters(coop, accountant, activity, structure):
    section = AnalyticSection.objects.get(activity=activity).pk
    first = od_entry(structure, "10.00", label="Loyer janvier", date=datetime.date(2026, 1, 15))
    second = od_entry(section, "20.00", label="Frais bancaires", debit="627", credit="512", journal="BQ")
    third = od_entry(structure, "30.00", label="Autre", piece_ref="REF-9", date=datetime.date(2026, 2, 1))
    client = client_for(accountant)

    def numbers(query):
        return [entry.pk for entry in client.get(ENTRIES + query).context["table"].page.object_list.data]

    assert numbers("") == [second.pk, third.pk, first.pk]
    assert numbers("?journal=BQ") == [second.pk]
    assert numbers("?account=627") == [second.pk]
    assert numbers(f"?section={section}") == [second.pk]
    assert numbers("?q=loyer") == [first.pk]
    assert numbers("?q=ref-9") == [third.pk]
    assert numbers(f"?q={third.fec_number}") == [third.pk]
    assert numbers("?start=2026-01-01&end=2026-01-31") == [first.pk]
    page = text(client.get(ENTRIES))
    assert "30,00" in page and first.fec_number in page


def _post_many(section: int, count: int) -> None:
    for index in range(count):
        od_entry(
            section, f"{index + 1}.00", date=datetime.date(2026, 1, 1) + datetime.timedelta(days=index % 300)
        )


@pytest.mark.parametrize(
    ("url", "extra", "few", "more"),
    [
        (ENTRIES, "", 1, 120),
        (ENTRIES, "?account=512&start=2026-01-01&end=2026-12-31&q=test&journal=OD", 1, 120),
        ("/gestion/comptabilite/grand-livre/", "?account=512&start=2026-01-01&end=2026-12-31", 1, 120),
        # Page 2 carries the balance of page 1 (one aggregate): compare page 2 at 101 and at 300 lines.
        (
            "/gestion/comptabilite/grand-livre/",
            "?account=512&start=2026-01-01&end=2026-12-31&page=2",
            101,
            200,
        ),
        ("/gestion/comptabilite/balance/", "", 1, 120),
        ("/gestion/comptabilite/journaux/", "?year=2026", 1, 120),
        ("/gestion/comptabilite/tva/", "?period=2026-02", 1, 120),
    ],
)
def test_pages_run_the_same_number_of_queries_at_1_and_at_many_entries(
    coop, accountant, structure, url, extra, few, more
):
    client = client_for(accountant)
    _post_many(structure, few)
    client.get(url + extra)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url + extra).status_code == 200
    _post_many(structure, more)
    with CaptureQueriesContext(connection) as after:
        assert client.get(url + extra).status_code == 200
    assert len(after) == len(before), [query["sql"] for query in after.captured_queries]
    assert len(after) <= 14


def test_journals_of_the_year_count_entries_and_totals(coop, accountant, structure):
    od_entry(structure, "10.00")
    od_entry(structure, "5.50")
    od_entry(structure, "7.00", journal="BQ", debit="627", credit="512")
    journals = {
        row.journal.code: row
        for row in client_for(accountant).get("/gestion/comptabilite/journaux/").context["journals"]
    }
    assert (journals["OD"].entries, journals["OD"].debit, journals["OD"].credit) == (
        2,
        D("15.50"),
        D("15.50"),
    )
    assert journals["BQ"].entries == 1 and journals["VT"].entries == 0
