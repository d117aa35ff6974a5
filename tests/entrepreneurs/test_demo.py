"""The demo journeys: lawful, idempotent, fast, and giving the dashboard something to show."""

from __future__ import annotations

import datetime
import time
from zoneinfo import ZoneInfo

import pytest

from coodyssee.demo import load_demo
from entrepreneurs import rules, selectors
from entrepreneurs.demo import load_journeys
from entrepreneurs.models import (
    Activity,
    Appointment,
    Entrepreneur,
    InfoSession,
    JourneyStatus,
    JourneyStep,
    Territory,
)

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def demo(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 28, 10, 0, tzinfo=PARIS), tick=False)
    load_demo()


def counts() -> tuple[int, ...]:
    models = (Entrepreneur, JourneyStep, Activity, InfoSession, Appointment, Territory)
    return tuple(model.objects.count() for model in models)


def test_every_demo_journey_obeys_the_rules_and_its_summary(demo):
    people = Entrepreneur.objects.prefetch_related("journey_steps")
    assert people.count() > 300
    for person in people:
        steps = list(person.journey_steps.all())
        rules.check_journey(steps)
        assert not rules.summarize(steps).apply_to(person), person.ref


def test_second_load_adds_nothing(demo):
    before = counts()
    load_demo()
    assert counts() == before


def test_demo_accounts_have_their_journeys(demo):
    lucie = Entrepreneur.objects.get(user__email="entrepreneur@demo.coodyssee.fr")
    assert lucie.status == JourneyStatus.CESA
    assert lucie.cesa_date.year == 2024
    assert datetime.date(2026, 11, 28) < lucie.associate_deadline <= datetime.date(2027, 2, 26)
    assert lucie.activities.exists()
    jean_marc = Entrepreneur.objects.get(user__email="entrepreneur-associe@demo.coodyssee.fr")
    assert jean_marc.status == JourneyStatus.ASSOCIATE
    assert lucie.referent.email == "gerance@demo.coodyssee.fr"


@pytest.mark.parametrize("today", [datetime.date(2026, 11, 28), datetime.date(2029, 6, 13)])
def test_dashboard_has_an_item_in_every_list(today, time_machine):
    time_machine.move_to(datetime.datetime.combine(today, datetime.time(10), tzinfo=PARIS), tick=False)
    load_demo()
    todo = selectors.staff_todo()
    assert todo.capes_ending
    assert todo.trial_periods_ending
    assert todo.without_appointment
    assert todo.appointments_this_week
    alerts = {row.alert for row in todo.associate_deadlines}
    assert {"passed", "30", "90", "180"} <= alerts
    assert [row.last_name for row in todo.associate_deadlines if row.alert == "passed"] != []


def test_loading_the_journeys_is_fast(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 28, 10, 0, tzinfo=PARIS), tick=False)
    started = time.perf_counter()
    load_journeys()
    assert time.perf_counter() - started < 10
