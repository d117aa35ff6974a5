"""Back-office training pages: sessions, registrations, attendance grid, catalogue, funding, programmes,
year summary; roles; constant query counts. The clock is frozen on Monday 16 November 2026, 10:00."""

from __future__ import annotations

import datetime
import html
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from formation import selectors, services
from formation.models import (
    Attendance,
    FundingRequest,
    RegistrationStatus,
    SessionStatus,
    TrainingProgramme,
    TrainingSession,
    TrainingType,
)
from tests.conftest import client_for
from tests.formation.factories import TrainingSessionFactory, TrainingTypeFactory, full_day, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False)


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split())


def url(session, suffix="") -> str:
    return f"/gestion/formations/{session.pk}/{suffix}"


# --- session list and detail ---------------------------------------------------------------------


def test_session_list_shows_upcoming_sessions_by_default(officer, cooperative):
    TrainingSessionFactory(title="Formation WinScop", date=datetime.date(2026, 12, 1))
    TrainingSessionFactory(title="Stratégie 2017", date=datetime.date(2017, 5, 3), status=SessionStatus.HELD)
    page = text(client_for(officer).get("/gestion/formations/"))
    assert "Formation WinScop" in page and "Stratégie 2017" not in page
    page = text(client_for(officer).get("/gestion/formations/", {"year": 2017}))
    assert "Stratégie 2017" in page and "Formation WinScop" not in page


def test_session_list_query_count_does_not_grow_with_rows(officer, cooperative):
    client = client_for(officer)
    services.registration_register(session=TrainingSessionFactory(trainer=officer), entrepreneur=member())
    client.get("/gestion/formations/")
    with CaptureQueriesContext(connection) as one:
        client.get("/gestion/formations/")
    for index in range(15):
        session = TrainingSessionFactory(
            title=f"Session {index:02d}", trainer=officer, training_type=TrainingTypeFactory()
        )
        services.registration_register(session=session, entrepreneur=member())
    with CaptureQueriesContext(connection) as many:
        response = client.get("/gestion/formations/")
    assert "Session 14" in text(response)
    assert len(many) == len(one)


def test_session_page_shows_seats_waiting_list_and_attendance_grid(officer, cooperative):
    session = full_day(date=datetime.date(2026, 11, 16), capacity=1, trainer=officer)
    services.registration_register(session=session, entrepreneur=member("Assise"))
    services.registration_register(session=session, entrepreneur=member("Patiente"))
    page = text(client_for(officer).get(url(session)))
    assert "1 inscrit·e sur 1 · complète" in page
    assert "Liste d'attente (1 personne)" in page and "Patiente" in page
    assert "Anna Appui" in page
    assert "Enregistrer les présences" in page  # today's half-days can be marked


def test_session_page_query_count_does_not_grow_with_registrations(officer, cooperative):
    session = full_day(date=datetime.date(2026, 11, 10), capacity=None)
    client = client_for(officer)

    def add(count):
        for _ in range(count):
            registration = services.registration_register(session=session, entrepreneur=member())
            services.attendance_record_all(registration=registration, present=True)

    add(1)
    client.get(url(session))
    with CaptureQueriesContext(connection) as one:
        client.get(url(session))
    add(12)
    with CaptureQueriesContext(connection) as many:
        client.get(url(session))
    # The audit history shows a fixed number of entries; the rest must not grow either.
    assert len(many) == len(one)


def test_staff_register_a_person_and_the_full_session_queues_them(officer, cooperative):
    session = TrainingSessionFactory(capacity=1)
    first, second = member("Premier"), member("Second")
    client = client_for(officer)
    response = client.post(url(session, "inscrire/"), {"entrepreneur": first.pk, "waiting_list": "on"})
    assert response.status_code == 302
    response = client.post(
        url(session, "inscrire/"), {"entrepreneur": second.pk, "waiting_list": "on"}, follow=True
    )
    assert "Session complète : Prénom" in text(response)
    assert dict(session.registrations.values_list("entrepreneur__last_name", "status")) == {
        "Premier": "registered",
        "Second": "waiting",
    }
    # Refused without the waiting list: the reason shows on the form.
    third = member("Troisième")
    response = client.post(url(session, "inscrire/"), {"entrepreneur": third.pk})
    assert response.status_code == 400 and "complète" in text(response)


def test_staff_cancel_a_registration_and_the_waiting_list_moves_up(officer, cooperative):
    session = TrainingSessionFactory(capacity=1)
    holder = services.registration_register(session=session, entrepreneur=member("Titulaire"))
    services.registration_register(session=session, entrepreneur=member("Attente"))
    response = client_for(officer).post(f"/gestion/formations/inscriptions/{holder.pk}/annuler/", follow=True)
    assert "passe de la liste d'attente à la session" in text(response)
    assert (
        session.registrations.get(entrepreneur__last_name="Attente").status == RegistrationStatus.REGISTERED
    )


def test_attendance_grid_records_each_half_day(officer, cooperative):
    session = full_day(date=datetime.date(2026, 11, 13))
    registration = services.registration_register(session=session, entrepreneur=member("Matin"))
    morning, afternoon = (f"{registration.pk}|{half_day.key}" for half_day in session.half_days)
    response = client_for(officer).post(
        url(session, "presences/"), {"cell": [morning, afternoon], "present": [morning]}, follow=True
    )
    assert "Présences enregistrées (2 cases modifiées)" in text(response)
    assert dict(Attendance.objects.values_list("period", "present")) == {"morning": True, "afternoon": False}
    assert "3,5 h" in text(response)


def test_a_tampered_attendance_grid_is_refused(officer, cooperative):
    session = TrainingSessionFactory(date=datetime.date(2026, 11, 13))
    response = client_for(officer).post(url(session, "presences/"), {"cell": ["x|y"]}, follow=True)
    assert "illisible" in text(response)
    assert not Attendance.objects.exists()


def test_status_change(officer, cooperative):
    session = TrainingSessionFactory(status=SessionStatus.DRAFT)
    client_for(officer).post(url(session, "etat/"), {"status": "open"})
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN


def test_create_and_edit_a_session_through_the_form(officer, cooperative):
    kind = TrainingTypeFactory(name="Commerciale")
    client = client_for(officer)
    form = {
        "training_type": kind.pk,
        "title": "Définir une stratégie commerciale",
        "date": "2026-12-03",
        "day_part": "full_day",
        "start_time": "09:00",
        "end_time": "17:00",
        "break_start": "12:30",
        "break_end": "13:30",
        "place": "Pépinière Lucéo",
        "trainer_name": "Isabelle Marchetti",
        "capacity": "6",
        "status": "open",
        "cancellation_deadline_hours": "48",
    }
    response = client.post("/gestion/formations/nouvelle/", form)
    session = TrainingSession.objects.get()
    assert response.status_code == 302 and response["Location"] == url(session)
    assert (session.ref, session.duration_hours, session.capacity) == ("F2026-01", Decimal("7.00"), 6)
    response = client.post(url(session, "modifier/"), {**form, "break_start": ""})
    assert response.status_code == 200 and "pause de midi" in text(response)


def test_read_only_staff_see_but_cannot_change(accountant, cooperative):
    session = TrainingSessionFactory(date=datetime.date(2026, 11, 10))
    registration = services.registration_register(session=session, entrepreneur=member())
    client = client_for(accountant)
    assert client.get(url(session)).status_code == 200
    assert "Inscrire" not in text(client.get(url(session)))
    assert client.post(url(session, "inscrire/"), {"entrepreneur": member().pk}).status_code == 403
    assert client.post(f"/gestion/formations/inscriptions/{registration.pk}/annuler/").status_code == 403
    assert client.get("/gestion/formations/nouvelle/").status_code == 403


@pytest.mark.parametrize(
    "path",
    ["/gestion/formations/", "/gestion/formations/catalogue/", "/gestion/formations/bilan/2017/"],
)
def test_entrepreneurs_and_associates_cannot_open_the_training_back_office(
    path, entrepreneur, associate, cooperative
):
    assert client_for(entrepreneur).get(path).status_code == 403
    assert client_for(associate).get(path).status_code == 403


def test_unknown_records_are_404(officer, cooperative):
    client = client_for(officer)
    assert client.get("/gestion/formations/999/").status_code == 404
    assert client.get("/gestion/formations/inscriptions/999/attestation.pdf").status_code == 404


# --- catalogue, funding, programmes --------------------------------------------------------------


def test_catalogue_create_and_list(manager, cooperative):
    client = client_for(manager)
    response = client.post(
        "/gestion/formations/catalogue/nouvelle/",
        {
            "name": "Sécurité routière",
            "objectives": "Réduire le risque routier.",
            "duration_hours": "7",
            "bpf_objective": "other",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert TrainingType.objects.get().objectives == "Réduire le risque routier."
    response = client.post(
        "/gestion/formations/catalogue/nouvelle/", {"name": "sécurité routière", "bpf_objective": "other"}
    )
    assert "déjà une formation de ce nom" in text(response)


def test_funding_request_form_shows_the_rule_where_it_was_typed(manager, cooperative):
    client = client_for(manager)
    form = {
        "funder": "Uniformation",
        "funder_kind": "opco",
        "subject": "Stratégie commerciale",
        "requested_on": "2017-04-03",
        "amount_requested": "2100",
        "status": "refused",
    }
    response = client.post("/gestion/formations/financements/nouvelle/", form)
    assert response.status_code == 200 and "Indiquez la date de la décision." in text(response)
    response = client.post("/gestion/formations/financements/nouvelle/", {**form, "decided_on": "2017-05-16"})
    assert response.status_code == 302
    assert FundingRequest.objects.get().status == "refused"


def test_programme_form_takes_one_commitment_per_line(manager, cooperative):
    response = client_for(manager).post(
        "/gestion/formations/programmes/nouveau/",
        {
            "name": "Convention sécurité routière",
            "partner": "Préfecture",
            "year": "2017",
            "signed_on": "2017-07-06",
            "training_days": "4",
            "participants": "66",
            "commitments": "Sobriété\r\n\r\nCeinture\r\nVitesse",
        },
    )
    assert response.status_code == 302
    programme = TrainingProgramme.objects.get()
    assert [c.text for c in programme.commitments.all()] == ["Sobriété", "Ceinture", "Vitesse"]
    page = text(client_for(manager).get("/gestion/formations/programmes/"))
    assert "3 engagements" in page and "66" in page


@pytest.mark.parametrize(
    "path",
    [
        "/gestion/formations/catalogue/",
        "/gestion/formations/financements/",
        "/gestion/formations/programmes/",
    ],
)
def test_lists_query_count_does_not_grow_with_rows(path, officer, cooperative):
    def add(index):
        kind = TrainingTypeFactory(name=f"Type {index}")
        TrainingSessionFactory(training_type=kind)
        FundingRequest.objects.create(
            funder="OPCO",
            subject=f"Demande {index}",
            requested_on=datetime.date(2026, 1, 5),
            amount_requested=100,
        )
        services.programme_save(name=f"Programme {index}", year=2026, commitments=["Un", "Deux"])

    client = client_for(officer)
    add(0)
    client.get(path)
    with CaptureQueriesContext(connection) as one:
        client.get(path)
    for index in range(1, 12):
        add(index)
    with CaptureQueriesContext(connection) as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(one)


# --- year summary --------------------------------------------------------------------------------


def test_year_summary_table_totals_and_csv(accountant, cooperative):
    kind = TrainingTypeFactory(name="Outils de gestion niveau II")
    session = TrainingSessionFactory(
        training_type=kind,
        date=datetime.date(2017, 3, 30),
        duration_hours=Decimal("3.5"),
        place="COODYSSEE Chorges",
    )
    for _ in range(5):
        services.registration_register(session=session, entrepreneur=member())
    client = client_for(accountant)
    page = text(client.get("/gestion/formations/bilan/2017/"))
    assert "Bilan des formations 2017" in page
    assert "30/03/2017 Outils de gestion niveau II Formation WinScop COODYSSEE Chorges 5 17,5" in page
    assert "Total : 1 session 5 17,5" in page
    response = client.get("/gestion/formations/bilan/2017/", {"format": "csv"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Date;Type;Résumé;Lieu;Nb inscrits;Heures de formation;Heures de présence"
    assert lines[1] == "30/03/2017;Outils de gestion niveau II;Formation WinScop;COODYSSEE Chorges;5;17,5;0"
    assert lines[2] == "Total;;;;5;17,5;0"


def test_year_summary_query_count_does_not_grow_with_rows(officer, cooperative):
    client = client_for(officer)

    def add(day):
        session = TrainingSessionFactory(date=day, training_type=TrainingTypeFactory())
        registration = services.registration_register(session=session, entrepreneur=member())
        services.attendance_record_all(registration=registration, present=True)

    add(datetime.date(2017, 1, 25))
    services.programme_save(name="Convention", year=2017, commitments=["Un"])
    client.get("/gestion/formations/bilan/2017/")
    with CaptureQueriesContext(connection) as one:
        client.get("/gestion/formations/bilan/2017/")
    for day in range(2, 20):
        add(datetime.date(2017, 2, day))
    services.programme_save(name="Autre", year=2017, commitments=["Un", "Deux"])
    with CaptureQueriesContext(connection) as many:
        client.get("/gestion/formations/bilan/2017/")
    assert len(many) == len(one)


# --- history fragment for the entrepreneur's record ----------------------------------------------


def test_history_fragment_for_the_record_page(cooperative):
    person = member("Faure", first_name="Lucie")
    session = TrainingSessionFactory(date=datetime.date(2026, 11, 10), title="Formation WinScop")
    registration = services.registration_register(session=session, entrepreneur=person)
    services.attendance_record_all(registration=registration, present=True)
    html_text = render_to_string(
        "formation/_training_history.html", {"training_registrations": selectors.training_history_for(person)}
    )
    page = " ".join(re.sub(r"<[^>]+>", " ", html.unescape(html_text)).split())
    assert "10/11/2026 Formation WinScop" in page
    assert "1 formation suivie 3 h 3 h" in page
    assert f"/gestion/formations/inscriptions/{registration.pk}/attestation.pdf" in html_text
