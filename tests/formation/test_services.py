"""Training services: capacity and waiting list, cancellation deadline, attendance per half-day,
sessions, funding requests and programmes. The clock is frozen on Monday 16 November 2026, 10:00."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from coodyssee.errors import DomainError
from coodyssee.models import AuditEntry
from formation import selectors, services
from formation.models import (
    Attendance,
    DayPart,
    FundingStatus,
    RegistrationStatus,
    SessionStatus,
    TrainingRegistration,
)
from tests.entrepreneurs.factories import exited
from tests.formation.factories import TrainingSessionFactory, TrainingTypeFactory, full_day, member

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 16, 10, 0, tzinfo=PARIS), tick=False)


def register(session, person, **options):
    return services.registration_register(session=session, entrepreneur=person, **options)


def statuses(session) -> dict[str, str]:
    return dict(session.registrations.values_list("entrepreneur__last_name", "status"))


# --- capacity and waiting list -------------------------------------------------------------------


def test_registrations_take_seats_then_queue_on_the_waiting_list():
    session = TrainingSessionFactory(capacity=2)
    first, second, third = member("Un"), member("Deux"), member("Trois")
    assert register(session, first).status == RegistrationStatus.REGISTERED
    assert register(session, second).status == RegistrationStatus.REGISTERED
    assert register(session, third).status == RegistrationStatus.WAITING
    assert statuses(session) == {"Un": "registered", "Deux": "registered", "Trois": "waiting"}


def test_a_full_session_refuses_when_the_waiting_list_is_not_wanted():
    session = TrainingSessionFactory(capacity=1)
    register(session, member())
    with pytest.raises(DomainError, match="complète"):
        register(session, member(), waiting_list=False)


def test_a_session_without_capacity_never_fills():
    session = TrainingSessionFactory(capacity=None)
    for _ in range(12):
        assert register(session, member()).status == RegistrationStatus.REGISTERED


def test_registering_twice_is_refused():
    session = TrainingSessionFactory(capacity=1)
    person, other = member(), member()
    register(session, person)
    register(session, other)
    with pytest.raises(DomainError, match="déjà inscrit"):
        register(session, person)
    with pytest.raises(DomainError, match="liste d'attente"):
        register(session, other)


def test_the_first_of_the_waiting_list_gets_the_freed_seat_and_an_email(
    mailoutbox, django_capture_on_commit_callbacks
):
    session = TrainingSessionFactory(capacity=1, title="Définir une stratégie commerciale")
    holder = register(session, member("Titulaire"))
    first = register(session, member("Premier", email="premier@test.fr"))
    register(session, member("Second"))
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(registration=holder)
    assert [r.pk for r in promoted] == [first.pk]
    assert statuses(session) == {"Titulaire": "cancelled", "Premier": "registered", "Second": "waiting"}
    first.refresh_from_db()
    assert first.promoted_at is not None
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["premier@test.fr"]
    assert "Définir une stratégie commerciale" in mailoutbox[0].subject


def test_leaving_the_waiting_list_promotes_nobody():
    session = TrainingSessionFactory(capacity=1)
    register(session, member("Titulaire"))
    waiting = register(session, member("Attente"))
    assert services.registration_cancel(registration=waiting) == []
    assert statuses(session) == {"Titulaire": "registered", "Attente": "cancelled"}


def test_registering_again_after_cancelling_goes_to_the_end_of_the_queue():
    session = TrainingSessionFactory(capacity=1)
    person = member("Revenant")
    first = register(session, person)
    services.registration_cancel(registration=first)
    register(session, member("Autre"))
    again = register(session, person)
    assert again.pk == first.pk and again.status == RegistrationStatus.WAITING
    assert TrainingRegistration.objects.filter(session=session, entrepreneur=person).count() == 1


def test_more_seats_promote_the_waiting_list():
    session = TrainingSessionFactory(capacity=1)
    register(session, member("Un"))
    register(session, member("Deux"))
    values = {name: getattr(session, name) for name in ("training_type", "title", "date", "place")}
    services.session_save(
        session=session, capacity=2, status=SessionStatus.OPEN, duration_hours=Decimal(3), **values
    )
    assert statuses(session) == {"Un": "registered", "Deux": "registered"}


def test_capacity_cannot_drop_below_the_people_registered():
    session = TrainingSessionFactory(capacity=3)
    register(session, member())
    register(session, member())
    values = {name: getattr(session, name) for name in ("training_type", "title", "date", "place")}
    with pytest.raises(DomainError) as error:
        services.session_save(session=session, capacity=1, duration_hours=Decimal(3), **values)
    assert error.value.field == "capacity"


# --- self-service rules --------------------------------------------------------------------------


def test_self_service_needs_an_open_session_that_has_not_started():
    draft = TrainingSessionFactory(status=SessionStatus.DRAFT)
    with pytest.raises(DomainError, match="pas ouvertes"):
        register(draft, member(), self_service=True)
    started = TrainingSessionFactory(date=datetime.date(2026, 11, 16), start_time=datetime.time(9, 0))
    with pytest.raises(DomainError, match="commencé"):
        register(started, member(), self_service=True)
    # Staff may still add someone to a session in preparation or already held.
    assert register(draft, member()).status == RegistrationStatus.REGISTERED
    assert register(started, member()).status == RegistrationStatus.REGISTERED


def test_nobody_registers_to_a_cancelled_session():
    session = TrainingSessionFactory(status=SessionStatus.CANCELLED)
    with pytest.raises(DomainError, match="annulée"):
        register(session, member())


def test_someone_who_left_before_the_session_cannot_register():
    person = exited(member(), "2026-11-30")
    with pytest.raises(DomainError, match="quitté"):
        register(TrainingSessionFactory(date=datetime.date(2026, 12, 1)), person)


def test_entrepreneur_cancels_online_until_the_deadline_and_staff_any_time(time_machine):
    session = TrainingSessionFactory(date=datetime.date(2026, 12, 1), start_time=datetime.time(9, 0))
    early, late = register(session, member()), register(session, member())
    assert services.registration_cancel(registration=early, self_service=True) == []
    time_machine.move_to(datetime.datetime(2026, 11, 29, 9, 30, tzinfo=PARIS), tick=False)  # 47 h 30 before
    with pytest.raises(DomainError, match=r"jusqu'au 29/11/2026 à 09:00"):
        services.registration_cancel(registration=late, self_service=True)
    services.registration_cancel(registration=late)
    late.refresh_from_db()
    assert late.status == RegistrationStatus.CANCELLED


def test_the_deadline_is_set_per_session(time_machine):
    session = TrainingSessionFactory(cancellation_deadline_hours=2, start_time=datetime.time(14, 0))
    registration = register(session, member())
    time_machine.move_to(datetime.datetime(2026, 12, 1, 11, 30, tzinfo=PARIS), tick=False)
    services.registration_cancel(registration=registration, self_service=True)


def test_the_waiting_list_can_be_left_after_the_deadline(time_machine):
    session = TrainingSessionFactory(capacity=1)
    register(session, member())
    waiting = register(session, member())
    time_machine.move_to(datetime.datetime(2026, 11, 30, 18, 0, tzinfo=PARIS), tick=False)
    services.registration_cancel(registration=waiting, self_service=True)


# --- attendance per half-day ---------------------------------------------------------------------


def test_attendance_is_recorded_per_half_day_and_gives_the_hours(time_machine):
    session = full_day(date=datetime.date(2026, 11, 10))
    person, other = register(session, member("Matin")), register(session, member("Journée"))
    morning, afternoon = session.half_days
    changed = services.attendance_record(
        session=session,
        marks={
            (person.pk, morning.key): True,
            (person.pk, afternoon.key): False,
            (other.pk, morning.key): True,
            (other.pk, afternoon.key): True,
        },
    )
    assert changed == 4
    roster = selectors.session_roster(session)
    hours = {r.entrepreneur.last_name: r.attended_hours for r in roster.registered}
    assert hours == {"Matin": Decimal("3.50"), "Journée": Decimal("7.00")}
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD  # its last half-day has passed
    # Saving the same grid again changes nothing.
    assert services.attendance_record(session=session, marks={(person.pk, morning.key): True}) == 0


def test_a_multi_day_session_counts_each_half_day():
    session = full_day(
        date=datetime.date(2026, 11, 9), end_date=datetime.date(2026, 11, 11), duration_hours=Decimal("21")
    )
    registration = register(session, member())
    attended = [half_day.key for half_day in session.half_days[:4]]
    services.attendance_record(session=session, marks={(registration.pk, key): True for key in attended})
    history = selectors.training_history_for(registration.entrepreneur)
    assert history[0].attended_hours == Decimal("14.00")


def test_a_half_day_to_come_cannot_be_marked():
    session = full_day(date=datetime.date(2026, 11, 16), end_date=datetime.date(2026, 11, 17))
    registration = register(session, member())
    today, tomorrow = session.half_days[0], session.half_days[2]
    services.attendance_record(session=session, marks={(registration.pk, today.key): True})
    with pytest.raises(DomainError, match="à venir"):
        services.attendance_record(session=session, marks={(registration.pk, tomorrow.key): True})


def test_only_registered_people_are_marked():
    session = TrainingSessionFactory(date=datetime.date(2026, 11, 10), capacity=1)
    register(session, member())
    waiting = register(session, member())
    with pytest.raises(DomainError, match="inscrites"):
        services.attendance_record(session=session, marks={(waiting.pk, session.half_days[0].key): True})


def test_a_registration_with_presence_cannot_be_cancelled():
    session = TrainingSessionFactory(date=datetime.date(2026, 11, 10))
    registration = register(session, member())
    services.attendance_record_all(registration=registration, present=True)
    with pytest.raises(DomainError, match="présence"):
        services.registration_cancel(registration=registration)


def test_changing_the_days_after_attendance_is_refused():
    session = TrainingSessionFactory(date=datetime.date(2026, 11, 10))
    services.attendance_record_all(registration=register(session, member()), present=True)
    with pytest.raises(DomainError, match="présences"):
        services.session_save(
            session=session,
            training_type=session.training_type,
            title=session.title,
            date=datetime.date(2026, 11, 12),
            place=session.place,
            duration_hours=session.duration_hours,
        )


def test_registrations_and_attendance_are_audited_on_the_session():
    session = TrainingSessionFactory(date=datetime.date(2026, 11, 10))
    registration = register(session, member())
    services.attendance_record_all(registration=registration, present=True)
    entries = AuditEntry.objects.filter(target_id=str(session.pk), target_type__model="trainingsession")
    assert {entry.content_type.model for entry in entries} >= {"trainingregistration", "attendance"}
    assert Attendance.objects.get().present is True


# --- sessions ------------------------------------------------------------------------------------


def test_a_new_session_gets_the_next_reference_of_its_year_and_its_duration_from_the_times():
    kind = TrainingTypeFactory()
    first = services.session_save(
        training_type=kind,
        title="Formation WinScop",
        date=datetime.date(2026, 12, 3),
        place="Chorges",
        day_part=DayPart.FULL_DAY,
        start_time=datetime.time(9, 0),
        break_start=datetime.time(12, 30),
        break_end=datetime.time(14, 0),
        end_time=datetime.time(17, 0),
    )
    second = services.session_save(
        training_type=kind,
        title="Autre",
        date=datetime.date(2026, 12, 10),
        place="Gap",
        duration_hours=Decimal(3),
    )
    assert (first.ref, second.ref) == ("F2026-01", "F2026-02")
    assert first.duration_hours == Decimal("6.50")
    assert len(first.half_days) == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"end_date": datetime.date(2026, 11, 30)}, "end_date"),
        ({"start_time": datetime.time(9, 0)}, "end_time"),
        ({"start_time": datetime.time(12, 0), "end_time": datetime.time(9, 0)}, "end_time"),
        (
            {
                "day_part": DayPart.FULL_DAY,
                "start_time": datetime.time(9, 0),
                "end_time": datetime.time(17, 0),
            },
            "break_start",
        ),
        ({"duration_hours": None}, "duration_hours"),
        ({"capacity": 0}, "capacity"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_sessions_are_refused_on_the_right_field(values, field):
    arguments = {
        "training_type": TrainingTypeFactory(),
        "title": "Formation",
        "date": datetime.date(2026, 12, 1),
        "place": "Chorges",
        "duration_hours": Decimal(3),
        **values,
    }
    with pytest.raises(DomainError) as error:
        services.session_save(**arguments)
    assert error.value.field == field


def test_a_trainer_from_the_team_must_be_staff(entrepreneur, officer):
    arguments = {
        "training_type": TrainingTypeFactory(),
        "title": "Formation",
        "date": datetime.date(2026, 12, 1),
        "place": "Chorges",
        "duration_hours": Decimal(3),
    }
    with pytest.raises(DomainError) as error:
        services.session_save(trainer=entrepreneur, **arguments)
    assert error.value.field == "trainer"
    assert services.session_save(trainer=officer, **arguments).trainer_display == "Anna Appui"


def test_a_held_session_cannot_be_cancelled():
    session = TrainingSessionFactory(date=datetime.date(2026, 11, 10))
    services.attendance_record_all(registration=register(session, member()), present=True)
    with pytest.raises(DomainError):
        services.session_set_status(session=session, status=SessionStatus.CANCELLED)
    with pytest.raises(DomainError, match="venir"):
        services.session_set_status(session=TrainingSessionFactory(), status=SessionStatus.HELD)


# --- catalogue, funding, programmes --------------------------------------------------------------


def test_catalogue_names_are_unique_whatever_the_case():
    services.training_type_save(name="Commerciale", objectives="Vendre.")
    with pytest.raises(DomainError) as error:
        services.training_type_save(name="  commerciale ")
    assert error.value.field == "name"


def test_funding_request_decisions():
    base = {
        "funder": "Uniformation",
        "subject": "Stratégie commerciale",
        "requested_on": datetime.date(2017, 4, 3),
        "amount_requested": Decimal("2100.00"),
    }
    request = services.funding_request_save(**base)
    assert request.status == FundingStatus.REQUESTED
    with pytest.raises(DomainError) as error:
        services.funding_request_save(funding_request=request, status=FundingStatus.ACCEPTED, **base)
    assert error.value.field == "decided_on"
    with pytest.raises(DomainError) as error:
        services.funding_request_save(
            funding_request=request,
            status=FundingStatus.ACCEPTED,
            decided_on=datetime.date(2017, 5, 2),
            **base,
        )
    assert error.value.field == "amount_granted"
    with pytest.raises(DomainError) as error:
        services.funding_request_save(
            funding_request=request,
            status=FundingStatus.REFUSED,
            decided_on=datetime.date(2017, 3, 1),
            **base,
        )
    assert error.value.field == "decided_on"
    accepted = services.funding_request_save(
        funding_request=request,
        status=FundingStatus.ACCEPTED,
        decided_on=datetime.date(2017, 5, 2),
        amount_granted=Decimal("1500.00"),
        **base,
    )
    assert accepted.amount_granted == Decimal("1500.00")


def test_programme_commitments_are_replaced_in_order():
    programme = services.programme_save(
        name="Convention sécurité routière",
        year=2017,
        signed_on=datetime.date(2017, 7, 6),
        training_days=4,
        participants=66,
        commitments=["Limiter le téléphone au volant", "", "Exiger la ceinture"],
    )
    assert [c.text for c in programme.commitments.all()] == [
        "Limiter le téléphone au volant",
        "Exiger la ceinture",
    ]
    services.programme_save(
        programme=programme, name=programme.name, year=2017, commitments=["Exiger la ceinture"]
    )
    assert [c.text for c in programme.commitments.all()] == ["Exiger la ceinture"]
