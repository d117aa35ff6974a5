"""Headcount and information-session figures of a year, as defined in docs/import-format.md §2.

Computed from the journey steps themselves (not from the summary fields): one query loads every
entrepreneur's entry, exit and CESA dates, the rest is arithmetic in Python.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Q, Sum

from entrepreneurs.models import InfoSession, JourneyStep, StepKind
from entrepreneurs.rules import ENTRY_KINDS


@dataclass(frozen=True)
class JourneyDates:
    entry: datetime.date
    exit: datetime.date | None
    cesa: datetime.date | None

    def present_at(self, day: datetime.date) -> bool:
        return self.entry <= day and (self.exit is None or self.exit > day)


def journey_dates() -> list[JourneyDates]:
    """Entry (first CAPE or CESA), exit and CESA dates of everyone who ever entered."""
    rows = (
        JourneyStep.objects.filter(kind__in=[*ENTRY_KINDS, StepKind.EXIT])
        .order_by()
        .values("entrepreneur_id")
        .annotate(
            entry=Min("date", filter=Q(kind__in=ENTRY_KINDS)),
            exit=Min("date", filter=Q(kind=StepKind.EXIT)),
            cesa=Min("date", filter=Q(kind=StepKind.CESA)),
        )
        .values_list("entry", "exit", "cesa")
    )
    # Someone who leaves before ever entering (a prospect) is neither an entry nor an exit.
    return [JourneyDates(entry, exit_, cesa) for entry, exit_, cesa in rows if entry is not None]


def _count(dates: list[JourneyDates], start: datetime.date, end: datetime.date) -> tuple[int, int]:
    entries = sum(1 for d in dates if start <= d.entry <= end)
    exits = sum(1 for d in dates if d.exit is not None and start <= d.exit <= end)
    return entries, exits


def headcount(year: int, dates: list[JourneyDates] | None = None) -> dict:
    """The ``headcount`` section of the annual report for ``year``."""
    dates = journey_dates() if dates is None else dates
    last_day = datetime.date(year, 12, 31)
    start_of_year = sum(1 for d in dates if d.present_at(datetime.date(year - 1, 12, 31)))
    present_at_end = [d for d in dates if d.present_at(last_day)]
    cesa_at_end = sum(1 for d in present_at_end if d.cesa is not None and d.cesa <= last_day)
    entries, exits = _count(dates, datetime.date(year, 1, 1), last_day)
    monthly = []
    for month in range(1, 13):
        month_end = datetime.date(year, month, calendar.monthrange(year, month)[1])
        month_entries, month_exits = _count(dates, datetime.date(year, month, 1), month_end)
        monthly.append(
            {
                "month": f"{year:04d}-{month:02d}",
                "entries": month_entries,
                "exits": month_exits,
                "headcount": sum(1 for d in dates if d.present_at(month_end)),
            }
        )
    return {
        "start_of_year": start_of_year,
        "end_of_year": len(present_at_end),
        "entries": entries,
        "exits": exits,
        "accompanied": start_of_year + entries,
        "cesa_end_of_year": cesa_at_end,
        "cape_end_of_year": len(present_at_end) - cesa_at_end,
        "monthly": monthly,
    }


def info_sessions(year: int) -> dict:
    """The ``info_sessions`` section: sessions dated in ``year`` and the sums of their counts."""
    totals = InfoSession.objects.filter(date__year=year).aggregate(
        sessions=Count("id"), registered=Sum("registered"), attended=Sum("attended")
    )
    return {
        "sessions": totals["sessions"],
        "registered": totals["registered"] or 0,
        "attended": totals["attended"] or 0,
    }
