"""Half-days and hours: pure arithmetic of ``formation.rules``."""

from __future__ import annotations

import datetime
from decimal import Decimal

from formation import rules

D = datetime.date
T = datetime.time


def test_a_half_day_session_has_one_half_day_and_a_full_day_two():
    morning = rules.half_days(first_day=D(2026, 12, 1), last_day=D(2026, 12, 1), day_part="morning")
    afternoon = rules.half_days(first_day=D(2026, 12, 1), last_day=D(2026, 12, 1), day_part="afternoon")
    full = rules.half_days(first_day=D(2026, 12, 1), last_day=D(2026, 12, 1), day_part="full_day")
    assert [h.period for h in morning] == ["morning"]
    assert [h.period for h in afternoon] == ["afternoon"]
    assert [h.period for h in full] == ["morning", "afternoon"]


def test_a_three_day_session_has_six_half_days_with_the_lunch_break_between():
    days = rules.half_days(
        first_day=D(2026, 12, 1),
        last_day=D(2026, 12, 3),
        day_part="full_day",
        start=T(9, 0),
        end=T(17, 0),
        break_start=T(12, 30),
        break_end=T(13, 30),
    )
    assert len(days) == 6
    assert days[0] == rules.HalfDay(D(2026, 12, 1), "morning", T(9, 0), T(12, 30))
    assert days[5] == rules.HalfDay(D(2026, 12, 3), "afternoon", T(13, 30), T(17, 0))
    assert rules.scheduled_hours(days) == Decimal("21.00")


def test_attended_hours_weigh_half_days_by_their_length_when_times_are_known():
    days = rules.half_days(
        first_day=D(2026, 12, 1),
        last_day=D(2026, 12, 1),
        day_part="full_day",
        start=T(9, 0),
        end=T(17, 30),
        break_start=T(12, 0),
        break_end=T(13, 30),
    )
    morning, afternoon = days
    assert rules.attended_hours(Decimal("7"), days, [morning.key]) == Decimal("3.00")
    assert rules.attended_hours(Decimal("7"), days, [afternoon.key]) == Decimal("4.00")
    assert rules.attended_hours(Decimal("7"), days, [morning.key, afternoon.key]) == Decimal("7.00")
    assert rules.attended_hours(Decimal("7"), days, []) == Decimal("0.00")


def test_attended_hours_split_equally_without_times():
    days = rules.half_days(first_day=D(2017, 3, 30), last_day=D(2017, 3, 31), day_part="full_day")
    assert rules.attended_hours(Decimal("14"), days, [days[0].key]) == Decimal("3.50")


def test_participant_hours_are_duration_times_registrations_written_with_one_decimal():
    assert rules.participant_hours(Decimal("3.5"), 5) == Decimal("17.5")
    assert rules.one_decimal(Decimal("209")) == "209.0"
    assert rules.one_decimal(Decimal("2.25")) == "2.3"
