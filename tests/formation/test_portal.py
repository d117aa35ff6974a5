"""The portal's "Mes formations": open sessions, registering and cancelling oneself, the history with
hours and certificates; nobody sees another person's registrations. Clock: Monday 16 November 2026."""

from __future__ import annotations

import datetime
import html
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from formation import services
from formation.models import RegistrationStatus, SessionStatus
from tests.conftest import client_for
from tests.entrepreneurs.factories import in_cesa
from tests.formation.factories import TrainingSessionFactory, TrainingTypeFactory, full_day, member

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 16, 10, 0, tzinfo=PARIS), tick=False)


@pytest.fixture
def lucie(entrepreneur):
    return in_cesa(entrepreneur.entrepreneur, "2024-07-01")


@pytest.fixture
def marc(other_entrepreneur):
    return in_cesa(other_entrepreneur.entrepreneur, "2023-03-01")


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split())


def page(user) -> str:
    response = client_for(user).get("/portail/formations/")
    assert response.status_code == 200
    return text(response)


def test_open_sessions_show_their_seats_and_only_open_future_sessions(entrepreneur, lucie, cooperative):
    TrainingSessionFactory(title="Formation WinScop", capacity=8)
    full = TrainingSessionFactory(title="Stratégie commerciale", capacity=1)
    services.registration_register(session=full, entrepreneur=member())
    TrainingSessionFactory(title="En préparation", status=SessionStatus.DRAFT)
    TrainingSessionFactory(title="Déjà passée", date=datetime.date(2026, 11, 2))
    text_ = page(entrepreneur)
    assert "Formation WinScop" in text_ and "8 places" in text_
    assert (
        "Stratégie commerciale" in text_
        and "complète" in text_
        and "M'inscrire sur la liste d'attente" in text_
    )
    assert "En préparation" not in text_ and "Déjà passée" not in text_


def test_entrepreneur_registers_then_cancels_before_the_deadline(entrepreneur, lucie, cooperative):
    session = TrainingSessionFactory(title="Formation WinScop")
    client = client_for(entrepreneur)
    response = client.post(f"/portail/formations/{session.pk}/inscription/", follow=True)
    assert "Vous êtes inscrit·e à « Formation WinScop » le 01/12/2026." in text(response)
    registration = session.registrations.get()
    assert (registration.entrepreneur, registration.registered_by) == (lucie, entrepreneur)
    assert "Me désinscrire" in text(response) and "possible jusqu'au 29/11/2026 à 9h00" in text(response)
    response = client.post(f"/portail/formations/inscriptions/{registration.pk}/annuler/", follow=True)
    assert "est annulée" in text(response)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_a_full_session_puts_the_entrepreneur_on_the_waiting_list_with_their_position(
    entrepreneur, lucie, cooperative
):
    session = TrainingSessionFactory(capacity=1)
    services.registration_register(session=session, entrepreneur=member())
    services.registration_register(session=session, entrepreneur=member())
    response = client_for(entrepreneur).post(f"/portail/formations/{session.pk}/inscription/", follow=True)
    assert "vous êtes sur la liste d'attente" in text(response)
    assert "Liste d'attente : n° 2" in text(response)


def test_after_the_deadline_the_entrepreneur_is_told_to_call_the_team(
    entrepreneur, lucie, cooperative, time_machine
):
    session = TrainingSessionFactory()
    registration = services.registration_register(session=session, entrepreneur=lucie)
    time_machine.move_to(datetime.datetime(2026, 11, 30, 8, 0, tzinfo=PARIS), tick=False)
    assert "Empêché·e ? Prévenez l'équipe d'appui." in page(entrepreneur)
    response = client_for(entrepreneur).post(
        f"/portail/formations/inscriptions/{registration.pk}/annuler/", follow=True
    )
    assert "prévenez l'équipe d'appui" in text(response)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED


def test_a_draft_session_cannot_be_joined_by_typing_its_address(entrepreneur, lucie, cooperative):
    session = TrainingSessionFactory(status=SessionStatus.DRAFT)
    assert client_for(entrepreneur).post(f"/portail/formations/{session.pk}/inscription/").status_code == 404
    assert not session.registrations.exists()


def test_history_shows_attended_hours_and_certificates(entrepreneur, lucie, cooperative):
    session = full_day(date=datetime.date(2026, 11, 10), title="Définir une stratégie commerciale")
    registration = services.registration_register(session=session, entrepreneur=lucie)
    services.attendance_record(session=session, marks={(registration.pk, session.half_days[0].key): True})
    text_ = page(entrepreneur)
    assert "10/11/2026 Définir une stratégie commerciale" in text_
    assert "1 formation suivie 7 h 3,5 h" in text_
    response = client_for(entrepreneur).get(
        f"/portail/formations/inscriptions/{registration.pk}/attestation.pdf"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_an_entrepreneur_cannot_see_or_touch_another_ones_registrations(
    entrepreneur, lucie, marc, cooperative
):
    session = TrainingSessionFactory(date=datetime.date(2026, 11, 10), title="Session de Marc")
    theirs = services.registration_register(session=session, entrepreneur=marc)
    services.attendance_record_all(registration=theirs, present=True)
    upcoming = services.registration_register(session=TrainingSessionFactory(), entrepreneur=marc)
    client = client_for(entrepreneur)
    assert client.get(f"/portail/formations/inscriptions/{theirs.pk}/attestation.pdf").status_code == 404
    assert client.post(f"/portail/formations/inscriptions/{upcoming.pk}/annuler/").status_code == 404
    upcoming.refresh_from_db()
    assert upcoming.status == RegistrationStatus.REGISTERED
    text_ = page(entrepreneur)
    assert "Session de Marc" not in text_ and "Autre" not in text_


def test_an_entrepreneur_who_is_also_staff_sees_only_their_own_in_the_portal(
    entrepreneur, lucie, marc, cooperative
):
    from coodyssee.permissions import Role

    entrepreneur.role_grants.create(role=Role.MANAGER)
    entrepreneur.forget_roles()
    theirs = services.registration_register(
        session=TrainingSessionFactory(date=datetime.date(2026, 11, 10)), entrepreneur=marc
    )
    services.attendance_record_all(registration=theirs, present=True)
    assert (
        client_for(entrepreneur)
        .get(f"/portail/formations/inscriptions/{theirs.pk}/attestation.pdf")
        .status_code
        == 404
    )


def test_a_certificate_needs_some_presence(entrepreneur, lucie, cooperative):
    registration = services.registration_register(session=TrainingSessionFactory(), entrepreneur=lucie)
    assert (
        client_for(entrepreneur)
        .get(f"/portail/formations/inscriptions/{registration.pk}/attestation.pdf")
        .status_code
        == 404
    )


def test_staff_cannot_use_the_portal_pages(officer, cooperative):
    assert client_for(officer).get("/portail/formations/").status_code == 403


def test_portal_page_query_count_does_not_grow_with_rows(entrepreneur, lucie, cooperative):
    def add(index):
        kind = TrainingTypeFactory(name=f"Type {index}")
        TrainingSessionFactory(training_type=kind, title=f"Ouverte {index}")
        upcoming = TrainingSessionFactory(training_type=kind, capacity=1)
        services.registration_register(session=upcoming, entrepreneur=member())
        services.registration_register(session=upcoming, entrepreneur=lucie)  # waiting list
        past = TrainingSessionFactory(training_type=kind, date=datetime.date(2026, 10, index + 1))
        registration = services.registration_register(session=past, entrepreneur=lucie)
        services.attendance_record_all(registration=registration, present=True)

    client = client_for(entrepreneur)
    add(0)
    client.get("/portail/formations/")
    with CaptureQueriesContext(connection) as one:
        client.get("/portail/formations/")
    for index in range(1, 10):
        add(index)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/portail/formations/")
    assert "Ouverte 9" in text(response)
    assert len(many) == len(one)
