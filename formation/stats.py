"""The ``trainings`` section of the annual report, as defined in docs/import-format.md §2."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q

from formation import rules
from formation.models import RegistrationStatus
from formation.selectors import report_sessions


def trainings(year: int) -> dict:
    """Sessions dated in ``year``, their registrations and participant-hours (duration × registrations).

    Cancelled sessions are not counted, nor are cancelled registrations and waiting lists: a
    registration is a seat someone held, whether they came or not. Summed in Python ``Decimal``
    (SQLite has no decimal type).
    """
    rows = (
        report_sessions(year)
        .annotate(
            registered=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED))
        )
        .values_list("duration_hours", "registered")
    )
    sessions, registrations, hours = 0, 0, Decimal(0)
    for duration, registered in rows:
        sessions += 1
        registrations += registered
        hours += rules.participant_hours(duration, registered)
    return {
        "sessions": sessions,
        "registrations": registrations,
        "participant_hours": rules.one_decimal(hours),
    }
