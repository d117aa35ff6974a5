"""The portal's "Mon parcours": the signed-in entrepreneur's own journey, deadlines and appointments.

The clock is frozen on Saturday 28 November 2026.
"""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coodyssee.permissions import Role
from entrepreneurs import services
from entrepreneurs.models import Appointment, ContractType
from tests.conftest import client_for, make_person
from tests.entrepreneurs.factories import InfoSessionFactory, d, exited, in_cape, in_cesa

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def page(user) -> str:
    response = client_for(user).get(reverse("portal:journey"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def lucie(entrepreneur, officer):
    """Lucie: six months of CAPE, then a CESA on 01/07/2024: associate deadline 31/12/2026 (33 days)."""
    record = entrepreneur.entrepreneur
    record.referent = officer
    record.save()
    session = InfoSessionFactory(date=d("2023-11-14"), place="Maison des associations de Gap")
    services.journey_info_session_record(entrepreneur=record, date=d("2023-11-14"), info_session=session)
    in_cesa(in_cape(record, "2024-01-01", "2024-06-30"), "2024-07-01")
    return record


@pytest.fixture
def marc(other_entrepreneur, officer):
    """Marc, another entrepreneur, with his own journey and appointments."""
    record = other_entrepreneur.entrepreneur
    session = InfoSessionFactory(date=d("2025-01-21"), place="Salle secrète de Briançon")
    services.journey_info_session_record(entrepreneur=record, date=d("2025-01-21"), info_session=session)
    services.journey_cape_start(
        entrepreneur=record,
        date=d("2025-02-03"),
        planned_end=d("2026-02-02"),
        contract=ContractType.CONVENTION,
    )
    services.appointment_plan(
        entrepreneur=record, staff=officer, date=d("2026-12-07"), notes="Rendez-vous de Marc"
    )
    return record


def test_own_timeline_shows_every_step(lucie, entrepreneur):
    html = page(entrepreneur)
    timeline = text(html.split('data-testid="journey-timeline"', 1)[1].split("</ol>", 1)[0])
    assert "14/11/2023 Information collective Maison des associations de Gap" in timeline
    assert "01/01/2024 Signature du CAPE fin prévue le 30/06/2024" in timeline
    assert "01/07/2024 Signature du CESA" in timeline
    assert "31/12/2026 · à venir Date limite pour devenir associé·e" in timeline


def test_associate_deadline_with_days_left_and_the_rule_explained(lucie, entrepreneur):
    html = page(entrepreneur)
    card = text(html.split('data-deadline="associate"', 1)[1].split("</article>", 1)[0])
    assert "Date limite pour devenir associé·e 31/12/2026" in card
    assert "33 jours restants" in card
    assert (
        "La loi vous demande de devenir associé·e dans les 3 ans qui suivent la signature de votre CESA, "
        "moins la durée de votre CAPE." in card
    )
    assert "CESA signé le 01/07/2024 + 3 ans − 182 jours passés en CAPE ou en convention = 31/12/2026" in card


def test_passed_associate_deadline_says_so(entrepreneur):
    in_cesa(entrepreneur.entrepreneur, "2023-11-20")  # deadline 20/11/2026
    card = text(page(entrepreneur).split('data-deadline="associate"', 1)[1].split("</article>", 1)[0])
    assert "dépassée depuis 8 jours" in card
    assert "CESA signé le 20/11/2023 + 3 ans = 20/11/2026" in card


def test_cape_end_and_renewals_left_are_shown_under_cape(entrepreneur):
    record = in_cape(entrepreneur.entrepreneur, "2026-01-15", "2026-12-31")
    services.journey_cape_renew(entrepreneur=record, date=d("2027-01-01"), planned_end=d("2027-06-30"))
    html = page(entrepreneur)
    card = text(html.split('data-deadline="cape_end"', 1)[1].split("</article>", 1)[0])
    assert "Fin de votre CAPE 30/06/2027" in card
    assert "214 jours restants" in card
    assert "encore être renouvelé une fois" in card
    assert "Renouvellement du CAPE" in html
    assert 'data-deadline="associate"' not in html


def test_trial_period_end_is_a_deadline_while_it_runs(entrepreneur):
    in_cesa(entrepreneur.entrepreneur, "2026-09-01", trial_end="2026-12-31")
    html = page(entrepreneur)
    assert 'data-deadline="trial_end"' in html
    assert "période d'essai jusqu'au 31/12/2026" in html


def test_associate_and_exited_people_have_no_deadline(entrepreneur, other_entrepreneur):
    services.journey_associate_record(
        entrepreneur=in_cesa(entrepreneur.entrepreneur, "2024-01-10"), date=d("2025-06-20")
    )
    exited(in_cesa(other_entrepreneur.entrepreneur, "2024-01-10"), "2026-06-30")
    assert 'data-testid="deadlines"' not in page(entrepreneur)
    gone = page(other_entrepreneur)
    assert 'data-testid="deadlines"' not in gone
    assert "Vous avez quitté la coopérative le 30/06/2026" in gone
    assert "Sortie de la coopérative" in gone


def test_appointments_to_come_and_held_without_the_staff_notes(lucie, entrepreneur, officer):
    services.appointment_plan(
        entrepreneur=lucie,
        staff=officer,
        date=d("2026-12-03"),
        time=datetime.time(14, 30),
        kind=Appointment.Kind.MANAGEMENT,
        notes="Préparer le bilan",
    )
    held = services.appointment_plan(entrepreneur=lucie, staff=officer, date=d("2026-10-15"))
    services.appointment_complete(appointment=held, notes="Note interne : inquiétude sur la trésorerie")
    forgotten = services.appointment_plan(entrepreneur=lucie, staff=officer, date=d("2026-11-02"))
    cancelled = services.appointment_plan(entrepreneur=lucie, staff=officer, date=d("2026-12-10"))
    services.appointment_cancel(appointment=cancelled)
    html = page(entrepreneur)
    upcoming = text(html.split('data-testid="upcoming-appointments"', 1)[1].split("</section>", 1)[0])
    assert "Jeudi 03/12/2026 à 14h30 Point de gestion · avec Anna Appui" in upcoming
    assert "10/12/2026" not in upcoming and "02/11/2026" not in upcoming
    past = text(html.split('data-testid="past-appointments"', 1)[1].split("</section>", 1)[0])
    assert "Entretien individuel avec Anna Appui 15/10/2026" in past
    assert "02/11/2026" not in past  # never marked as held
    assert forgotten.status == Appointment.Status.PLANNED
    assert "inquiétude" not in html
    assert "Préparer le bilan" not in html


def test_referent_is_shown_for_contact(lucie, entrepreneur):
    referent = text(page(entrepreneur).split('data-testid="referent"', 1)[1].split("</section>", 1)[0])
    assert "Anna Appui" in referent and "accompagnement@test.fr" in referent


def test_another_entrepreneurs_journey_never_appears(lucie, marc, entrepreneur):
    html = page(entrepreneur)
    for secret in (
        "Marc",
        "Salle secrète de Briançon",
        "21/01/2025",
        "03/02/2025",
        "02/02/2026",
        "Signature de la convention",
        "07/12/2026",
    ):
        assert secret not in html
    assert 'data-deadline="cape_end"' not in html


def test_the_other_entrepreneur_sees_only_theirs(lucie, marc, other_entrepreneur):
    html = page(other_entrepreneur)
    assert "Signature de la convention d'accompagnement" in html
    assert "Maison des associations de Gap" not in html
    assert "01/07/2024" not in html
    assert "Lucie" not in html


def test_entrepreneur_account_without_a_record_gets_a_friendly_message(db):
    user = make_person("sans-fiche@test.fr", (Role.ENTREPRENEUR,))
    html = page(user)
    assert "Votre parcours n'est pas encore disponible." in html
    assert 'data-testid="journey-timeline"' not in html


@pytest.mark.parametrize("persona", ["manager", "accountant", "officer", "associate"])
def test_people_without_the_entrepreneur_role_are_refused(personas, persona):
    assert client_for(personas[persona]).get(reverse("portal:journey")).status_code == 403


def test_anonymous_visitor_is_sent_to_login():
    response = client_for(None).get(reverse("portal:journey"))
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/")


def test_query_count_does_not_depend_on_the_number_of_appointments(lucie, entrepreneur, officer):
    client = client_for(entrepreneur)
    client.get(reverse("portal:journey"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:journey"))
    for day in range(1, 12):
        services.appointment_plan(entrepreneur=lucie, staff=officer, date=datetime.date(2026, 12, day))
        done = services.appointment_plan(entrepreneur=lucie, staff=officer, date=datetime.date(2026, 10, day))
        services.appointment_complete(appointment=done)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("portal:journey"))
    assert len(many) == len(few)
