"""Half-days and hours of training sessions: pure arithmetic, no database.

A session runs on consecutive days, each day a morning, an afternoon or both (a full day, with a
lunch break between the two). The attendance sheet has one signature box per trainee and per
half-day (CAA Nantes 2021: no batch signing), so presence is recorded per half-day too.

Two kinds of hours:

- **participant-hours** (the annual report's definition, docs/import-format.md §2): the session's
  duration × its registrations, whether the people came or not;
- **attended hours**: for one registration, the share of the duration spent in the half-days the
  person attended. When the session's hours are known, a half-day weighs its length in minutes;
  otherwise every half-day weighs the same. Attending every half-day gives exactly the duration.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

MORNING = "morning"
AFTERNOON = "afternoon"
PERIOD_LABELS = {MORNING: _("matin"), AFTERNOON: _("après-midi")}
FULL_DAY = "full_day"
HOURS = Decimal("0.01")


@dataclass(frozen=True)
class HalfDay:
    day: datetime.date
    period: str
    start: datetime.time | None = None
    end: datetime.time | None = None

    @property
    def key(self) -> str:
        return half_day_key(self.day, self.period)

    @property
    def label(self) -> str:
        return str(PERIOD_LABELS[self.period])

    @property
    def minutes(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        return _minutes(self.end) - _minutes(self.start)


def half_day_key(day: datetime.date, period: str) -> str:
    return f"{day.isoformat()}:{period}"


def _minutes(moment: datetime.time) -> int:
    return moment.hour * 60 + moment.minute


def half_days(
    *,
    first_day: datetime.date,
    last_day: datetime.date,
    day_part: str,
    start: datetime.time | None = None,
    end: datetime.time | None = None,
    break_start: datetime.time | None = None,
    break_end: datetime.time | None = None,
) -> list[HalfDay]:
    """The session's half-days in order: one per day for a half-day session, two for a full day."""
    result = []
    day = first_day
    while day <= last_day:
        if day_part == FULL_DAY:
            result.append(HalfDay(day, MORNING, start, break_start))
            result.append(HalfDay(day, AFTERNOON, break_end, end))
        else:
            result.append(HalfDay(day, AFTERNOON if day_part == AFTERNOON else MORNING, start, end))
        day += datetime.timedelta(days=1)
    return result


def scheduled_hours(days: list[HalfDay]) -> Decimal | None:
    """Hours of presence the schedule adds up to, or None when some hours are missing."""
    minutes = [half_day.minutes for half_day in days]
    if not minutes or any(value is None or value <= 0 for value in minutes):
        return None
    return (Decimal(sum(minutes)) / 60).quantize(HOURS, ROUND_HALF_UP)


def attended_hours(duration: Decimal, days: list[HalfDay], attended_keys: Iterable[str]) -> Decimal:
    """Hours of ``duration`` that the half-days in ``attended_keys`` stand for."""
    keys = set(attended_keys)
    attended = [half_day for half_day in days if half_day.key in keys]
    if not attended:
        return Decimal("0.00")
    if len(attended) == len(days):
        return Decimal(duration).quantize(HOURS)
    weights = [half_day.minutes for half_day in days]
    if all(weight is not None and weight > 0 for weight in weights):
        part, total = sum(half_day.minutes for half_day in attended), sum(weights)
    else:
        part, total = len(attended), len(days)
    return (Decimal(duration) * part / total).quantize(HOURS, ROUND_HALF_UP)


def participant_hours(duration: Decimal, registrations: int) -> Decimal:
    """The report's participant-hours of one session: duration × registrations."""
    return Decimal(duration) * registrations


def one_decimal(hours: Decimal) -> str:
    """Hours as the report's JSON writes them: a string with one decimal, ``"209.0"``."""
    return str(Decimal(hours).quantize(Decimal("0.1"), ROUND_HALF_UP))
