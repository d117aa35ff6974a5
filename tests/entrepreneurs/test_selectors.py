"""Reads for the staff to-do dashboard (frozen on Saturday 28 November 2026) and record scoping."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404

from entrepreneurs import selectors, services
from entrepreneurs.models import Appointment
from tests.entrepreneurs.factories import AppointmentFactory, EntrepreneurFactory, d, exited, in_cape, in_cesa

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False)


def names(rows) -> list[str]:
    return [row.last_name for row in rows]


def person(name: str, **kwargs):
    return EntrepreneurFactory(last_name=name, **kwargs)


# --- CAPEs ending --------------------------------------------------------------------------------


def test_capes_ending_within_sixty_days_including_overdue_ones():
    in_cape(person("Overdue"), "2025-11-21", "2026-11-20")
    in_cape(person("Soon"), "2026-01-28", "2027-01-27")  # day 60
    in_cape(person("Later"), "2026-01-29", "2027-01-28")  # day 61
    converted = in_cape(person("Converted"), "2026-06-01", "2026-12-15")
    in_cesa(converted, "2026-09-01")
    assert names(selectors.capes_ending()) == ["Overdue", "Soon"]


# --- associate deadlines -------------------------------------------------------------------------


@pytest.fixture
def deadlines():
    in_cesa(person("Passed"), "2023-11-20")  # deadline 20/11/2026
    in_cesa(person("Within30"), "2023-12-20")  # 20/12/2026, 22 days left
    in_cesa(person("Within90"), "2024-02-10")  # 10/02/2027, 74 days
    in_cesa(person("Within180"), "2024-05-10")  # 10/05/2027, 163 days
    in_cesa(person("Far"), "2024-06-10")  # 10/06/2027, 194 days
    services.journey_associate_record(
        entrepreneur=in_cesa(person("Associate"), "2023-11-01"), date=d("2025-06-01")
    )
    exited(in_cesa(person("Gone"), "2023-10-01"), "2026-09-30")


def test_associate_deadlines_carry_their_alert_level(deadlines):
    rows = selectors.associate_deadlines()
    assert [(row.last_name, row.alert) for row in rows] == [
        ("Passed", "passed"),
        ("Within30", "30"),
        ("Within90", "90"),
        ("Within180", "180"),
    ]
    assert rows[0].associate_deadline == d("2026-11-20")


def test_associate_deadlines_window_can_be_narrowed(deadlines):
    assert names(selectors.associate_deadlines(within_days=90)) == ["Passed", "Within30", "Within90"]


def test_associate_deadline_accounts_for_the_prior_cape():
    shortened = in_cape(person("Shortened"), "2024-01-01", "2024-06-30")
    in_cesa(shortened, "2024-07-01")  # 3 years − 182 days = 31/12/2026
    assert shortened.associate_deadline == d("2026-12-31")
    assert [(row.last_name, row.alert) for row in selectors.associate_deadlines()] == [("Shortened", "90")]


# --- trial periods -------------------------------------------------------------------------------


def test_trial_periods_ending_within_thirty_days():
    in_cesa(person("Yesterday"), "2026-06-01", trial_end="2026-11-27")
    in_cesa(person("Today"), "2026-06-01", trial_end="2026-11-28")
    in_cesa(person("Soon"), "2026-06-01", trial_end="2026-12-28")  # day 30
    in_cesa(person("Later"), "2026-06-01", trial_end="2026-12-29")
    exited(in_cesa(person("Left"), "2026-06-01", trial_end="2026-12-01"), "2026-10-01")
    assert names(selectors.trial_periods_ending()) == ["Today", "Soon"]


# --- appointments --------------------------------------------------------------------------------


def test_present_people_without_appointment_this_quarter(officer):
    last_quarter = in_cesa(person("LastQuarter"), "2025-01-01")
    AppointmentFactory(entrepreneur=last_quarter, staff=officer, date=d("2026-09-30"))
    AppointmentFactory(
        entrepreneur=in_cesa(person("Planned"), "2025-01-01"), date=d("2026-12-15"), status="planned"
    )
    AppointmentFactory(entrepreneur=in_cesa(person("Held"), "2025-01-01"), date=d("2026-10-01"))
    cancelled = in_cesa(person("Cancelled"), "2025-01-01")
    AppointmentFactory(entrepreneur=cancelled, date=d("2026-11-02"), status=Appointment.Status.CANCELLED)
    in_cesa(person("Never"), "2026-11-02")
    exited(in_cesa(person("Gone"), "2025-01-01"), "2026-06-30")
    person("Prospect")
    rows = selectors.without_appointment_this_quarter()
    assert names(rows) == ["Cancelled", "Never", "LastQuarter"]
    assert rows[2].last_appointment == d("2026-09-30")


def test_appointments_this_week_run_from_monday_to_sunday(officer, manager):
    who = in_cesa(person("Someone"), "2025-01-01")
    for day, staff in (
        ("2026-11-22", officer),
        ("2026-11-23", officer),
        ("2026-11-29", manager),
        ("2026-11-30", officer),
    ):
        AppointmentFactory(entrepreneur=who, staff=staff, date=d(day), status=Appointment.Status.PLANNED)
    AppointmentFactory(entrepreneur=who, date=d("2026-11-25"), status=Appointment.Status.CANCELLED)
    assert [a.date for a in selectors.appointments_this_week()] == [d("2026-11-23"), d("2026-11-29")]
    assert [a.date for a in selectors.appointments_this_week(staff=officer)] == [d("2026-11-23")]


def test_quarter_and_week_bounds():
    assert selectors.quarter_bounds(TODAY) == (d("2026-10-01"), d("2026-12-31"))
    assert selectors.quarter_bounds(d("2026-02-10")) == (d("2026-01-01"), d("2026-03-31"))
    assert selectors.week_bounds(TODAY) == (d("2026-11-23"), d("2026-11-29"))


def test_staff_todo_can_be_narrowed_to_one_referent(officer, manager):
    in_cesa(person("Mine", referent=officer), "2023-11-20")
    in_cesa(person("Theirs", referent=manager), "2023-11-21")
    todo = selectors.staff_todo(referent=officer)
    assert names(todo.associate_deadlines) == ["Mine"]
    assert names(todo.without_appointment) == ["Mine"]
    assert len(selectors.staff_todo().associate_deadlines) == 2


# --- no N+1 --------------------------------------------------------------------------------------


def populate(count: int, staff) -> None:
    for n in range(count):
        territory = services.territory_ensure(name=f"Territoire {n % 3}")
        in_cape(person(f"Cape{n}", referent=staff, territory=territory), "2026-01-01", "2026-12-15")
        in_cesa(
            person(f"Deadline{n}", referent=staff, territory=territory), "2023-12-01", trial_end="2024-01-31"
        )
        in_cesa(person(f"Trial{n}", referent=staff), "2026-07-01", trial_end="2026-12-10")
        AppointmentFactory(entrepreneur=person(f"Week{n}"), staff=staff, date=d("2026-11-24"))


DASHBOARD_READS = {
    "capes_ending": lambda: selectors.capes_ending(),
    "associate_deadlines": lambda: selectors.associate_deadlines(),
    "trial_periods_ending": lambda: selectors.trial_periods_ending(),
    "without_appointment": lambda: selectors.without_appointment_this_quarter(),
    "appointments_this_week": lambda: selectors.appointments_this_week(),
}


def touch(rows) -> None:
    """Read what the dashboard shows of each row: the person, their territory and referent."""
    for row in rows:
        entrepreneur = getattr(row, "entrepreneur", row)
        str(entrepreneur)
        str(getattr(row, "staff", None) or entrepreneur.referent)
        str(entrepreneur.territory)


@pytest.mark.parametrize("count", [1, 25])
@pytest.mark.parametrize("read", DASHBOARD_READS)
def test_dashboard_reads_take_one_query_whatever_the_rows(read, count, officer, django_assert_num_queries):
    populate(count, officer)
    with django_assert_num_queries(1):
        rows = list(DASHBOARD_READS[read]())
        touch(rows)
    assert len(rows) >= count


@pytest.mark.parametrize("count", [1, 25])
def test_staff_todo_takes_five_queries(count, officer, django_assert_num_queries):
    populate(count, officer)
    with django_assert_num_queries(5):
        todo = selectors.staff_todo()
        for rows in (todo.capes_ending, todo.associate_deadlines, todo.appointments_this_week):
            touch(rows)


# --- scoping -------------------------------------------------------------------------------------


def test_support_team_sees_every_record_and_an_entrepreneur_only_theirs(
    manager, entrepreneur, other_entrepreneur, associate
):
    assert selectors.entrepreneurs_for(manager).count() == 2
    assert list(selectors.entrepreneurs_for(entrepreneur)) == [entrepreneur.entrepreneur]
    assert not selectors.entrepreneurs_for(associate).exists()
    assert (
        selectors.access_entrepreneur(entrepreneur, entrepreneur.entrepreneur.pk) == entrepreneur.entrepreneur
    )
    with pytest.raises(Http404):
        selectors.access_entrepreneur(entrepreneur, other_entrepreneur.entrepreneur.pk)
    with pytest.raises(Http404):
        selectors.access_entrepreneur(manager, 999999)


def test_list_filters_by_status_and_search(manager):
    in_cesa(person("Dupont", first_name="Anne"), "2025-01-01")
    in_cape(person("Durand"), "2026-01-01", "2026-12-31")
    person("Martin")
    assert names(selectors.entrepreneurs_list(manager, status="present")) == ["Dupont", "Durand"]
    assert names(selectors.entrepreneurs_list(manager, status="prospect")) == ["Martin"]
    assert names(selectors.entrepreneurs_list(manager, search="anne dup")) == ["Dupont"]
