"""The back-office statistics page: figures of a hand-built year, monthly table, CSV, access, queries."""

from __future__ import annotations

import csv
import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entrepreneurs import services
from tests.conftest import client_for
from tests.entrepreneurs.factories import EntrepreneurFactory, InfoSessionFactory, d, exited, in_cape, in_cesa

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def freeze(time_machine, day: str) -> None:
    time_machine.move_to(datetime.datetime.combine(d(day), datetime.time(10), tzinfo=PARIS), tick=False)


@pytest.fixture
def year_2017(cooperative):
    """Five journeys: 2 present on 1 January, 3 entries (Feb, Jun, Dec), 2 exits (Mar, Dec)."""
    in_cesa(in_cape(EntrepreneurFactory(), "2016-03-01", "2017-02-28"), "2017-01-15")  # all year, CESA
    exited(in_cesa(EntrepreneurFactory(), "2015-05-01"), "2017-03-31")
    in_cape(EntrepreneurFactory(), "2017-02-10", "2018-02-09")
    exited(in_cesa(EntrepreneurFactory(), "2017-06-01"), "2017-12-31")
    in_cape(EntrepreneurFactory(), "2017-12-31", "2018-06-30")
    prospect = EntrepreneurFactory()
    services.journey_info_session_record(entrepreneur=prospect, date=d("2017-04-01"))
    exited(prospect, "2017-05-01")  # never entered: no movement
    InfoSessionFactory(date=d("2017-03-14"), registered=3, attended=2)
    InfoSessionFactory(date=d("2017-09-12"), registered=5, attended=4)
    InfoSessionFactory(date=d("2018-01-09"), registered=7, attended=7)


def text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def table_rows(html: str) -> dict[str, list[str]]:
    """The monthly table as {"2017-01": ["Janvier", "0", "0", "2"], ..., "total": [...]}."""
    rows = {}
    for month, row in re.findall(r'<tr data-month="([^"]+)"[^>]*>(.*?)</tr>', html, re.S):
        rows[month] = [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
    return rows


def figure(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">(.*?)</div>', html, re.S)
    assert match, testid
    return text(match.group(1))


def test_monthly_table_and_totals_match_the_journeys(year_2017, manager, time_machine):
    freeze(time_machine, "2018-03-01")
    response = client_for(manager).get(reverse("backoffice:stats_year", args=[2017]))
    assert response.status_code == 200
    rows = table_rows(response.content.decode())
    assert rows["2017-01"] == ["Janvier", "0", "0", "2"]
    assert rows["2017-02"] == ["Février", "1", "0", "3"]
    assert rows["2017-03"] == ["Mars", "0", "-1", "2"]
    assert rows["2017-06"] == ["Juin", "1", "0", "3"]
    assert rows["2017-11"] == ["Novembre", "0", "0", "3"]
    assert rows["2017-12"] == ["Décembre", "1", "-1", "3"]
    assert rows["total"] == ["Total", "3", "-2", "3"]
    assert len(rows) == 13


def test_key_figures_come_from_the_journeys(year_2017, manager, time_machine):
    freeze(time_machine, "2018-03-01")
    html = client_for(manager).get(reverse("backoffice:stats_year", args=[2017])).content.decode()
    assert figure(html, "start-of-year") == "2"
    assert figure(html, "end-of-year") == "3 (+1)"
    assert figure(html, "entries") == "3"
    assert figure(html, "exits") == "2"
    assert figure(html, "accompanied") == "5"
    assert figure(html, "cesa-end-of-year") == "1"
    assert figure(html, "cape-end-of-year") == "2"
    assert figure(html, "info-sessions") == "2"
    assert figure(html, "info-sessions-people") == "8 inscrits, 6 reçus"
    assert "Entrepreneurs accompagnés en 2017" in html  # the year is not written "2 017"


def test_page_has_an_accessible_svg_chart_of_the_year(year_2017, manager, time_machine):
    freeze(time_machine, "2018-03-01")
    html = client_for(manager).get(reverse("backoffice:stats_year", args=[2017])).content.decode()
    assert html.count('role="img"') == 2  # wide and phone versions
    assert '<title id="headcount-chart-title">Effectif et mouvements mois par mois en 2017</title>' in html
    assert "déc. : Entrées 1, Sorties -1, Effectif en fin de mois 3." in html


def test_year_selector_runs_from_the_first_entry_to_this_year(year_2017, manager, time_machine):
    freeze(time_machine, "2018-03-01")
    html = client_for(manager).get(reverse("backoffice:stats_year", args=[2017])).content.decode()
    for year in (2015, 2016, 2017, 2018):
        assert f'href="/gestion/statistiques/{year}/"' in html
    assert "/gestion/statistiques/2014/" not in html


def test_default_year_is_the_current_one_with_its_months_to_come_marked(year_2017, manager, time_machine):
    freeze(time_machine, "2017-11-15")
    html = client_for(manager).get(reverse("backoffice:stats")).content.decode()
    rows = table_rows(html)
    assert rows["2017-10"][0] == "Octobre"
    assert rows["2017-11"][0] == "Novembre en cours"
    assert rows["2017-12"][0] == "Décembre à venir"
    assert "Année en cours : chiffres au 15/11/2017" in html


def test_csv_export_has_the_monthly_table_for_excel(year_2017, manager, time_machine):
    freeze(time_machine, "2018-03-01")
    response = client_for(manager).get(reverse("backoffice:stats_year", args=[2017]), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="effectif-2017.csv"'
    assert response.content.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Mois", "Entrées", "Sorties", "Effectif"]
    assert lines[1] == ["Janvier", "0", "0", "2"]
    assert lines[3] == ["Mars", "0", "-1", "2"]
    assert lines[12] == ["Décembre", "1", "-1", "3"]
    assert lines[13] == ["Total", "3", "-2", "3"]
    assert len(lines) == 14
    assert b"\r\n" in response.content


def test_csv_link_points_at_the_year_shown(year_2017, manager, time_machine):
    freeze(time_machine, "2018-03-01")
    html = client_for(manager).get(reverse("backoffice:stats_year", args=[2017])).content.decode()
    assert 'href="/gestion/statistiques/2017/?format=csv"' in html


def test_a_year_without_anyone_shows_zeros(manager, cooperative, time_machine):
    freeze(time_machine, "2026-11-28")
    response = client_for(manager).get(reverse("backoffice:stats_year", args=[2020]))
    assert response.status_code == 200
    assert table_rows(response.content.decode())["total"] == ["Total", "0", "0", "0"]


@pytest.mark.parametrize("year", [1900, 3000])
def test_years_outside_the_calendar_are_not_found(manager, year):
    assert client_for(manager).get(reverse("backoffice:stats_year", args=[year])).status_code == 404


@pytest.mark.parametrize("persona", ["manager", "accountant", "officer"])
def test_support_team_reads_the_statistics(personas, persona):
    assert client_for(personas[persona]).get(reverse("backoffice:stats")).status_code == 200


@pytest.mark.parametrize("persona", ["entrepreneur", "associate"])
@pytest.mark.parametrize("params", [{}, {"format": "csv"}])
def test_entrepreneurs_and_associates_are_refused(personas, persona, params):
    response = client_for(personas[persona]).get(reverse("backoffice:stats_year", args=[2017]), params)
    assert response.status_code == 403
    assert "text/csv" not in response["Content-Type"]


def test_anonymous_visitor_is_sent_to_login():
    response = client_for(None).get(reverse("backoffice:stats"))
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/")


def _journeys(count: int) -> None:
    for index in range(count):
        person = in_cape(
            EntrepreneurFactory(), f"2017-{index % 12 + 1:02d}-01", f"2017-{index % 12 + 1:02d}-28"
        )
        if index % 3 == 0:
            in_cesa(person, f"2017-{index % 12 + 1:02d}-28")
        if index % 4 == 0:
            exited(person, "2017-12-15")


def _queries(user, params=None) -> int:
    client = client_for(user)
    url = reverse("backoffice:stats_year", args=[2017])
    client.get(url, params)  # warm the session and the caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [None, {"format": "csv"}])
def test_query_count_does_not_depend_on_the_number_of_entrepreneurs(manager, cooperative, params):
    _journeys(2)
    few = _queries(manager, params)
    _journeys(28)
    assert _queries(manager, params) == few
