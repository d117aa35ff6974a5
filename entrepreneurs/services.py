"""Writes on entrepreneurs, activities, journeys, information sessions and appointments.

Keyword-only typed functions, one transaction each; a broken rule raises ``DomainError`` naming the
field at fault. Journey rules are in ``entrepreneurs.rules``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coodyssee.errors import DomainError
from coodyssee.models import User
from entrepreneurs import rules
from entrepreneurs.models import (
    Activity,
    ActivityKind,
    ActivityMembership,
    Appointment,
    ContractType,
    Entrepreneur,
    ExitReason,
    InfoSession,
    JourneyStep,
    StepKind,
    Territory,
)

# --- territories -------------------------------------------------------------------------------


def territory_ensure(*, name: str) -> Territory:
    """The territory called ``name`` (case-insensitive), created at the end of the list if new."""
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Le nom du territoire est obligatoire."), field="name")
    territory = Territory.objects.filter(name__iexact=name).first()
    if territory is None:
        with transaction.atomic():
            last = Territory.objects.order_by("-position").values_list("position", flat=True).first() or 0
            territory = Territory.objects.create(name=name, position=last + 1)
    return territory


# --- entrepreneurs -----------------------------------------------------------------------------

_EDITABLE_FIELDS = {
    "ref",
    "first_name",
    "last_name",
    "email",
    "phone",
    "address",
    "territory",
    "rsa_beneficiary",
    "rsa_followup",
    "referent",
    "contribution_rate",
}


def _check_entrepreneur_fields(values: Mapping[str, Any], *, instance: Entrepreneur | None = None) -> None:
    for name in ("first_name", "last_name"):
        if name in values and not str(values[name]).strip():
            raise DomainError(_("Ce champ est obligatoire."), field=name)
    ref = values.get("ref")
    if ref:
        others = Entrepreneur.objects.filter(ref=ref)
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        if others.exists():
            raise DomainError(
                _("Une autre fiche porte déjà la référence %(ref)s.") % {"ref": ref}, field="ref"
            )
    referent = values.get("referent")
    if referent is not None and not referent.is_support_staff:
        raise DomainError(_("Le ou la référent·e doit faire partie de l'équipe d'appui."), field="referent")
    rate = values.get("contribution_rate")
    if rate is not None and not (Decimal(0) <= rate <= Decimal(100)):
        raise DomainError(
            _("Le taux de contribution doit être compris entre 0 et 100 %."), field="contribution_rate"
        )


def individual_activity_code(entrepreneur: Entrepreneur) -> str:
    return f"ACT{entrepreneur.pk:05d}"


def entrepreneur_create(
    *,
    first_name: str,
    last_name: str,
    ref: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    territory: Territory | None = None,
    rsa_beneficiary: bool = False,
    rsa_followup: str = "",
    referent: User | None = None,
    contribution_rate: Decimal | None = None,
    user: User | None = None,
    activity_name: str = "",
) -> Entrepreneur:
    """Create the record and its individual activity (the analytic section it will invoice from)."""
    values = {
        "ref": ref.strip(),
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "email": email.strip().lower(),
        "phone": phone.strip(),
        "address": address.strip(),
        "territory": territory,
        "rsa_beneficiary": rsa_beneficiary,
        "rsa_followup": rsa_followup.strip(),
        "referent": referent,
        "contribution_rate": contribution_rate,
    }
    _check_entrepreneur_fields(values)
    with transaction.atomic():
        entrepreneur = Entrepreneur.objects.create(user=user, **values)
        activity = Activity.objects.create(
            code=individual_activity_code(entrepreneur),
            name=activity_name.strip() or default_activity_name(entrepreneur),
            kind=ActivityKind.INDIVIDUAL,
        )
        ActivityMembership.objects.create(activity=activity, entrepreneur=entrepreneur)
    return entrepreneur


def default_activity_name(entrepreneur: Entrepreneur) -> str:
    return _("Activité de %(name)s") % {"name": entrepreneur}


def entrepreneur_update(*, entrepreneur: Entrepreneur, data: Mapping[str, Any]) -> Entrepreneur:
    """Change identity, contact and follow-up fields (the journey changes through its own services)."""
    unknown = set(data) - _EDITABLE_FIELDS
    if unknown:
        raise DomainError(_("Champ non modifiable : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    _check_entrepreneur_fields(data, instance=entrepreneur)
    with transaction.atomic():
        for name, value in data.items():
            setattr(entrepreneur, name, value.strip() if isinstance(value, str) else value)
        entrepreneur.save()
    return entrepreneur


# --- activities --------------------------------------------------------------------------------


def activity_shared_create(
    *, code: str, name: str, members: list[Entrepreneur], joined_on: datetime.date | None = None
) -> Activity:
    """A shared activity of several entrepreneurs (each keeps their individual activity too)."""
    code = code.strip().upper()
    if not code:
        raise DomainError(_("Le code analytique est obligatoire."), field="code")
    if Activity.objects.filter(code=code).exists():
        raise DomainError(_("Une activité porte déjà ce code."), field="code")
    if len({member.pk for member in members}) < 2:
        raise DomainError(_("Une activité partagée réunit au moins deux entrepreneur·es."), field="members")
    with transaction.atomic():
        activity = Activity.objects.create(code=code, name=name.strip(), kind=ActivityKind.SHARED)
        for member in {member.pk: member for member in members}.values():
            ActivityMembership.objects.create(activity=activity, entrepreneur=member, joined_on=joined_on)
    return activity


def activity_member_add(
    *, activity: Activity, entrepreneur: Entrepreneur, joined_on: datetime.date | None = None
) -> ActivityMembership:
    if activity.kind != ActivityKind.SHARED:
        raise DomainError(_("Une activité individuelle n'a qu'un·e membre."), field="activity")
    if activity.memberships.filter(entrepreneur=entrepreneur).exists():
        raise DomainError(_("Cette personne fait déjà partie de l'activité."), field="entrepreneur")
    with transaction.atomic():
        return ActivityMembership.objects.create(
            activity=activity, entrepreneur=entrepreneur, joined_on=joined_on
        )


def activity_member_remove(*, membership: ActivityMembership) -> None:
    if membership.activity.kind != ActivityKind.SHARED:
        raise DomainError(_("On ne retire pas une personne de son activité individuelle."))
    with transaction.atomic():
        membership.delete()


# --- journey -----------------------------------------------------------------------------------


def journey_summary_refresh(*, entrepreneur: Entrepreneur) -> Entrepreneur:
    """Rebuild the entrepreneur's journey summary fields from their steps."""
    steps = list(entrepreneur.journey_steps.order_by("date", "id"))
    summary = rules.summarize(steps)
    if summary.apply_to(entrepreneur):
        entrepreneur.save(update_fields=list(rules.JourneySummary.FIELDS))
    return entrepreneur


def _step_add(entrepreneur: Entrepreneur, step: JourneyStep) -> JourneyStep:
    with transaction.atomic():
        # Lock the person so two staff members cannot append conflicting steps at the same time.
        locked = Entrepreneur.objects.select_for_update().get(pk=entrepreneur.pk)
        previous = list(locked.journey_steps.order_by("date", "id"))
        rules.check_next_step(previous, step)
        step.entrepreneur = locked
        try:
            with transaction.atomic():
                step.save()
        except IntegrityError:
            raise DomainError(_("Cette étape figure déjà dans le parcours."), field="kind") from None
        journey_summary_refresh(entrepreneur=locked)
    for name in rules.JourneySummary.FIELDS:
        setattr(entrepreneur, name, getattr(locked, name))
    return step


def journey_info_session_record(
    *,
    entrepreneur: Entrepreneur,
    date: datetime.date,
    info_session: InfoSession | None = None,
    note: str = "",
) -> JourneyStep:
    if info_session is not None and info_session.date != date:
        raise DomainError(_("La date doit être celle de l'information collective."), field="date")
    step = JourneyStep(kind=StepKind.INFO_SESSION, date=date, info_session=info_session, note=note.strip())
    return _step_add(entrepreneur, step)


def _require_planned_end(planned_end: datetime.date | None) -> None:
    if planned_end is None:
        raise DomainError(_("Indiquez la fin prévue du contrat."), field="planned_end")


def journey_cape_start(
    *,
    entrepreneur: Entrepreneur,
    date: datetime.date,
    planned_end: datetime.date | None,
    contract: str = ContractType.CAPE,
    note: str = "",
) -> JourneyStep:
    """Sign a CAPE or a convention d'accompagnement: the entry into the cooperative."""
    _require_planned_end(planned_end)
    if contract not in ContractType.values:
        raise DomainError(_("Type de contrat inconnu."), field="contract")
    if entrepreneur.journey_steps.filter(kind=StepKind.CAPE).exists():
        raise DomainError(_("Un CAPE est déjà en cours : utilisez le renouvellement."), field="kind")
    step = JourneyStep(
        kind=StepKind.CAPE, date=date, planned_end=planned_end, contract=contract, note=note.strip()
    )
    return _step_add(entrepreneur, step)


def journey_cape_renew(
    *, entrepreneur: Entrepreneur, date: datetime.date, planned_end: datetime.date | None, note: str = ""
) -> JourneyStep:
    """Renew the CAPE / convention for a new period (at most twice, 12 months each)."""
    _require_planned_end(planned_end)
    current = entrepreneur.journey_steps.filter(kind=StepKind.CAPE).order_by("-date", "-id").first()
    if current is None:
        raise DomainError(_("Aucun CAPE à renouveler."), field="kind")
    step = JourneyStep(
        kind=StepKind.CAPE, date=date, planned_end=planned_end, contract=current.contract, note=note.strip()
    )
    return _step_add(entrepreneur, step)


def journey_cesa_sign(
    *, entrepreneur: Entrepreneur, date: datetime.date, trial_end: datetime.date | None = None, note: str = ""
) -> JourneyStep:
    """Sign the CESA (open-ended contract), after a CAPE or directly."""
    step = JourneyStep(kind=StepKind.CESA, date=date, trial_end=trial_end, note=note.strip())
    return _step_add(entrepreneur, step)


def journey_associate_record(
    *, entrepreneur: Entrepreneur, date: datetime.date, note: str = ""
) -> JourneyStep:
    """Record the admission as an associate (the shares themselves are kept by the associates' register)."""
    step = JourneyStep(kind=StepKind.ASSOCIATE, date=date, note=note.strip())
    return _step_add(entrepreneur, step)


def journey_exit_record(
    *, entrepreneur: Entrepreneur, date: datetime.date, reason: str, reason_detail: str = "", note: str = ""
) -> JourneyStep:
    if reason not in ExitReason.values:
        raise DomainError(_("Choisissez le motif de sortie."), field="exit_reason")
    if reason == ExitReason.OTHER and not reason_detail.strip():
        raise DomainError(_("Précisez le motif de sortie."), field="reason_detail")
    step = JourneyStep(
        kind=StepKind.EXIT,
        date=date,
        exit_reason=reason,
        reason_detail=reason_detail.strip(),
        note=note.strip(),
    )
    return _step_add(entrepreneur, step)


def journey_last_step_remove(*, entrepreneur: Entrepreneur) -> None:
    """Undo the last step (a correction; the audit trail keeps what was removed)."""
    with transaction.atomic():
        locked = Entrepreneur.objects.select_for_update().get(pk=entrepreneur.pk)
        last = locked.journey_steps.order_by("-date", "-id").first()
        if last is None:
            raise DomainError(_("Le parcours ne comporte aucune étape."))
        last.delete()
        journey_summary_refresh(entrepreneur=locked)
    for name in rules.JourneySummary.FIELDS:
        setattr(entrepreneur, name, getattr(locked, name))


# --- information sessions ----------------------------------------------------------------------


def info_session_save(
    *,
    date: datetime.date,
    place: str,
    registered: int,
    attended: int,
    kind: str = InfoSession.Kind.COLLECTIVE,
    note: str = "",
    info_session: InfoSession | None = None,
) -> InfoSession:
    """Create an information session or permanence, or update ``info_session``."""
    place = " ".join(place.split())
    if not place:
        raise DomainError(_("Indiquez le lieu."), field="place")
    for name, value in (("registered", registered), ("attended", attended)):
        if value is None or value < 0:
            raise DomainError(_("Indiquez un nombre de personnes positif ou nul."), field=name)
    if kind not in InfoSession.Kind.values:
        raise DomainError(_("Type de réunion inconnu."), field="kind")
    duplicates = InfoSession.objects.filter(date=date, place=place)
    if info_session is not None:
        duplicates = duplicates.exclude(pk=info_session.pk)
    if duplicates.exists():
        raise DomainError(_("Une réunion a déjà lieu à cet endroit ce jour-là."), field="place")
    session = info_session or InfoSession()
    session.date, session.place, session.kind = date, place, kind
    session.registered, session.attended, session.note = registered, attended, note.strip()
    with transaction.atomic():
        session.save()
    return session


# --- appointments ------------------------------------------------------------------------------


def appointment_plan(
    *,
    entrepreneur: Entrepreneur,
    staff: User,
    date: datetime.date,
    time: datetime.time | None = None,
    kind: str = Appointment.Kind.INTERVIEW,
    notes: str = "",
) -> Appointment:
    if not staff.is_support_staff:
        raise DomainError(_("Le rendez-vous est tenu par un membre de l'équipe d'appui."), field="staff")
    if kind not in Appointment.Kind.values:
        raise DomainError(_("Type de rendez-vous inconnu."), field="kind")
    if entrepreneur.exit_date is not None and date > entrepreneur.exit_date:
        raise DomainError(_("Cette personne est sortie de la coopérative à cette date."), field="date")
    with transaction.atomic():
        return Appointment.objects.create(
            entrepreneur=entrepreneur, staff=staff, date=date, time=time, kind=kind, notes=notes.strip()
        )


def appointment_complete(*, appointment: Appointment, notes: str | None = None) -> Appointment:
    """Mark the appointment as held, with its report."""
    if appointment.status == Appointment.Status.CANCELLED:
        raise DomainError(_("Ce rendez-vous a été annulé."))
    if appointment.date > timezone.localdate():
        raise DomainError(_("Un rendez-vous à venir ne peut pas être marqué comme réalisé."), field="date")
    appointment.status = Appointment.Status.DONE
    if notes is not None:
        appointment.notes = notes.strip()
    with transaction.atomic():
        appointment.save()
    return appointment


def appointment_cancel(*, appointment: Appointment) -> Appointment:
    if appointment.status == Appointment.Status.DONE:
        raise DomainError(_("Ce rendez-vous a déjà eu lieu."))
    appointment.status = Appointment.Status.CANCELLED
    with transaction.atomic():
        appointment.save()
    return appointment
