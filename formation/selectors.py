"""Reads on trainings for the back-office, the portal and the entrepreneur's record.

Every selector runs a fixed number of queries whatever the number of rows (annotations, ``select_related``
and ``prefetch_related`` instead of per-row lookups). Hours are summed in Python ``Decimal``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from coodyssee.permissions import has_perm
from formation import rules
from formation.models import (
    Attendance,
    FundingRequest,
    FundingStatus,
    RegistrationStatus,
    SessionStatus,
    TrainingProgramme,
    TrainingRegistration,
    TrainingSession,
)

ZERO = Decimal("0.00")


def _present_attendances() -> Prefetch:
    return Prefetch(
        "attendances", queryset=Attendance.objects.filter(present=True), to_attr="present_attendances"
    )


def attended_hours_of(registration: TrainingRegistration) -> Decimal:
    """Hours attended; the registration must come with ``present_attendances`` prefetched."""
    keys = [attendance.key for attendance in registration.present_attendances]
    return registration.session.hours_for(keys)


# --- sessions ----------------------------------------------------------------------------------


def sessions_with_counts() -> QuerySet[TrainingSession]:
    """Sessions with their type, trainer and ``registered_count`` / ``waiting_count``."""
    return TrainingSession.objects.select_related("training_type", "trainer").annotate(
        registered_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)
        ),
        waiting_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)),
    )


def access_session(user, pk: int) -> TrainingSession:
    """A session for the support team (the permission middleware already checked the role)."""
    if not has_perm(user, "training.view"):
        raise Http404
    try:
        return sessions_with_counts().select_related("programme").get(pk=pk)
    except TrainingSession.DoesNotExist:
        raise Http404 from None


@dataclass
class SessionRoster:
    """Who is in a session: seats, waiting list (in order), cancellations, presence per half-day."""

    registered: list[TrainingRegistration]
    waiting: list[TrainingRegistration]
    cancelled: list[TrainingRegistration]
    presence: dict[tuple[int, str], bool]

    @property
    def recorded_count(self) -> int:
        return len(self.presence)


def session_roster(session: TrainingSession) -> SessionRoster:
    registrations = list(
        session.registrations.select_related("entrepreneur", "registered_by")
        .prefetch_related(_present_attendances())
        .order_by("registered_at", "id")
    )
    presence = {
        (registration_id, rules.half_day_key(day, period)): present
        for registration_id, day, period, present in Attendance.objects.filter(
            registration__session=session
        ).values_list("registration_id", "day", "period", "present")
    }
    by_name = sorted(
        (r for r in registrations if r.status == RegistrationStatus.REGISTERED),
        key=lambda r: (r.entrepreneur.last_name.lower(), r.entrepreneur.first_name.lower()),
    )
    for registration in registrations:
        registration.session = session  # the rows share the session already loaded
        registration.attended_hours = attended_hours_of(registration)
    return SessionRoster(
        registered=by_name,
        waiting=[r for r in registrations if r.status == RegistrationStatus.WAITING],
        cancelled=[r for r in registrations if r.status == RegistrationStatus.CANCELLED],
        presence=presence,
    )


def seats_left(session: TrainingSession) -> int | None:
    """Free seats of a session annotated by ``sessions_with_counts`` (None: no limit)."""
    if session.capacity is None:
        return None
    return max(session.capacity - session.registered_count, 0)


# --- registrations, scoped by person -----------------------------------------------------------


def registrations_for(user) -> QuerySet[TrainingRegistration]:
    """Registrations this person may see: all of them for the support team, their own otherwise."""
    queryset = TrainingRegistration.objects.select_related(
        "session__training_type", "session__trainer", "entrepreneur"
    )
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if has_perm(user, "training.view"):
        return queryset
    return queryset.filter(entrepreneur__user=user)


def access_registration(user, pk: int) -> TrainingRegistration:
    """The registration, or 404 for anyone who may not see it (no hint whether it exists)."""
    try:
        return registrations_for(user).prefetch_related(_present_attendances()).get(pk=pk)
    except TrainingRegistration.DoesNotExist:
        raise Http404 from None


def access_own_registration(user, pk: int) -> TrainingRegistration:
    """In the portal: only the signed-in person's own registrations, whatever their other roles."""
    try:
        return (
            registrations_for(user)
            .filter(entrepreneur__user=user)
            .prefetch_related(_present_attendances())
            .get(pk=pk)
        )
    except TrainingRegistration.DoesNotExist:
        raise Http404 from None


class TrainingHistory(list):
    """A person's registrations (not cancelled), newest first, each with ``attended_hours``."""

    @property
    def participant_hours(self) -> Decimal:
        return sum(
            (r.session.duration_hours for r in self if r.status == RegistrationStatus.REGISTERED), ZERO
        )

    @property
    def attended_hours(self) -> Decimal:
        return sum((r.attended_hours for r in self), ZERO)

    @property
    def sessions_attended(self) -> int:
        return sum(1 for r in self if r.attended_hours > 0)


def training_history_for(entrepreneur, *, include_waiting: bool = True) -> TrainingHistory:
    """The entrepreneur's trainings for their record page and the portal (two queries)."""
    statuses = [RegistrationStatus.REGISTERED]
    if include_waiting:
        statuses.append(RegistrationStatus.WAITING)
    registrations = (
        TrainingRegistration.objects.filter(entrepreneur=entrepreneur, status__in=statuses)
        .exclude(session__status=SessionStatus.CANCELLED)
        .select_related("session__training_type", "session__trainer")
        .prefetch_related(_present_attendances())
        .order_by("-session__date", "-session__start_time", "-id")
    )
    history = TrainingHistory(registrations)
    for registration in history:
        registration.attended_hours = attended_hours_of(registration)
    return history


def open_sessions(*, entrepreneur=None, today: datetime.date | None = None) -> list[TrainingSession]:
    """Sessions open for registration that have not started, each with ``seats_left`` and, for
    ``entrepreneur``, ``my_registration`` (their registration in it, or None)."""
    now = timezone.now()
    today = today or timezone.localdate()
    sessions = list(
        sessions_with_counts()
        .filter(status=SessionStatus.OPEN, date__gte=today)
        .order_by("date", "start_time", "id")
    )
    mine = {}
    if entrepreneur is not None:
        mine = {
            registration.session_id: registration
            for registration in TrainingRegistration.objects.filter(
                entrepreneur=entrepreneur, session__in=sessions
            ).exclude(status=RegistrationStatus.CANCELLED)
        }
    result = []
    for session in sessions:
        if session.starts_at <= now:
            continue
        session.seats_left = seats_left(session)
        session.my_registration = mine.get(session.pk)
        result.append(session)
    return result


def waiting_positions(registrations) -> dict[int, int]:
    """Position on its session's waiting list (1 = next to get a seat) of each waiting registration."""
    waiting = [r for r in registrations if r.status == RegistrationStatus.WAITING]
    if not waiting:
        return {}
    queues = TrainingRegistration.objects.filter(
        session_id__in={r.session_id for r in waiting}, status=RegistrationStatus.WAITING
    ).order_by("session_id", "registered_at", "id")
    positions, counters = {}, {}
    for session_id, pk in queues.values_list("session_id", "pk"):
        counters[session_id] = counters.get(session_id, 0) + 1
        positions[pk] = counters[session_id]
    return {r.pk: positions.get(r.pk) for r in waiting}


# --- year summary ------------------------------------------------------------------------------


@dataclass
class SummaryRow:
    session: TrainingSession
    registered: int
    participant_hours: Decimal
    attended_hours: Decimal


@dataclass
class BpfRow:
    """BPF frame F-1 by training type: trainees (registrations), people, trainee-hours."""

    name: str
    sessions: int = 0
    trainees: int = 0
    people: set = field(default_factory=set)
    participant_hours: Decimal = ZERO
    attended_trainees: int = 0
    attended_hours: Decimal = ZERO

    @property
    def people_count(self) -> int:
        return len(self.people)


@dataclass
class YearSummary:
    year: int
    rows: list[SummaryRow]
    by_type: list[BpfRow]
    total: BpfRow
    programmes: list[TrainingProgramme]
    funding_requests: list[FundingRequest]

    @property
    def funding_requested(self) -> int:
        return len(self.funding_requests)

    @property
    def funding_accepted(self) -> int:
        return sum(1 for request in self.funding_requests if request.status == FundingStatus.ACCEPTED)

    @property
    def funding_refused(self) -> int:
        return sum(1 for request in self.funding_requests if request.status == FundingStatus.REFUSED)

    @property
    def amount_requested(self) -> Decimal:
        return sum((request.amount_requested for request in self.funding_requests), ZERO)

    @property
    def amount_granted(self) -> Decimal:
        return sum((request.amount_granted or ZERO for request in self.funding_requests), ZERO)


def report_sessions(year: int) -> QuerySet[TrainingSession]:
    """The sessions a year's report counts: dated in the year, not cancelled."""
    return TrainingSession.objects.filter(date__year=year).exclude(status=SessionStatus.CANCELLED)


def year_summary(year: int) -> YearSummary:
    """The 2017-style table (date, type, summary, place, registered, hours), the BPF-style summary by
    type, and the year's programmes and funding requests. Five queries."""
    sessions = list(
        report_sessions(year)
        .select_related("training_type")
        .prefetch_related(
            Prefetch(
                "registrations",
                queryset=TrainingRegistration.objects.filter(status=RegistrationStatus.REGISTERED)
                .prefetch_related(_present_attendances())
                .order_by("id"),
                to_attr="confirmed",
            )
        )
        .order_by("date", "start_time", "ref")
    )
    rows, by_type, total = [], {}, BpfRow(name="")
    for session in sessions:
        attended = ZERO
        bpf = by_type.setdefault(session.training_type_id, BpfRow(name=session.training_type.name))
        for row in (bpf, total):
            row.sessions += 1
        for registration in session.confirmed:
            registration.session = session
            hours = attended_hours_of(registration)
            attended += hours
            for row in (bpf, total):
                row.trainees += 1
                row.people.add(registration.entrepreneur_id)
                row.participant_hours += session.duration_hours
                row.attended_hours += hours
                row.attended_trainees += 1 if hours > 0 else 0
        rows.append(
            SummaryRow(
                session=session,
                registered=len(session.confirmed),
                participant_hours=rules.participant_hours(session.duration_hours, len(session.confirmed)),
                attended_hours=attended,
            )
        )
    programmes = list(TrainingProgramme.objects.filter(year=year).prefetch_related("commitments"))
    funding = list(FundingRequest.objects.filter(requested_on__year=year).order_by("requested_on", "id"))
    return YearSummary(
        year=year,
        rows=rows,
        by_type=sorted(by_type.values(), key=lambda row: (-row.participant_hours, row.name)),
        total=total,
        programmes=programmes,
        funding_requests=funding,
    )


def training_years() -> list[int]:
    """Years that have sessions, newest first, for the summary page's year links."""
    years = TrainingSession.objects.dates("date", "year", order="DESC")
    return [day.year for day in years]
