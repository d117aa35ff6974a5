"""Back-office journey pages: lists, record page with its forms, appointments, information sessions, to-do."""

from __future__ import annotations

import datetime
import html

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entrepreneurs import services
from entrepreneurs.models import Appointment, Entrepreneur, InfoSession, JourneyStatus
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 16)  # a Monday


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 16, 10, 0), tick=False):
        yield


def text(response) -> str:
    return html.unescape(response.content.decode())


def new_person(last_name="Martin", first_name="Léa", **extra) -> Entrepreneur:
    return services.entrepreneur_create(first_name=first_name, last_name=last_name, **extra)


def cesa_person(cesa_date, last_name="Cesa", cape_start=None) -> Entrepreneur:
    person = new_person(last_name=last_name)
    if cape_start:
        services.journey_cape_start(
            entrepreneur=person, date=cape_start, planned_end=cape_start + datetime.timedelta(days=180)
        )
    services.journey_cesa_sign(entrepreneur=person, date=cesa_date)
    return person


# --- list ---------------------------------------------------------------------------------------


def test_list_filters_by_status_territory_rsa_and_search(officer, cooperative):
    gap = services.territory_ensure(name="Gapençais")
    a = cesa_person(datetime.date(2025, 1, 6), last_name="Arnaud")
    services.entrepreneur_update(entrepreneur=a, data={"territory": gap, "rsa_beneficiary": True})
    new_person(last_name="Prospecte")
    client = client_for(officer)
    page = text(client.get("/gestion/entrepreneurs/", {"status": "present"}))
    assert "Arnaud" in page and "Prospecte" not in page
    page = text(client.get("/gestion/entrepreneurs/", {"territory": gap.pk, "rsa_beneficiary": "true"}))
    assert "Arnaud" in page and "Prospecte" not in page
    page = text(client.get("/gestion/entrepreneurs/", {"q": "prosp", "status": ""}))
    assert "Prospecte" in page and "Arnaud" not in page


def test_list_shows_present_people_by_default(officer, cooperative):
    cesa_person(datetime.date(2025, 1, 6), last_name="Arnaud")
    gone = cesa_person(datetime.date(2025, 1, 6), last_name="Parti")
    services.journey_exit_record(entrepreneur=gone, date=datetime.date(2026, 3, 2), reason="resignation")
    page = text(client_for(officer).get("/gestion/entrepreneurs/"))
    assert "Arnaud" in page and "Parti" not in page
    assert "Parti" in text(client_for(officer).get("/gestion/entrepreneurs/", {"status": ""}))


def test_csv_export_follows_the_filter(accountant, cooperative):
    cesa_person(datetime.date(2025, 1, 6), last_name="Arnaud")
    new_person(last_name="Prospecte")
    response = client_for(accountant).get("/gestion/entrepreneurs/", {"status": "present", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Référence;Nom;Prénom")
    assert len(lines) == 2 and ";Arnaud;Léa;" in lines[1] and "06/01/2025" in lines[1]


def test_list_query_count_does_not_grow_with_rows(officer, cooperative):
    gap = services.territory_ensure(name="Gapençais")
    person = cesa_person(datetime.date(2025, 1, 6))
    services.entrepreneur_update(entrepreneur=person, data={"territory": gap, "referent": officer})
    client = client_for(officer)
    client.get("/gestion/entrepreneurs/")
    with CaptureQueriesContext(connection) as one:
        client.get("/gestion/entrepreneurs/")
    for index in range(25):
        other = cesa_person(datetime.date(2025, 2, 3), last_name=f"Nom{index:02d}")
        services.entrepreneur_update(entrepreneur=other, data={"territory": gap, "referent": officer})
    with CaptureQueriesContext(connection) as many:
        response = client.get("/gestion/entrepreneurs/")
    assert "Nom24" in text(response)
    assert len(many) == len(one)


@pytest.mark.parametrize(
    "url", ["/gestion/entrepreneurs/", "/gestion/rendez-vous/", "/gestion/informations-collectives/"]
)
def test_entrepreneurs_and_associates_cannot_open_backoffice_lists(url, entrepreneur, associate, cooperative):
    assert client_for(entrepreneur).get(url).status_code == 403
    assert client_for(associate).get(url).status_code == 403


# --- record page and journey forms -----------------------------------------------------------


def test_staff_record_cesa_and_see_the_associate_deadline_on_record_and_dashboard(officer, cooperative):
    person = new_person(last_name="Durand")
    services.journey_cape_start(
        entrepreneur=person, date=datetime.date(2023, 12, 4), planned_end=datetime.date(2024, 5, 31)
    )
    client = client_for(officer)
    response = client.post(
        f"/gestion/entrepreneurs/{person.pk}/parcours/cesa/", {"cesa-date": "2024-06-03", "cesa-note": ""}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    # 3 years after 03/06/2024, minus the 180 days under CAPE (04/12/2023 → 31/05/2024 included).
    assert person.associate_deadline == datetime.date(2026, 12, 5)
    page = text(client.get(f"/gestion/entrepreneurs/{person.pk}/"))
    assert "05/12/2026" in page and "dans 19 jours" in page
    dashboard = text(client.get("/gestion/"))
    assert "Durand" in dashboard and "moins de 30 jours" in dashboard


def test_rule_errors_are_shown_on_the_step_form(officer, cooperative):
    person = new_person(last_name="Sanscesa")
    response = client_for(officer).post(
        f"/gestion/entrepreneurs/{person.pk}/parcours/associate/", {"associate-date": "2026-11-01"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "CESA" in page and ("invalid-feedback" in page or "alert-danger" in page)
    person.refresh_from_db()
    assert person.status == JourneyStatus.PROSPECT


def test_exit_needs_a_reason(officer, cooperative):
    person = cesa_person(datetime.date(2025, 1, 6))
    response = client_for(officer).post(
        f"/gestion/entrepreneurs/{person.pk}/parcours/exit/",
        {"exit-date": "2026-11-10", "exit-exit_reason": ""},
    )
    assert response.status_code == 400
    response = client_for(officer).post(
        f"/gestion/entrepreneurs/{person.pk}/parcours/exit/",
        {"exit-date": "2026-11-10", "exit-exit_reason": "company_creation"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == JourneyStatus.EXITED


def test_last_step_can_be_undone_and_stays_in_the_history(officer, cooperative):
    person = cesa_person(datetime.date(2025, 1, 6))
    client = client_for(officer)
    client.post(f"/gestion/entrepreneurs/{person.pk}/parcours-annuler/")
    person.refresh_from_db()
    assert person.status == JourneyStatus.PROSPECT
    page = text(client.get(f"/gestion/entrepreneurs/{person.pk}/"))
    assert "suppression" in page and "Signature du CESA" in page


def test_accountant_reads_the_record_but_cannot_record_steps(accountant, cooperative):
    person = new_person(last_name="Lecture")
    client = client_for(accountant)
    page = text(client.get(f"/gestion/entrepreneurs/{person.pk}/"))
    assert "Lecture" in page and 'data-testid="step-forms"' not in page
    response = client.post(f"/gestion/entrepreneurs/{person.pk}/parcours/cesa/", {"cesa-date": "2026-11-01"})
    assert response.status_code == 403
    assert client.get(f"/gestion/entrepreneurs/{person.pk}/modifier/").status_code == 403


def test_unknown_record_is_404(officer, cooperative):
    assert client_for(officer).get("/gestion/entrepreneurs/999999/").status_code == 404


def test_create_and_edit_a_record_with_form_errors(officer, cooperative):
    client = client_for(officer)
    response = client.post(
        "/gestion/entrepreneurs/nouveau/", {"first_name": "Zoé", "last_name": "", "ref": "E1"}
    )
    assert response.status_code == 200 and not Entrepreneur.objects.exists()
    response = client.post(
        "/gestion/entrepreneurs/nouveau/",
        {"first_name": "Zoé", "last_name": "Roux", "ref": "E1", "activity_name": "Céramique"},
    )
    person = Entrepreneur.objects.get(ref="E1")
    assert response["Location"] == f"/gestion/entrepreneurs/{person.pk}/"
    assert "Céramique" in text(client.get(response["Location"]))
    other = new_person(last_name="Autre", ref="E2")
    response = client.post(
        f"/gestion/entrepreneurs/{other.pk}/modifier/",
        {"first_name": "Léa", "last_name": "Autre", "ref": "E1"},
    )
    assert response.status_code == 200 and "E1" in text(response)
    other.refresh_from_db()
    assert other.ref == "E2"


# --- appointments ---------------------------------------------------------------------------


def test_plan_complete_and_cancel_appointments(officer, cooperative):
    person = cesa_person(datetime.date(2025, 1, 6))
    client = client_for(officer)
    response = client.post(
        f"/gestion/entrepreneurs/{person.pk}/rendez-vous/",
        {"date": "2026-11-16", "time": "14:30", "kind": "interview", "staff": officer.pk, "notes": "Point"},
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    client.post(f"/gestion/rendez-vous/{appointment.pk}/done/", {"notes": "Trésorerie saine"})
    appointment.refresh_from_db()
    assert (appointment.status, appointment.notes) == ("done", "Trésorerie saine")
    later = Appointment.objects.create(entrepreneur=person, staff=officer, date=datetime.date(2026, 12, 1))
    client.post(f"/gestion/rendez-vous/{later.pk}/done/")
    later.refresh_from_db()
    assert later.status == "planned"  # a future appointment cannot be marked held
    client.post(f"/gestion/rendez-vous/{later.pk}/cancel/")
    later.refresh_from_db()
    assert later.status == "cancelled"


def test_appointment_list_defaults_to_upcoming(officer, cooperative):
    person = cesa_person(datetime.date(2025, 1, 6), last_name="Futur")
    Appointment.objects.create(entrepreneur=person, staff=officer, date=datetime.date(2026, 11, 20))
    past = cesa_person(datetime.date(2025, 1, 6), last_name="Passé")
    Appointment.objects.create(entrepreneur=past, staff=officer, date=datetime.date(2026, 10, 1))
    page = text(client_for(officer).get("/gestion/rendez-vous/"))
    assert "Futur" in page and "Passé" not in page


# --- information sessions ----------------------------------------------------------------------


def test_information_sessions_are_created_listed_with_totals_and_duplicates_refused(
    officer, accountant, cooperative
):
    client = client_for(officer)
    data = {"date": "2026-11-05", "kind": "collective", "place": "Chorges", "registered": 8, "attended": 6}
    assert client.post("/gestion/informations-collectives/nouvelle/", data).status_code == 302
    response = client.post("/gestion/informations-collectives/nouvelle/", data)
    assert response.status_code == 200 and "déjà lieu" in text(response)
    client.post("/gestion/informations-collectives/nouvelle/", {**data, "place": "Serres", "attended": 3})
    page = text(client_for(accountant).get("/gestion/informations-collectives/"))
    assert "2 réunions : 16 personnes inscrites, 9 reçues." in page
    session = InfoSession.objects.get(place="Chorges")
    assert client_for(accountant).get(f"/gestion/informations-collectives/{session.pk}/").status_code == 403


# --- dashboard --------------------------------------------------------------------------------


def test_dashboard_lists_each_kind_of_item_with_links(officer, cooperative):
    cape = new_person(last_name="Capefin")
    services.journey_cape_start(
        entrepreneur=cape, date=datetime.date(2026, 1, 5), planned_end=datetime.date(2026, 12, 31)
    )
    trial = new_person(last_name="Essai")
    services.journey_cesa_sign(
        entrepreneur=trial, date=datetime.date(2026, 7, 1), trial_end=datetime.date(2026, 12, 1)
    )
    quiet = cesa_person(datetime.date(2024, 1, 8), last_name="Silencieux")
    met = cesa_person(datetime.date(2024, 1, 8), last_name="Reçu")
    Appointment.objects.create(entrepreneur=met, staff=officer, date=datetime.date(2026, 11, 18))
    page = text(client_for(officer).get("/gestion/"))
    assert f"/gestion/entrepreneurs/{cape.pk}/" in page and "31/12/2026" in page
    assert "Essai" in page and "01/12/2026" in page
    assert "Silencieux" in page and "jamais reçu·e" in page
    assert "Reçu" in page  # in this week's appointments
    assert quiet.pk


def test_dashboard_mine_shows_only_my_people(officer, manager, cooperative):
    mine = cesa_person(datetime.date(2024, 1, 8), last_name="Mienne")
    services.entrepreneur_update(entrepreneur=mine, data={"referent": officer})
    cesa_person(datetime.date(2024, 1, 8), last_name="Autrui")
    page = text(client_for(officer).get("/gestion/", {"mine": "1"}))
    assert "Mienne" in page and "Autrui" not in page


def test_dashboard_query_count_does_not_grow_with_rows(officer, cooperative):
    client = client_for(officer)
    cesa_person(datetime.date(2024, 1, 8), last_name="Un")
    client.get("/gestion/")
    with CaptureQueriesContext(connection) as few:
        client.get("/gestion/")
    for index in range(20):
        person = cesa_person(datetime.date(2024, 1, 8 + index), last_name=f"P{index}")
        Appointment.objects.create(entrepreneur=person, staff=officer, date=datetime.date(2026, 11, 17))
    with CaptureQueriesContext(connection) as many:
        client.get("/gestion/")
    assert len(many) == len(few)


def test_appointment_and_info_session_lists_export_csv(officer, cooperative):
    person = cesa_person(datetime.date(2025, 1, 6), last_name="Export")
    Appointment.objects.create(entrepreneur=person, staff=officer, date=datetime.date(2026, 11, 20))
    InfoSession.objects.create(date=datetime.date(2026, 11, 5), place="Laragne", registered=4, attended=3)
    client = client_for(officer)
    rows = client.get("/gestion/rendez-vous/", {"format": "csv"}).content.decode("utf-8-sig").splitlines()
    assert (
        rows[0].startswith("Date;Heure;Entrepreneur") and "20/11/2026" in rows[1] and "Léa Export" in rows[1]
    )
    rows = client.get("/gestion/informations-collectives/", {"format": "csv"}).content.decode("utf-8-sig")
    assert "05/11/2026;information collective;Laragne;4;3" in rows
