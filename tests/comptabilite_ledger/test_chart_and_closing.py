"""The chart of accounts (add, rename, deactivate; a number never changes) and the closing date (forward
only, confirmed, closes past days only)."""

from __future__ import annotations

import datetime

import pytest

from comptabilite.ledger.posting import EntrySpec, Line, post_entry
from comptabilite.models import Account, Entry
from coodyssee.errors import DomainError
from coodyssee.models import AuditEntry, Cooperative
from tests.comptabilite_ledger.conftest import D, od_entry, text
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

CHART = "/gestion/comptabilite/plan-comptable/"
CLOSING = "/gestion/comptabilite/cloture/"


# --- chart ------------------------------------------------------------------------------------------------


def test_chart_lists_accounts_and_whether_they_carry_lines(coop, accountant, structure):
    od_entry(structure)
    page = text(client_for(accountant).get(CHART))
    assert "44571" in page and "TVA collectée" in page
    table = client_for(accountant).get(CHART).context["table"]
    used = {row.record.code: row.record.used for row in table.rows}
    assert used["512"] and used["758"] and not used["707"]


def test_an_account_is_added_with_a_pcg_number(coop, accountant):
    client = client_for(accountant)
    response = client.post(CHART, {"code": " 6064 ", "label": "Fournitures administratives"})
    assert response.status_code == 302
    assert Account.objects.get(code="6064").label == "Fournitures administratives"
    for code, message in [
        ("6064", "existe déjà"),
        ("9ABC", "trois chiffres"),
        ("60", "trois chiffres"),
        ("60-64", "trois chiffres"),
    ]:
        response = client.post(CHART, {"code": code, "label": "X"})
        assert response.status_code == 200 and message in " ".join(response.context["form"].errors["code"]), (
            code
        )
    assert (
        Account.objects.filter(code__startswith="60").count()
        == Account.objects.filter(code__in=["601", "604", "606", "607", "6064"]).count()
    )


def test_an_account_is_renamed_and_deactivated_but_keeps_its_number(coop, accountant, structure):
    od_entry(structure, debit="512", credit="758")
    client = client_for(accountant)
    url = f"{CHART}758/"
    page = text(client.get(url))
    assert "Des écritures portent ce numéro : il ne change pas." in page and 'value="758" disabled' in page
    response = client.post(url, {"label": "Produits divers", "is_active": "", "code": "759"})
    assert response.status_code == 302
    account = Account.objects.get(code="758")
    assert (account.label, account.is_active) == ("Produits divers", False)
    assert not Account.objects.filter(code="759").exists()
    assert Entry.objects.get().lines.filter(account_id="758").exists()
    # A deactivated account takes no new posting.
    with pytest.raises(DomainError, match="désactivé"):
        od_entry(structure, debit="512", credit="758")
    client.post(url, {"label": "Produits divers", "is_active": "on"})
    assert Account.objects.get(code="758").is_active


def test_accounts_of_the_automatic_postings_cannot_be_deactivated(coop, accountant):
    response = client_for(accountant).post(f"{CHART}411/", {"label": "Clients", "is_active": ""})
    assert response.status_code == 200
    assert "écritures automatiques" in " ".join(response.context["form"].errors["is_active"])
    assert Account.objects.get(code="411").is_active


def test_chart_edit_of_an_unknown_account_is_404_and_entrepreneurs_are_refused(
    coop, accountant, entrepreneur
):
    assert client_for(accountant).get(f"{CHART}99999/").status_code == 404
    assert client_for(entrepreneur).get(CHART).status_code == 403
    assert client_for(entrepreneur).post(CHART, {"code": "6064", "label": "X"}).status_code == 403
    assert client_for(entrepreneur).post(f"{CHART}758/", {"label": "X"}).status_code == 403
    assert not Account.objects.filter(code="6064").exists() and Account.objects.get(code="758").label != "X"


# --- closing ----------------------------------------------------------------------------------------------


def test_closing_asks_for_confirmation_then_moves_the_date_forward(coop, accountant, structure):
    od_entry(structure, date=datetime.date(2026, 1, 20))
    od_entry(structure, date=datetime.date(2026, 2, 20))
    client = client_for(accountant)
    first = client.post(CLOSING, {"until": "2026-01-31"})
    assert first.status_code == 200 and first.context["confirm"]["entries"] == 1
    assert "Confirmer la clôture" in text(first)
    assert Cooperative.objects.get().ledger_closed_until is None
    done = client.post(CLOSING, {"until": "2026-01-31", "confirm": "on"})
    assert done.status_code == 302
    assert Cooperative.objects.get().ledger_closed_until == datetime.date(2026, 1, 31)
    assert AuditEntry.objects.filter(changes__has_key="ledger_closed_until").exists()
    assert "clôturée jusqu'au" in text(client.get(CLOSING))
    # Nothing can be posted in the closed period any more.
    with pytest.raises(DomainError, match="clôturée"):
        od_entry(structure, date=datetime.date(2026, 1, 31))
    od_entry(structure, date=datetime.date(2026, 2, 1))


@pytest.mark.parametrize("until", ["2026-01-31", "2026-01-15"])
def test_the_closing_date_never_moves_back(coop, accountant, until):
    Cooperative.objects.update(ledger_closed_until=datetime.date(2026, 1, 31))
    response = client_for(accountant).post(CLOSING, {"until": until, "confirm": "on"})
    assert response.status_code == 200 and "ne recule pas" in text(response)
    assert Cooperative.objects.get().ledger_closed_until == datetime.date(2026, 1, 31)


@pytest.mark.parametrize("until", ["2026-03-10", "2026-04-30"])
def test_only_past_days_are_closed(coop, accountant, until):
    response = client_for(accountant).post(CLOSING, {"until": until, "confirm": "on"})
    assert response.status_code == 200 and "période passée" in text(response)
    assert Cooperative.objects.get().ledger_closed_until is None


def test_closing_is_refused_to_other_roles(coop, officer, entrepreneur):
    for person in (officer, entrepreneur):
        assert client_for(person).post(CLOSING, {"until": "2026-01-31", "confirm": "on"}).status_code == 403
    assert Cooperative.objects.get().ledger_closed_until is None


def test_post_entry_in_the_closed_period_is_refused(coop, structure):
    Cooperative.objects.update(ledger_closed_until=datetime.date(2026, 2, 28))
    with pytest.raises(DomainError):
        post_entry(
            EntrySpec(
                journal="OD",
                date=datetime.date(2026, 2, 28),
                label="x",
                lines=[Line("512", structure, debit=D(1)), Line("758", structure, credit=D(1))],
            )
        )


# --- opening entries ----------------------------------------------------------------------------------


OPENING = "/gestion/comptabilite/cloture/a-nouveaux/"


def test_once_a_year_is_closed_its_opening_entries_are_posted_from_the_closing_page(
    coop, accountant, structure
):
    od_entry(structure, date=datetime.date(2025, 5, 2))
    client = client_for(accountant)
    assert "Passer les à-nouveaux" not in text(client.get(CLOSING))  # 2025 is not closed yet
    refused = client.post(OPENING, {"year": "2026"}, follow=True)
    assert "Clôturez d'abord l'exercice 2025" in text(refused)
    assert not Entry.objects.filter(journal_id="AN").exists()

    Cooperative.objects.update(ledger_closed_until=datetime.date(2025, 12, 31))
    assert "Passer les à-nouveaux 2026" in text(client.get(CLOSING))
    done = client.post(OPENING, {"year": "2026"}, follow=True)
    entry = Entry.objects.get(journal_id="AN")
    assert (entry.year, entry.date, entry.posted_by) == (2026, datetime.date(2026, 1, 1), accountant)
    assert f"À-nouveaux 2026 passés : écriture {entry.fec_number}" in text(done)
    assert "Passer les à-nouveaux" not in text(done)  # once
    again = client.post(OPENING, {"year": "2026"}, follow=True)
    assert "déjà passés" in text(again) and Entry.objects.filter(journal_id="AN").count() == 1


def test_opening_entries_are_refused_to_other_roles_and_to_a_closed_year(
    coop, officer, entrepreneur, structure
):
    od_entry(structure, date=datetime.date(2024, 5, 2))
    Cooperative.objects.update(ledger_closed_until=datetime.date(2025, 12, 31))
    for person in (officer, entrepreneur):
        assert client_for(person).post(OPENING, {"year": "2026"}).status_code == 403
    assert client_for(officer).get(OPENING).status_code in (403, 405)
    # 2025 is closed: its 1st January cannot receive an entry any more
    with pytest.raises(DomainError, match="clôturée"):
        from comptabilite.ledger.opening import open_year

        open_year(2025)
    assert not Entry.objects.filter(journal_id="AN").exists()
