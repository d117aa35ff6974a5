"""Staff record a CESA in the browser; the associate deadline appears on the record and the to-do."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from entrepreneurs import services
from tests.e2e.conftest import login, screenshot


@pytest.fixture
def prospect_under_cape(officer):
    person = services.entrepreneur_create(first_name="Inès", last_name="Navarro", referent=officer)
    today = datetime.date.today()
    # CAPE of 4 months ending last week: the associate deadline will fall within 180 days of today.
    start = today.replace(year=today.year - 3) + datetime.timedelta(days=130)
    services.journey_cape_start(
        entrepreneur=person, date=start, planned_end=start + datetime.timedelta(days=119)
    )
    return person


def test_officer_records_a_cesa_and_sees_the_associate_deadline(
    page, live_server, tmp_path, cooperative, officer, prospect_under_cape
):
    person = prospect_under_cape
    login(page, live_server, officer)
    page.goto(f"{live_server.url}/gestion/entrepreneurs/{person.pk}/")
    expect(page.get_by_test_id("journey-status")).to_have_text("CAPE / convention")

    cesa_date = person.journey_steps.get().date + datetime.timedelta(days=120)
    page.get_by_role("tab", name="Signature du CESA").click()
    page.locator("#id_cesa-date").fill(cesa_date.isoformat())
    page.get_by_role("button", name="Enregistrer : Signature du CESA").click()

    expect(page.get_by_text("Étape enregistrée : Signature du CESA.")).to_be_visible()
    expect(page.get_by_test_id("journey-status")).to_have_text("CESA (entrepreneur·e salarié·e)")
    person.refresh_from_db()
    deadline = person.associate_deadline
    assert deadline is not None
    expect(page.get_by_test_id("associate-deadline")).to_contain_text(deadline.strftime("%d/%m/%Y"))
    screenshot(page, tmp_path, "record-after-cesa")

    page.get_by_role("link", name="Accueil", exact=True).click()
    todo = page.get_by_test_id("todo-associate-deadlines")
    expect(todo.get_by_role("link", name="Inès Navarro")).to_be_visible()
    expect(todo).to_contain_text(deadline.strftime("%d/%m/%Y"))
    screenshot(page, tmp_path, "dashboard-after-cesa")


def test_refused_step_shows_the_rule_on_the_form(
    page, live_server, tmp_path, cooperative, officer, prospect_under_cape
):
    person = prospect_under_cape
    login(page, live_server, officer)
    page.goto(f"{live_server.url}/gestion/entrepreneurs/{person.pk}/")
    page.get_by_role("tab", name="Signature du CESA").click()
    # A CESA dated before the CAPE: dates may not go backwards.
    page.locator("#id_cesa-date").fill((person.entry_date - datetime.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Enregistrer : Signature du CESA").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    expect(page.get_by_test_id("journey-status")).to_have_text("CAPE / convention")
    screenshot(page, tmp_path, "refused-step")
