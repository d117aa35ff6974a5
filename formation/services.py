"""Writes on the training catalogue, sessions, registrations, attendance, funding requests, programmes.

Keyword-only typed functions, one transaction each; a broken rule raises ``DomainError`` naming the
field at fault. Registrations lock their session row (``select_for_update``) so that two people
taking the last seat at the same moment cannot both get it, and a freed seat goes to the first
person of the waiting list in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coodyssee.errors import DomainError
from coodyssee.models import User
from entrepreneurs.models import Entrepreneur
from formation import rules
from formation.models import (
    Attendance,
    BpfObjective,
    DayPart,
    FunderKind,
    FundingRequest,
    FundingStatus,
    ProgrammeCommitment,
    RegistrationStatus,
    SessionStatus,
    TrainingProgramme,
    TrainingRegistration,
    TrainingSession,
    TrainingType,
)

MAX_SESSION_DAYS = 31
NOT_YET_HELD = (SessionStatus.DRAFT, SessionStatus.OPEN, SessionStatus.CLOSED)

# --- catalogue ---------------------------------------------------------------------------------

TRAINING_TYPE_TEXT_FIELDS = (
    "objectives",
    "prerequisites",
    "audience",
    "content",
    "teaching_methods",
    "evaluation",
    "accessibility",
    "access_delay",
    "price",
)


def _normalize(value: str) -> str:
    return " ".join((value or "").split())


def training_type_ensure(*, name: str) -> TrainingType:
    """The catalogue entry called ``name`` (case-insensitive), created if new (imports)."""
    name = _normalize(name)
    if not name:
        raise DomainError(_("L'intitulé de la formation est obligatoire."), field="name")
    training_type = TrainingType.objects.filter(name__iexact=name).first()
    if training_type is None:
        with transaction.atomic():
            training_type = TrainingType.objects.create(name=name)
    return training_type


def training_type_save(
    *,
    training_type: TrainingType | None = None,
    name: str,
    duration_hours: Decimal | None = None,
    bpf_objective: str = BpfObjective.OTHER,
    is_active: bool = True,
    **texts: str,
) -> TrainingType:
    """Create a catalogue entry, or update ``training_type``. ``texts``: the Qualiopi text fields."""
    unknown = set(texts) - set(TRAINING_TYPE_TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    name = _normalize(name)
    if not name:
        raise DomainError(_("L'intitulé de la formation est obligatoire."), field="name")
    duplicates = TrainingType.objects.filter(name__iexact=name)
    if training_type is not None:
        duplicates = duplicates.exclude(pk=training_type.pk)
    if duplicates.exists():
        raise DomainError(_("Le catalogue contient déjà une formation de ce nom."), field="name")
    if duration_hours is not None and duration_hours <= 0:
        raise DomainError(_("La durée doit être positive."), field="duration_hours")
    if bpf_objective not in BpfObjective.values:
        raise DomainError(_("Objectif inconnu."), field="bpf_objective")
    training_type = training_type or TrainingType()
    training_type.name = name
    training_type.duration_hours = duration_hours
    training_type.bpf_objective = bpf_objective
    training_type.is_active = is_active
    for field_name, value in texts.items():
        setattr(training_type, field_name, (value or "").strip())
    with transaction.atomic():
        training_type.save()
    return training_type


# --- sessions ----------------------------------------------------------------------------------


def _next_ref(day: datetime.date) -> str:
    prefix = f"F{day.year}-"
    numbers = [
        int(ref[len(prefix) :])
        for ref in TrainingSession.objects.filter(ref__startswith=prefix).values_list("ref", flat=True)
        if ref[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


def _check_schedule(
    *,
    date: datetime.date,
    end_date: datetime.date,
    day_part: str,
    start_time: datetime.time | None,
    end_time: datetime.time | None,
    break_start: datetime.time | None,
    break_end: datetime.time | None,
) -> None:
    if day_part not in DayPart.values:
        raise DomainError(_("Choisissez une demi-journée ou une journée entière."), field="day_part")
    if end_date < date:
        raise DomainError(_("Le dernier jour ne peut pas précéder le premier."), field="end_date")
    if (end_date - date).days >= MAX_SESSION_DAYS:
        raise DomainError(
            _("Une session dure %(days)s jours au plus : créez plusieurs sessions.")
            % {"days": MAX_SESSION_DAYS},
            field="end_date",
        )
    if (start_time is None) != (end_time is None):
        field = "end_time" if end_time is None else "start_time"
        raise DomainError(_("Indiquez l'heure de début et l'heure de fin."), field=field)
    if start_time is not None and start_time >= end_time:
        raise DomainError(_("L'heure de fin doit suivre l'heure de début."), field="end_time")
    if day_part == DayPart.FULL_DAY and start_time is not None:
        if break_start is None or break_end is None:
            raise DomainError(
                _(
                    "Pour une journée entière, indiquez la pause de midi "
                    "(elle sépare les deux demi-journées)."
                ),
                field="break_start" if break_start is None else "break_end",
            )
        if not (start_time < break_start <= break_end < end_time):
            raise DomainError(
                _("La pause de midi doit se situer entre le début et la fin de la journée."),
                field="break_start",
            )


def session_save(
    *,
    session: TrainingSession | None = None,
    training_type: TrainingType,
    title: str,
    date: datetime.date,
    place: str,
    end_date: datetime.date | None = None,
    day_part: str = DayPart.MORNING,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    break_start: datetime.time | None = None,
    break_end: datetime.time | None = None,
    duration_hours: Decimal | None = None,
    trainer: User | None = None,
    trainer_name: str = "",
    capacity: int | None = None,
    status: str = SessionStatus.DRAFT,
    cancellation_deadline_hours: int = 48,
    programme: TrainingProgramme | None = None,
    note: str = "",
    ref: str = "",
) -> TrainingSession:
    """Create a session, or update ``session``. The reference is generated when left blank."""
    title, place, ref = _normalize(title), _normalize(place), _normalize(ref)
    if not title:
        raise DomainError(_("Indiquez l'intitulé de la session."), field="title")
    if not place:
        raise DomainError(_("Indiquez le lieu."), field="place")
    end_date = end_date or date
    if day_part != DayPart.FULL_DAY:
        break_start = break_end = None
    _check_schedule(
        date=date,
        end_date=end_date,
        day_part=day_part,
        start_time=start_time,
        end_time=end_time,
        break_start=break_start,
        break_end=break_end,
    )
    half_days = rules.half_days(
        first_day=date,
        last_day=end_date,
        day_part=day_part,
        start=start_time,
        end=end_time,
        break_start=break_start,
        break_end=break_end,
    )
    if duration_hours is None:
        duration_hours = rules.scheduled_hours(half_days)
        if duration_hours is None:
            raise DomainError(
                _("Indiquez la durée, ou les horaires pour la calculer."), field="duration_hours"
            )
    if duration_hours <= 0:
        raise DomainError(_("La durée doit être positive."), field="duration_hours")
    if trainer is not None and not trainer.is_support_staff:
        raise DomainError(
            _("Choisissez un membre de l'équipe d'appui, ou un nom extérieur."), field="trainer"
        )
    if status not in SessionStatus.values:
        raise DomainError(_("État inconnu."), field="status")
    if capacity is not None and capacity < 1:
        raise DomainError(_("Une session compte au moins une place (vide : sans limite)."), field="capacity")
    if ref and TrainingSession.objects.filter(ref=ref).exclude(pk=getattr(session, "pk", None)).exists():
        raise DomainError(_("Une autre session porte déjà la référence %(ref)s.") % {"ref": ref}, field="ref")

    with transaction.atomic():
        if session is not None:
            session = TrainingSession.objects.select_for_update().get(pk=session.pk)
            _check_changes_keep_records(session, half_days, capacity)
        session = session or TrainingSession()
        values = {
            "training_type": training_type,
            "title": title,
            "date": date,
            "end_date": end_date,
            "day_part": day_part,
            "start_time": start_time,
            "end_time": end_time,
            "break_start": break_start,
            "break_end": break_end,
            "duration_hours": duration_hours,
            "place": place,
            "trainer": trainer,
            "trainer_name": _normalize(trainer_name),
            "capacity": capacity,
            "status": status,
            "cancellation_deadline_hours": cancellation_deadline_hours,
            "programme": programme,
            "note": (note or "").strip(),
        }
        for name, value in values.items():
            setattr(session, name, value)
        session.__dict__.pop("half_days", None)
        if ref:
            session.ref = ref
        if session.pk is None and not ref:
            _create_with_generated_ref(session)
        else:
            session.save()
        _promote_waiting(session)
    return session


def _create_with_generated_ref(session: TrainingSession) -> None:
    # Two people creating a session at the same moment compute the same next number: the unique
    # constraint refuses the second, which takes the following number.
    for _attempt in range(5):
        session.ref = _next_ref(session.date)
        try:
            with transaction.atomic():
                session.save()
            return
        except IntegrityError:
            session.pk = None
    raise DomainError(_("Impossible d'attribuer une référence : réessayez."), field="ref")


def _check_changes_keep_records(
    session: TrainingSession, half_days: list[rules.HalfDay], capacity: int | None
) -> None:
    recorded = set(
        rules.half_day_key(day, period)
        for day, period in Attendance.objects.filter(registration__session=session).values_list(
            "day", "period"
        )
    )
    if recorded - {half_day.key for half_day in half_days}:
        raise DomainError(
            _(
                "Des présences sont déjà saisies pour des demi-journées que ce changement supprimerait : "
                "gardez les mêmes jours et demi-journées."
            ),
            field="date",
        )
    registered = session.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    if capacity is not None and capacity < registered:
        raise DomainError(
            _("%(count)s personnes sont déjà inscrites : le nombre de places ne peut pas être inférieur.")
            % {"count": registered},
            field="capacity",
        )


def session_set_status(*, session: TrainingSession, status: str) -> TrainingSession:
    if status not in SessionStatus.values:
        raise DomainError(_("État inconnu."), field="status")
    if status == SessionStatus.HELD and session.date > timezone.localdate():
        raise DomainError(_("Une session à venir ne peut pas être marquée comme réalisée."), field="status")
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if (
            status == SessionStatus.CANCELLED
            and Attendance.objects.filter(registration__session=session, present=True).exists()
        ):
            raise DomainError(_("Des présences sont saisies : la session a eu lieu."), field="status")
        session.status = status
        session.save()
        if status == SessionStatus.OPEN:
            _promote_waiting(session)
    return session


# --- registrations -----------------------------------------------------------------------------


def _entrepreneur_email(entrepreneur: Entrepreneur) -> str:
    if entrepreneur.user_id and entrepreneur.user.email:
        return entrepreneur.user.email
    return entrepreneur.email


def _notify_promoted(registration_id: int) -> None:
    registration = TrainingRegistration.objects.select_related(
        "session__training_type", "entrepreneur__user"
    ).get(pk=registration_id)
    email = _entrepreneur_email(registration.entrepreneur)
    if not email:
        return
    context = {"registration": registration, "session": registration.session}
    subject = render_to_string("formation/email/promoted_subject.txt", context).strip()
    body = render_to_string("formation/email/promoted_body.txt", context)
    send_mail(subject, body, None, [email])


def _promote_waiting(session: TrainingSession) -> list[TrainingRegistration]:
    """Give free seats to the waiting list, first come first served (caller holds the session lock)."""
    if session.status not in NOT_YET_HELD:
        return []
    if session.starts_at <= timezone.now():
        return []
    queue = list(
        session.registrations.filter(status=RegistrationStatus.WAITING).order_by("registered_at", "id")
    )
    if not queue:
        return []
    if session.capacity is None:
        free = len(queue)
    else:
        taken = session.registrations.filter(status=RegistrationStatus.REGISTERED).count()
        free = max(session.capacity - taken, 0)
    promoted = []
    now = timezone.now()
    for registration in queue[:free]:
        registration.status = RegistrationStatus.REGISTERED
        registration.promoted_at = now
        registration.save()
        promoted.append(registration)
        transaction.on_commit(lambda pk=registration.pk: _notify_promoted(pk))
    return promoted


def registration_register(
    *,
    session: TrainingSession,
    entrepreneur: Entrepreneur,
    by: User | None = None,
    self_service: bool = False,
    waiting_list: bool = True,
) -> TrainingRegistration:
    """Register ``entrepreneur``: a seat if one is left, else the end of the waiting list.

    ``self_service``: the person registers themselves in the portal, which needs an open session
    that has not started. Staff may register anyone in a session that is not cancelled, even after
    it took place (to record history). ``waiting_list=False`` refuses instead of queueing.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if locked.status == SessionStatus.CANCELLED:
            raise DomainError(_("Cette session est annulée."))
        if self_service:
            if locked.status != SessionStatus.OPEN:
                raise DomainError(_("Les inscriptions à cette session ne sont pas ouvertes."))
            if locked.starts_at <= now:
                raise DomainError(_("Cette session a déjà commencé."))
        if entrepreneur.exit_date is not None and entrepreneur.exit_date <= locked.date:
            raise DomainError(
                _("%(name)s a quitté la coopérative avant cette session.") % {"name": entrepreneur},
                field="entrepreneur",
            )
        registration = TrainingRegistration.objects.filter(session=locked, entrepreneur=entrepreneur).first()
        if registration is not None and registration.status == RegistrationStatus.REGISTERED:
            raise DomainError(
                _("%(name)s est déjà inscrit·e.") % {"name": entrepreneur}, field="entrepreneur"
            )
        if registration is not None and registration.status == RegistrationStatus.WAITING:
            raise DomainError(
                _("%(name)s est déjà sur la liste d'attente.") % {"name": entrepreneur}, field="entrepreneur"
            )
        taken = locked.registrations.filter(status=RegistrationStatus.REGISTERED).count()
        full = locked.capacity is not None and taken >= locked.capacity
        if full and not waiting_list:
            raise DomainError(_("Cette session est complète."))
        registration = registration or TrainingRegistration(session=locked, entrepreneur=entrepreneur)
        registration.status = RegistrationStatus.WAITING if full else RegistrationStatus.REGISTERED
        registration.registered_at = now
        registration.registered_by = by
        registration.promoted_at = registration.cancelled_at = registration.cancelled_by = None
        registration.save()
    return registration


def registration_cancel(
    *, registration: TrainingRegistration, by: User | None = None, self_service: bool = False
) -> list[TrainingRegistration]:
    """Cancel a registration (or leave the waiting list); returns the people promoted to the freed seat.

    In the portal a seat can be given up until the session's deadline (48 hours before the start by
    default); the waiting list can be left at any time; staff may cancel whenever needed.
    """
    now = timezone.now()
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=registration.session_id)
        registration = TrainingRegistration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            raise DomainError(_("Cette inscription est déjà annulée."))
        late = now >= session.cancellation_deadline
        if self_service and registration.status == RegistrationStatus.REGISTERED and late:
            deadline = timezone.localtime(session.cancellation_deadline)
            raise DomainError(
                _(
                    "La désinscription en ligne était possible jusqu'au %(date)s à %(time)s : "
                    "prévenez l'équipe d'appui."
                )
                % {"date": date_format(deadline, "d/m/Y"), "time": date_format(deadline, "H:i")}
            )
        if registration.attendances.filter(present=True).exists():
            raise DomainError(_("Une présence est déjà enregistrée pour cette inscription."))
        was_registered = registration.status == RegistrationStatus.REGISTERED
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.cancelled_by = by
        registration.save()
        registration.attendances.all().delete()
        return _promote_waiting(session) if was_registered else []


# --- attendance --------------------------------------------------------------------------------


def attendance_record(
    *, session: TrainingSession, marks: Mapping[tuple[int, str], bool], by: User | None = None
) -> int:
    """Record presence per half-day: ``marks`` maps (registration id, half-day key) to present.

    Only registered people and half-days that have begun (today or earlier) can be marked. Returns
    the number of boxes that changed. A session whose last half-day has passed becomes "held".
    """
    today = timezone.localdate()
    half_days = {half_day.key: half_day for half_day in session.half_days}
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        registrations = {
            registration.pk: registration
            for registration in session.registrations.filter(
                status=RegistrationStatus.REGISTERED
            ).select_related("entrepreneur")
        }
        for registration in registrations.values():
            registration.session = session  # the audit trail reads it for every box
        existing = {
            (attendance.registration_id, attendance.key): attendance
            for attendance in Attendance.objects.filter(registration__in=registrations.values())
        }
        changed = 0
        for (registration_id, key), present in marks.items():
            if registration_id not in registrations:
                raise DomainError(_("Seules les personnes inscrites peuvent être pointées."))
            half_day = half_days.get(key)
            if half_day is None:
                raise DomainError(_("Cette demi-journée ne fait pas partie de la session."))
            if half_day.day > today:
                raise DomainError(_("On ne pointe pas la présence d'une demi-journée à venir."))
            attendance = existing.get((registration_id, key))
            if attendance is None:
                Attendance.objects.create(
                    registration=registrations[registration_id],
                    day=half_day.day,
                    period=half_day.period,
                    present=bool(present),
                    recorded_by=by,
                )
                changed += 1
            elif attendance.present != bool(present):
                attendance.registration = registrations[registration_id]
                attendance.present = bool(present)
                attendance.recorded_by = by
                attendance.save()
                changed += 1
        last_day = max(half_day.day for half_day in half_days.values())
        if changed and last_day <= today and session.status in NOT_YET_HELD:
            session.status = SessionStatus.HELD
            session.save()
    return changed


def attendance_record_all(
    *, registration: TrainingRegistration, present: bool, by: User | None = None
) -> None:
    """Mark every half-day of the session for one person (imports of past sessions)."""
    session = registration.session
    attendance_record(
        session=session,
        marks={(registration.pk, half_day.key): present for half_day in session.half_days},
        by=by,
    )


# --- funding requests --------------------------------------------------------------------------


def funding_request_save(
    *,
    funding_request: FundingRequest | None = None,
    funder: str,
    subject: str,
    requested_on: datetime.date,
    amount_requested: Decimal,
    funder_kind: str = FunderKind.OPCO,
    reference: str = "",
    training_type: TrainingType | None = None,
    session: TrainingSession | None = None,
    status: str = FundingStatus.REQUESTED,
    decided_on: datetime.date | None = None,
    amount_granted: Decimal | None = None,
    note: str = "",
) -> FundingRequest:
    funder, subject = _normalize(funder), _normalize(subject)
    if not funder:
        raise DomainError(_("Indiquez le financeur."), field="funder")
    if not subject:
        raise DomainError(_("Indiquez l'objet de la demande."), field="subject")
    if funder_kind not in FunderKind.values:
        raise DomainError(_("Type de financeur inconnu."), field="funder_kind")
    if status not in FundingStatus.values:
        raise DomainError(_("Décision inconnue."), field="status")
    if amount_requested is None or amount_requested < 0:
        raise DomainError(_("Indiquez un montant positif ou nul."), field="amount_requested")
    if status == FundingStatus.REQUESTED:
        if decided_on is not None or amount_granted is not None:
            raise DomainError(
                _("Une demande en attente n'a ni date de décision ni montant accordé."), field="status"
            )
    else:
        if decided_on is None:
            raise DomainError(_("Indiquez la date de la décision."), field="decided_on")
        if decided_on < requested_on:
            raise DomainError(_("La décision ne peut pas précéder la demande."), field="decided_on")
    if status == FundingStatus.ACCEPTED and (amount_granted is None or amount_granted <= 0):
        raise DomainError(_("Indiquez le montant accordé."), field="amount_granted")
    if status == FundingStatus.REFUSED:
        if amount_granted:
            raise DomainError(_("Une demande refusée n'a pas de montant accordé."), field="amount_granted")
        amount_granted = None
    if session is not None and training_type is None:
        training_type = session.training_type
    request = funding_request or FundingRequest()
    request.funder, request.funder_kind, request.subject = funder, funder_kind, subject
    request.reference, request.training_type, request.session = _normalize(reference), training_type, session
    request.requested_on, request.amount_requested = requested_on, amount_requested
    request.status, request.decided_on, request.amount_granted = status, decided_on, amount_granted
    request.note = (note or "").strip()
    with transaction.atomic():
        request.save()
    return request


# --- programmes --------------------------------------------------------------------------------


def programme_save(
    *,
    programme: TrainingProgramme | None = None,
    name: str,
    year: int,
    partner: str = "",
    signed_on: datetime.date | None = None,
    training_days: int = 0,
    participants: int = 0,
    description: str = "",
    commitments: Iterable[str] = (),
) -> TrainingProgramme:
    """Create or update a programme; ``commitments`` replaces its list of commitments, in order."""
    name = _normalize(name)
    if not name:
        raise DomainError(_("Indiquez le nom du programme."), field="name")
    if not 1900 <= year <= 2999:
        raise DomainError(_("Année invalide."), field="year")
    if signed_on is not None and abs(signed_on.year - year) > 1:
        raise DomainError(
            _("La convention est signée l'année du programme ou juste avant."), field="signed_on"
        )
    if training_days < 0 or participants < 0:
        field = "training_days" if training_days < 0 else "participants"
        raise DomainError(_("Indiquez un nombre positif ou nul."), field=field)
    texts = [_normalize(text) for text in commitments if _normalize(text)]
    for text in texts:
        if len(text) > 300:
            raise DomainError(_("Un engagement tient en 300 caractères au plus."), field="commitments")
    programme = programme or TrainingProgramme()
    programme.name, programme.partner, programme.signed_on = name, _normalize(partner), signed_on
    programme.year, programme.training_days, programme.participants = year, training_days, participants
    programme.description = (description or "").strip()
    with transaction.atomic():
        programme.save()
        current = list(programme.commitments.order_by("position", "id"))
        if [commitment.text for commitment in current] != texts:
            for commitment in current:
                commitment.delete()
            for position, text in enumerate(texts, 1):
                ProgrammeCommitment.objects.create(programme=programme, position=position, text=text)
    return programme
