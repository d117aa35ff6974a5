"""Budget pages: the back-office table and its forecast form, the associates' read-only copy."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptabilite.ledger.posting import EntrySpec, Line, post_entry, structure_section_id
from gouvernance.models import BudgetLine, BudgetSide
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def _text(response) -> str:
    return response.content.decode().replace(NBSP, " ").replace("&nbsp;", " ")


def test_backoffice_page_prints_the_2017_table(budget_2017, manager, cooperative):
    response = client_for(manager).get("/gestion/budget/2017/")
    assert response.status_code == 200
    page = _text(response)
    for figure in ("152 181 €", "182 848 €", "30 667 €", "6 341 €", "23 982 €", "48 308 €", "206 830 €"):
        assert figure in page, figure
    assert "103 333 €" in page and "69 %" in page and "58 %" in page
    assert "Modifier les prévisions" in page


def test_budget_entry_point_opens_the_latest_budget(budget_2017, officer, cooperative):
    response = client_for(officer).get("/gestion/budget/")
    assert response.status_code == 302 and response["Location"] == "/gestion/budget/2017/"


def test_associates_read_the_same_table_without_editing(budget_2017, associate, cooperative):
    client = client_for(associate)
    assert client.get("/associes/budget/")["Location"] == "/associes/budget/2017/"
    response = client.get("/associes/budget/2017/")
    assert response.status_code == 200
    page = _text(response)
    assert "48 308 €" in page and "Modifier les prévisions" not in page
    assert client.get("/gestion/budget/2017/").status_code == 403


def test_only_the_manager_and_the_accountant_edit_forecasts(budget_2017, officer, entrepreneur, cooperative):
    assert client_for(officer).get("/gestion/budget/2017/").status_code == 200
    assert "Modifier les prévisions" not in _text(client_for(officer).get("/gestion/budget/2017/"))
    assert client_for(officer).get("/gestion/budget/2017/modifier/").status_code == 403
    assert client_for(officer).post("/gestion/budget/2018/reprendre/").status_code == 403
    assert client_for(entrepreneur).get("/gestion/budget/2017/").status_code == 403
    assert client_for(entrepreneur).get("/associes/budget/2017/").status_code == 403


def _formset_data(lines, extra=()) -> dict:
    data = {
        "lines-TOTAL_FORMS": str(len(lines) + len(extra)),
        "lines-INITIAL_FORMS": str(len(lines)),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for index, line in enumerate([*lines, *extra]):
        prefix = f"lines-{index}-"
        values = (
            line
            if isinstance(line, dict)
            else {
                "id": line.pk,
                "side": line.side,
                "eligible": "on" if line.eligible else "",
                "section": line.section,
                "label": line.label,
                "forecast": "" if line.forecast is None else str(line.forecast),
                "accounts": line.accounts,
                "position": str(line.position),
            }
        )
        for key, value in values.items():
            if key == "eligible" and not value:
                continue
            data[prefix + key] = value
    return data


def _lines(year):
    return list(BudgetLine.objects.filter(year=year).order_by("side", "-eligible", "position", "pk"))


def test_accountant_changes_a_forecast_and_adds_a_line(accountant, cooperative):
    BudgetLine.objects.create(
        year=2024, side="charge", section="61", label="Locations", forecast=9000, accounts="613"
    )
    lines = _lines(2024)
    new = {
        "side": "product",
        "eligible": "on",
        "section": "Subventions",
        "label": "Région",
        "forecast": "1000",
        "accounts": "7441",
        "position": "10",
    }
    data = _formset_data(lines, [new]) | {"lines-0-forecast": "9500.00"}
    response = client_for(accountant).post("/gestion/budget/2024/modifier/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == "/gestion/budget/2024/"
    saved = {line.label: line for line in _lines(2024)}
    assert saved["Locations"].forecast == Decimal("9500.00")
    assert saved["Région"].accounts == "7441" and saved["Région"].side == BudgetSide.PRODUCT


def test_an_account_given_to_two_lines_is_refused_where_it_was_typed(accountant, cooperative):
    BudgetLine.objects.create(year=2024, side="charge", section="61", label="Locations", accounts="613")
    BudgetLine.objects.create(year=2024, side="charge", section="61", label="Entretien", accounts="615")
    data = _formset_data(_lines(2024)) | {"lines-1-accounts": "613, 615"}
    response = client_for(accountant).post("/gestion/budget/2024/modifier/", data)
    assert response.status_code == 200
    assert "Le compte 613 est donné à deux lignes" in _text(response)
    assert {line.accounts for line in _lines(2024)} == {"613", "615"}


def test_bad_account_prefix_is_a_field_error(accountant, cooperative):
    BudgetLine.objects.create(year=2024, side="charge", section="61", label="Locations", accounts="613")
    data = _formset_data(_lines(2024)) | {"lines-0-accounts": "613, loyer"}
    response = client_for(accountant).post("/gestion/budget/2024/modifier/", data)
    assert response.status_code == 200 and "Indiquez des débuts de numéros de compte" in _text(response)


def test_deleting_a_line(manager, cooperative):
    BudgetLine.objects.create(year=2024, side="charge", section="61", label="Locations", accounts="613")
    BudgetLine.objects.create(year=2024, side="charge", section="61", label="Entretien", accounts="615")
    data = _formset_data(_lines(2024)) | {"lines-1-DELETE": "on"}
    assert client_for(manager).post("/gestion/budget/2024/modifier/", data).status_code == 302
    assert [line.label for line in _lines(2024)] == ["Locations"]


def test_copying_last_years_lines(budget_2017, manager, cooperative):
    client = client_for(manager)
    empty = _text(client.get("/gestion/budget/2018/"))
    assert "Reprendre les lignes de 2017" in empty
    response = client.post("/gestion/budget/2018/reprendre/")
    assert response.status_code == 302 and response["Location"] == "/gestion/budget/2018/modifier/"
    copied = _lines(2018)
    assert [(line.label, line.forecast, line.accounts) for line in copied] == [
        (line.label, line.forecast, line.accounts) for line in _lines(2017)
    ]
    again = client.post("/gestion/budget/2018/reprendre/", follow=True)
    assert "Le budget 2018 a déjà des lignes." in _text(again)
    assert len(_lines(2018)) == len(copied)
    later = client.post("/gestion/budget/2021/reprendre/", follow=True)  # from the latest budget before
    assert "lignes reprises du budget 2018" in _text(later) and len(_lines(2021)) == len(copied)
    assert "Reprendre les lignes" not in _text(client.get("/gestion/budget/2016/"))
    refused = client.post("/gestion/budget/2016/reprendre/", follow=True)
    assert "Aucun budget antérieur à 2016" in _text(refused) and not _lines(2016)


def test_out_of_range_year_is_not_found(manager, cooperative):
    assert client_for(manager).get("/gestion/budget/1900/").status_code == 404


def _populate(lines: int, entries: int, start: int = 0):
    structure = structure_section_id()
    for index in range(start, start + lines):
        BudgetLine.objects.create(
            year=2020,
            side="charge",
            section=f"6{index % 4}",
            label=f"Ligne {index}",
            accounts=f"6{index:03d}",
        )
    for index in range(entries):
        account = ("601", "613", "626")[index % 3]
        post_entry(
            EntrySpec(
                "OD",
                datetime.date(2020, 1 + index % 12, 5),
                "Test",
                [
                    Line(account, structure, debit=Decimal("10.00")),
                    Line("512", structure, credit=Decimal("10.00")),
                ],
            )
        )


def test_budget_page_queries_do_not_grow_with_lines_and_entries(manager, cooperative):
    client = client_for(manager)
    _populate(1, 1)
    client.get("/gestion/budget/2020/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/gestion/budget/2020/").status_code == 200
    _populate(40, 60, start=1)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/gestion/budget/2020/").status_code == 200
    assert len(large) == len(small) <= 12
