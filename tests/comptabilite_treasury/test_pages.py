"""Treasury pages: "Ma trésorerie" and its forecast form in the portal, the dashboard and the overview in the
back-office (filters, sorting, CSV), and who may open what (another entrepreneur's activity: 404)."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptabilite.models import AlertKind, Forecast, TreasuryAlert
from tests.comptabilite.conftest import activity_of
from tests.comptabilite_treasury.conftest import TODAY, post_expense
from tests.conftest import client_for

D = Decimal


def _text(response) -> str:
    return response.content.decode()


# --- portal ---------------------------------------------------------------------------------------------


def test_my_treasury_shows_cards_chart_table_and_unpaid_invoices(hand_case, entrepreneur):
    response = client_for(entrepreneur).get("/portail/tresorerie/")
    assert response.status_code == 200
    page = _text(response)
    assert "-870,00\u00a0€" in page  # treasury available
    assert "1\u00a0000,00\u00a0€" in page and "-370,00\u00a0€" in page  # turnover, result
    assert 'data-testid="treasury-chart"' in page and "<svg" in page
    assert 'data-month="12"' in page  # twelve months in the table
    assert hand_case.number in page and "600,00\u00a0€" in page  # the unpaid invoice and what is due
    assert 'href="/portail/factures/' in page
    assert 'data-testid="activity-selector"' not in page  # one activity: no selector


def test_an_entrepreneur_with_two_activities_gets_a_selector(hand_case, entrepreneur, activity):
    second = activity_of(entrepreneur, "ACT00003", "Atelier partagé")
    client = client_for(entrepreneur)
    page = _text(client.get("/portail/tresorerie/"))
    assert 'data-testid="activity-selector"' in page and f"/portail/tresorerie/activites/{second.pk}/" in page
    other = client.get(f"/portail/tresorerie/activites/{second.pk}/?year=2025")
    assert other.status_code == 200 and "Atelier partagé" in _text(other)


def test_another_entrepreneurs_dashboard_and_forecast_answer_404(coop, entrepreneur, other_activity):
    client = client_for(entrepreneur)
    assert client.get(f"/portail/tresorerie/activites/{other_activity.pk}/").status_code == 404
    assert client.get(f"/portail/tresorerie/activites/{other_activity.pk}/previsions/").status_code == 404
    posted = client.post(
        f"/portail/tresorerie/activites/{other_activity.pk}/previsions/?year=2026", {"turnover_1": "1000"}
    )
    assert posted.status_code == 404 and not Forecast.objects.exists()
    assert client.get("/portail/tresorerie/activites/999999/").status_code == 404


def test_staff_read_dashboards_but_do_not_write_forecasts(coop, activity, manager, accountant):
    assert (
        client_for(manager).get(f"/portail/tresorerie/activites/{activity.pk}/previsions/").status_code == 403
    )
    assert client_for(accountant).get(f"/gestion/tresorerie/activites/{activity.pk}/").status_code == 200


def test_entrepreneurs_cannot_open_the_back_office_pages(coop, activity, entrepreneur):
    client = client_for(entrepreneur)
    assert client.get("/gestion/tresorerie/").status_code == 403
    assert client.get(f"/gestion/tresorerie/activites/{activity.pk}/").status_code == 403


def test_the_forecast_form_saves_twelve_months_in_one_post(hand_case, entrepreneur, activity):
    client = client_for(entrepreneur)
    url = f"/portail/tresorerie/activites/{activity.pk}/previsions/?year=2026"
    form = client.get(url)
    assert form.status_code == 200 and 'name="salary_12"' in _text(form)
    data = {f"turnover_{month}": "1 500,50" for month in range(1, 13)} | {"expenses_3": "200", "salary_4": ""}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == f"/portail/tresorerie/activites/{activity.pk}/?year=2026"
    forecasts = {f.month: f for f in Forecast.objects.filter(activity=activity, year=2026)}
    assert len(forecasts) == 12
    assert forecasts[1].turnover == D("1500.50") and forecasts[3].expenses == D("200.00")
    assert forecasts[4].salary == D("0.00")
    page = _text(client.get(response["Location"]))
    assert (
        'data-testid="treasury-forecast-table"' in page and "18\u00a0006,00\u00a0€" in page
    )  # 12 × 1,500.50
    # back on the form, the amounts are shown the French way
    assert 'value="1500,50"' in _text(client.get(url))


def test_a_negative_forecast_is_refused_where_it_was_typed(coop, entrepreneur, activity):
    url = f"/portail/tresorerie/activites/{activity.pk}/previsions/?year=2026"
    response = client_for(entrepreneur).post(url, {"turnover_2": "-5"})
    assert response.status_code == 200 and "is-invalid" in _text(response)
    assert not Forecast.objects.exists()


def test_a_forecast_out_of_the_editable_years_is_refused(coop, entrepreneur, activity):
    url = f"/portail/tresorerie/activites/{activity.pk}/previsions/?year=2020"
    response = client_for(entrepreneur).post(url, {"turnover_1": "10"})
    assert response.status_code == 200 and "Les prévisions se saisissent de 2025 à 2028." in _text(response)
    assert not Forecast.objects.exists()


def test_portal_without_activity(coop, entrepreneur):
    response = client_for(entrepreneur).get("/portail/tresorerie/")
    assert response.status_code == 200 and "Aucune activité" in _text(response)


def test_portal_dashboard_query_count_does_not_depend_on_the_activity(hand_case, entrepreneur, activity):
    client = client_for(entrepreneur)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/portail/tresorerie/").status_code == 200
    assert len(captured) <= 12


# --- back-office ----------------------------------------------------------------------------------------


def test_staff_dashboard_names_members_and_links_invoices_to_the_back_office(hand_case, activity, manager):
    page = _text(client_for(manager).get(f"/gestion/tresorerie/activites/{activity.pk}/"))
    assert 'data-testid="treasury-members"' in page and "Lucie Faure" in page
    assert f'href="/gestion/facturation/factures/{hand_case.pk}/"' in page
    assert "forecast-edit" not in page


def _overview_csv(client, query="") -> list[list[str]]:
    response = client.get(f"/gestion/tresorerie/?format=csv&{query}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_overview_csv_exports_the_filtered_rows(hand_case, activity, other_activity, manager):
    post_expense(other_activity, datetime.date(2026, 2, 1), ht="50.00", vat="10.00")
    TreasuryAlert.objects.create(
        activity=other_activity,
        kind=AlertKind.TREASURY,
        raised_at=datetime.datetime(2026, 2, 2, tzinfo=datetime.UTC),
        message="x",
    )
    client = client_for(manager)
    rows = _overview_csv(client, "year=2026")
    assert rows[0] == [
        "Code",
        "Activité",
        "Entrepreneur·es",
        "CA HT 2026 (depuis janvier)",
        "Résultat 2026",
        "Trésorerie au 15/06/2026",
        "Dernier paiement",
        "Alertes",
    ]
    assert rows[1] == [
        "ACT00001",
        "Graphisme",
        "Lucie Faure",
        "1000,00",
        "-370,00",
        "-870,00",
        "06/04/2026",
        "",
    ]
    assert rows[2] == [
        "ACT00002",
        "Menuiserie",
        "Marc Autre",
        "0,00",
        "-50,00",
        "-50,00",
        "",
        "trésorerie sous le seuil",
    ]
    assert [row[0] for row in _overview_csv(client, "alert=on")[1:]] == ["ACT00002"]
    assert [row[0] for row in _overview_csv(client, "q=graph")[1:]] == ["ACT00001"]
    assert [row[0] for row in _overview_csv(client, "treasury_below=-100")[1:]] == ["ACT00001"]
    # sorted as the table is: by treasury, highest first
    assert [row[0] for row in _overview_csv(client, "sort=-treasury")[1:]] == ["ACT00002", "ACT00001"]
    past = _overview_csv(client, "year=2025")
    assert past[0][5] == "Trésorerie au 31/12/2025" and past[1][5] == "0,00"


def test_overview_page_filters_sorts_and_counts(hand_case, other_activity, manager):
    client = client_for(manager)
    page = _text(client.get("/gestion/tresorerie/?sort=-treasury"))
    assert 'data-testid="treasury-overview"' in page
    assert page.index("ACT00002") < page.index("ACT00001")
    filtered = _text(client.get("/gestion/tresorerie/?treasury_below=-100,5"))
    assert "ACT00001" in filtered and "ACT00002" not in filtered
    for value in ("abc", "2999", "1800"):
        assert client.get(f"/gestion/tresorerie/?year={value}").status_code == 200


@pytest.mark.parametrize("sort", ["code", "-last_payment", "alert"])
def test_overview_query_count_is_constant(coop, entrepreneur, manager, sort):
    from entrepreneurs.models import Activity, ActivityMembership

    client = client_for(manager)

    def page_queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/gestion/tresorerie/?sort={sort}").status_code == 200
        return len(captured)

    def add(first, count):
        for index in range(first, first + count):
            activity = Activity.objects.create(code=f"OV{index:03d}", name=f"Activité {index}")
            ActivityMembership.objects.create(activity=activity, entrepreneur=entrepreneur.entrepreneur)
            post_expense(activity, TODAY)
            Forecast.objects.create(activity=activity, year=2026, month=1, turnover=D(10))

    add(0, 1)
    one = page_queries()
    add(1, 29)
    assert page_queries() == one <= 12


def test_in_the_portal_a_staff_member_who_is_also_an_entrepreneur_sees_only_their_activities(
    coop, other_activity
):
    from coodyssee.permissions import Role
    from tests.conftest import make_person

    both = make_person("double@test.fr", (Role.MANAGER, Role.ENTREPRENEUR), entrepreneur=True)
    mine = activity_of(both, "ACT00009", "Mon activité")
    client = client_for(both)
    page = _text(client.get("/portail/tresorerie/"))
    assert "ACT00009" in page and "ACT00002" not in page
    assert client.get(f"/portail/tresorerie/activites/{other_activity.pk}/").status_code == 404
    assert client.get(f"/gestion/tresorerie/activites/{other_activity.pk}/").status_code == 200
    assert client.get(f"/portail/tresorerie/activites/{mine.pk}/previsions/").status_code == 200
    assert client.get(f"/portail/tresorerie/activites/{other_activity.pk}/previsions/").status_code == 404
