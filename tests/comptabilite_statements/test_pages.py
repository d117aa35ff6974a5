"""Statement pages: "Mes relevés" in the portal, the support team's list, downloads, scoping and queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptabilite.models import MonthlyStatement
from tests.comptabilite_statements.access import PDF, make_statement
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def _page(response) -> str:
    return response.content.decode().replace(NBSP, " ").replace("&nbsp;", " ")


def test_entrepreneur_lists_and_downloads_their_own_statements(coop, activity, other_activity, entrepreneur):
    mine = make_statement(activity, 2026, 2)
    theirs = make_statement(other_activity, 2026, 2, result="-45.00")
    client = client_for(entrepreneur)
    page = _page(client.get("/portail/releves/"))
    assert "Février 2026" in page and "120,00 €" in page and "850,50 €" in page
    assert f"/portail/releves/{mine.pk}/pdf/" in page and f"/releves/{theirs.pk}/" not in page
    response = client.get(f"/portail/releves/{mine.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == PDF
    assert 'filename="releve-ACT00001-2026-02.pdf"' in response["Content-Disposition"]


def test_another_entrepreneurs_statement_is_not_found(coop, activity, other_activity, entrepreneur):
    theirs = make_statement(other_activity, 2026, 2)
    assert client_for(entrepreneur).get(f"/portail/releves/{theirs.pk}/pdf/").status_code == 404
    assert client_for(entrepreneur).get("/portail/releves/999999/pdf/").status_code == 404


def test_staff_list_every_statement_and_filter(coop, activity, other_activity, officer):
    make_statement(activity, 2026, 1)
    make_statement(activity, 2026, 2)
    other = make_statement(other_activity, 2026, 2, result="-45.00")
    client = client_for(officer)
    page = _page(client.get("/gestion/releves/"))
    assert "ACT00001 — Graphisme" in page and "ACT00002 — Menuiserie" in page and "-45,00 €" in page
    page = _page(client.get("/gestion/releves/?q=menuis&year=2026&month=2"))
    assert "ACT00002" in page and "ACT00001 — Graphisme" not in page
    response = client.get(f"/gestion/releves/{other.pk}/pdf/")
    assert response.status_code == 200 and response.content == PDF


def test_statements_are_refused_outside_their_roles(coop, activity, associate, entrepreneur):
    statement = make_statement(activity, 2026, 2)
    assert client_for(associate).get("/gestion/releves/").status_code == 403
    assert client_for(associate).get("/portail/releves/").status_code == 403
    assert client_for(entrepreneur).get("/gestion/releves/").status_code == 403
    assert client_for(entrepreneur).get(f"/gestion/releves/{statement.pk}/pdf/").status_code == 403


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("persona", "url"), [("manager", "/gestion/releves/"), ("entrepreneur", "/portail/releves/")]
)
def test_statement_lists_queries_do_not_grow_with_rows(coop, activity, persona, personas, url):
    client = client_for(personas[persona])
    make_statement(activity, 2025, 1)
    client.get(url)
    few = _count(client, url)
    MonthlyStatement.objects.bulk_create(
        MonthlyStatement(
            activity=activity,
            year=2025,
            month=month,
            figures={"result": "1.00"},
            generated_at="2025-12-31T05:00Z",
        )
        for month in range(2, 13)
    )
    assert _count(client, url) == few <= 12


def test_staff_establish_last_month_s_missing_statements_once(
    coop, activity, other_activity, accountant, officer, django_capture_on_commit_callbacks
):
    from tests.comptabilite_statements.conftest import march_case

    march_case(activity)
    client = client_for(accountant)
    page = _page(client.get("/gestion/releves/"))
    assert "Relevés de Mars 2026 : 0 établis sur 2 activités." in page.replace("<strong>", "").replace(
        "</strong>", ""
    )
    assert "Établir les 2 relevés manquants" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/gestion/releves/etablir/", follow=True)
    assert "Établissement des relevés de mars 2026 lancé" in _page(response)
    assert MonthlyStatement.objects.filter(year=2026, month=3).count() == 2
    assert "relevés manquants" not in _page(response)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/gestion/releves/etablir/")
    assert MonthlyStatement.objects.count() == 2  # nothing twice
    # the accompaniment officer reads the list but does not establish statements
    assert "relevés manquants" not in _page(client_for(officer).get("/gestion/releves/"))
    assert client_for(officer).post("/gestion/releves/etablir/").status_code == 403
