"""Reads on entrepreneurs and their journeys, for the back-office pages and the staff to-do dashboard.

Every selector runs a fixed number of queries whatever the number of rows (annotations and
``select_related`` instead of per-row lookups). Dates default to today in the cooperative's time zone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, CharField, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from coodyssee.models import Cooperative
from entrepreneurs.models import (
    PRESENT_STATUSES,
    Activity,
    Appointment,
    Entrepreneur,
    InfoSession,
    JourneyStatus,
    JourneyStep,
)
from entrepreneurs.rules import add_months

CAPE_ENDING_DAYS = 60
TRIAL_ENDING_DAYS = 30
ASSOCIATE_ALERT_DAYS = (180, 90, 30)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _base() -> QuerySet[Entrepreneur]:
    return Entrepreneur.objects.select_related("territory", "referent")


def _for_referent(queryset: QuerySet, referent, path: str = "referent") -> QuerySet:
    return queryset if referent is None else queryset.filter(**{path: referent})


# --- lists and records -------------------------------------------------------------------------


def entrepreneurs_for(user) -> QuerySet[Entrepreneur]:
    """Entrepreneurs this person may see: everyone for the support team, their own record otherwise."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Entrepreneur.objects.none()
    if user.is_support_staff:
        return _base()
    return _base().filter(user=user)


def access_entrepreneur(user, pk: int) -> Entrepreneur:
    """The record, or 404 for anyone who may not see it (no hint whether it exists)."""
    try:
        return entrepreneurs_for(user).get(pk=pk)
    except Entrepreneur.DoesNotExist:
        raise Http404 from None


def entrepreneurs_list(
    user,
    *,
    status: str | None = None,
    territory_id: int | None = None,
    referent_id: int | None = None,
    search: str = "",
) -> QuerySet[Entrepreneur]:
    queryset = entrepreneurs_for(user)
    if status == "present":
        queryset = queryset.filter(status__in=PRESENT_STATUSES)
    elif status:
        queryset = queryset.filter(status=status)
    if territory_id:
        queryset = queryset.filter(territory_id=territory_id)
    if referent_id:
        queryset = queryset.filter(referent_id=referent_id)
    for word in search.split():
        queryset = queryset.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(ref__iexact=word)
            | Q(email__icontains=word)
        )
    return queryset


def journey_steps_for(entrepreneur: Entrepreneur) -> list[JourneyStep]:
    return list(entrepreneur.journey_steps.select_related("info_session").order_by("date", "id"))


def activities_for(entrepreneur: Entrepreneur) -> QuerySet[Activity]:
    """The person's activities (individual first), each with its members prefetched."""
    return (
        Activity.objects.filter(memberships__entrepreneur=entrepreneur)
        .prefetch_related(
            Prefetch("members", queryset=Entrepreneur.objects.order_by("last_name", "first_name"))
        )
        .order_by("kind", "code")
    )


def appointments_for(entrepreneur: Entrepreneur) -> QuerySet[Appointment]:
    return entrepreneur.appointments.select_related("staff").order_by("-date", "-time", "-id")


def contribution_rate_for(entrepreneur: Entrepreneur, cooperative: Cooperative | None = None) -> Decimal:
    """The entrepreneur's contribution rate in percent, else the cooperative's default."""
    if entrepreneur.contribution_rate is not None:
        return entrepreneur.contribution_rate
    cooperative = cooperative or Cooperative.objects.order_by("pk").first()
    return cooperative.default_contribution_rate if cooperative else Decimal(0)


def info_sessions_list(*, year: int | None = None) -> QuerySet[InfoSession]:
    queryset = InfoSession.objects.order_by("-date", "place")
    return queryset if year is None else queryset.filter(date__year=year)


# --- staff to-do dashboard ---------------------------------------------------------------------


def capes_ending(
    *, today: datetime.date | None = None, within_days: int = CAPE_ENDING_DAYS, referent=None
) -> QuerySet[Entrepreneur]:
    """People under CAPE / convention whose current period ends within ``within_days`` (or has ended)."""
    today = _today(today)
    queryset = _base().filter(
        status=JourneyStatus.CAPE, cape_end_date__lte=today + datetime.timedelta(days=within_days)
    )
    return _for_referent(queryset, referent).order_by("cape_end_date", "last_name")


def associate_deadlines(
    *, today: datetime.date | None = None, within_days: int = ASSOCIATE_ALERT_DAYS[0], referent=None
) -> QuerySet[Entrepreneur]:
    """CESA holders not yet associates whose deadline is within ``within_days`` or passed.

    Each row carries ``alert``: ``"passed"``, ``"30"``, ``"90"`` or ``"180"`` (the tightest
    threshold it falls under).
    """
    today = _today(today)
    whens = [When(associate_deadline__lt=today, then=Value("passed"))]
    whens += [
        When(associate_deadline__lte=today + datetime.timedelta(days=days), then=Value(str(days)))
        for days in sorted(ASSOCIATE_ALERT_DAYS)
    ]
    queryset = _base().filter(
        status=JourneyStatus.CESA, associate_deadline__lte=today + datetime.timedelta(days=within_days)
    )
    return (
        _for_referent(queryset, referent)
        .annotate(alert=Case(*whens, default=Value(""), output_field=CharField()))
        .order_by("associate_deadline", "last_name")
    )


def trial_periods_ending(
    *, today: datetime.date | None = None, within_days: int = TRIAL_ENDING_DAYS, referent=None
) -> QuerySet[Entrepreneur]:
    """People whose CESA trial period ends between today and ``within_days`` from now."""
    today = _today(today)
    queryset = _base().filter(
        status__in=PRESENT_STATUSES,
        trial_end_date__gte=today,
        trial_end_date__lte=today + datetime.timedelta(days=within_days),
    )
    return _for_referent(queryset, referent).order_by("trial_end_date", "last_name")


def quarter_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = day.replace(month=first_month, day=1)
    return start, add_months(start, 3) - datetime.timedelta(days=1)


def week_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = day - datetime.timedelta(days=day.weekday())
    return start, start + datetime.timedelta(days=6)


def without_appointment_this_quarter(
    *, today: datetime.date | None = None, referent=None
) -> QuerySet[Entrepreneur]:
    """Present entrepreneurs with no appointment (held or planned) in the current quarter.

    Each row carries ``last_appointment`` (date of the latest held appointment, or None).
    """
    start, end = quarter_bounds(_today(today))
    in_quarter = Appointment.objects.filter(
        entrepreneur=OuterRef("pk"),
        date__range=(start, end),
        status__in=[Appointment.Status.PLANNED, Appointment.Status.DONE],
    )
    queryset = (
        _base()
        .filter(status__in=PRESENT_STATUSES)
        .filter(~Exists(in_quarter))
        .annotate(
            last_appointment=Max("appointments__date", filter=Q(appointments__status=Appointment.Status.DONE))
        )
    )
    return _for_referent(queryset, referent).order_by(
        F("last_appointment").asc(nulls_first=True), "last_name"
    )


def appointments_this_week(*, today: datetime.date | None = None, staff=None) -> QuerySet[Appointment]:
    """This week's appointments (Monday to Sunday), not cancelled, with the entrepreneur and staff member."""
    start, end = week_bounds(_today(today))
    queryset = (
        Appointment.objects.select_related("entrepreneur__territory", "entrepreneur__referent", "staff")
        .filter(date__range=(start, end))
        .exclude(status=Appointment.Status.CANCELLED)
    )
    return _for_referent(queryset, staff, path="staff").order_by("date", "time", "id")


@dataclass(frozen=True)
class StaffTodo:
    capes_ending: list[Entrepreneur]
    associate_deadlines: list[Entrepreneur]
    trial_periods_ending: list[Entrepreneur]
    without_appointment: list[Entrepreneur]
    appointments_this_week: list[Appointment]


def staff_todo(*, today: datetime.date | None = None, referent=None) -> StaffTodo:
    """Everything the dashboard shows, in five queries. ``referent`` narrows to one staff member's people."""
    today = _today(today)
    return StaffTodo(
        capes_ending=list(capes_ending(today=today, referent=referent)),
        associate_deadlines=list(associate_deadlines(today=today, referent=referent)),
        trial_periods_ending=list(trial_periods_ending(today=today, referent=referent)),
        without_appointment=list(without_appointment_this_quarter(today=today, referent=referent)),
        appointments_this_week=list(appointments_this_week(today=today, staff=referent)),
    )
