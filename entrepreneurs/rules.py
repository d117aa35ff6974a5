"""The law of the journey, as pure functions over steps (no database access).

Services, the CSV import and the demo loader all call these, so a journey is judged the same way
wherever it comes from. A "step" is anything with ``kind``, ``date``, ``planned_end`` and
``trial_end`` attributes: a ``JourneyStep``, saved or not.

- CAPE (Code de commerce L127-1): each period ≤ 12 months, renewable at most twice.
- CESA trial period (Code du travail L7332-1): ≤ 8 months, minus prior CAPE / convention time.
- Associate deadline (L7331-3): CESA signature + 3 years − prior CAPE / convention time.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coodyssee.errors import DomainError
from entrepreneurs.models import JourneyStatus, StepKind

CAPE_MAX_MONTHS = 12
CAPE_MAX_RENEWALS = 2
TRIAL_MAX_MONTHS = 8
ASSOCIATE_DELAY_YEARS = 3
ENTRY_KINDS = (StepKind.CAPE, StepKind.CESA)


class Step(Protocol):
    kind: str
    date: datetime.date
    planned_end: datetime.date | None
    trial_end: datetime.date | None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def cape_max_end(start: datetime.date) -> datetime.date:
    """Last day a CAPE period starting on ``start`` may cover (12 months, ``start`` included)."""
    return add_months(start, CAPE_MAX_MONTHS) - datetime.timedelta(days=1)


def prior_contract_days(steps: Sequence[Step], cesa_date: datetime.date) -> int:
    """Days spent under CAPE / convention before the CESA signed on ``cesa_date``.

    A period runs from its date to the first of: the next period's start, the day after its planned
    end, the CESA signature. Without a planned end (history imported from CSV) it runs to the next
    period or to the CESA.
    """
    periods = [step for step in steps if step.kind == StepKind.CAPE and step.date <= cesa_date]
    total = 0
    for index, period in enumerate(periods):
        ends = [cesa_date]
        if index + 1 < len(periods):
            ends.append(periods[index + 1].date)
        if period.planned_end is not None:
            ends.append(period.planned_end + datetime.timedelta(days=1))
        total += max((min(ends) - period.date).days, 0)
    return total


def trial_max_end(cesa_date: datetime.date, prior_days: int) -> datetime.date | None:
    """Last day the CESA trial period may cover, or None when prior contracts used up the 8 months."""
    last_day = add_months(cesa_date, TRIAL_MAX_MONTHS) - datetime.timedelta(days=1 + prior_days)
    return last_day if last_day >= cesa_date else None


def associate_deadline(cesa_date: datetime.date, prior_days: int) -> datetime.date:
    """Date by which a CESA holder must have become an associate (L7331-3)."""
    return add_months(cesa_date, 12 * ASSOCIATE_DELAY_YEARS) - datetime.timedelta(days=prior_days)


def _first(steps: Sequence[Step], *kinds: str) -> Step | None:
    return next((step for step in steps if step.kind in kinds), None)


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def check_next_step(previous: Sequence[Step], step: Step) -> None:
    """Refuse ``step`` if it cannot follow ``previous`` (the journey so far, in order).

    Raises ``DomainError`` with ``field`` set to the step attribute at fault (``kind``, ``date``,
    ``planned_end`` or ``trial_end``).
    """
    if _first(previous, StepKind.EXIT):
        raise DomainError(_("Aucune étape ne peut suivre la sortie."), field="kind")
    if previous and step.date < previous[-1].date:
        raise DomainError(
            _("La date ne peut pas précéder celle de l'étape précédente (%(date)s).")
            % {"date": _day(previous[-1].date)},
            field="date",
        )
    if step.kind == StepKind.CAPE:
        _check_cape(previous, step)
    elif step.kind == StepKind.CESA:
        _check_cesa(previous, step)
    elif step.kind == StepKind.ASSOCIATE:
        if _first(previous, StepKind.ASSOCIATE):
            raise DomainError(_("Cette personne est déjà associée."), field="kind")
        if not _first(previous, StepKind.CESA):
            raise DomainError(
                _("L'admission comme associé·e demande un CESA signé auparavant."), field="kind"
            )


def _check_cape(previous: Sequence[Step], step: Step) -> None:
    if _first(previous, StepKind.CESA):
        raise DomainError(
            _("Un CAPE ou une convention ne peut pas suivre la signature du CESA."), field="kind"
        )
    periods = [s for s in previous if s.kind == StepKind.CAPE]
    if len(periods) > CAPE_MAX_RENEWALS:
        raise DomainError(_("Un CAPE ne peut être renouvelé que deux fois."), field="kind")
    if periods and periods[-1].planned_end is not None:
        latest_start = periods[-1].planned_end + datetime.timedelta(days=1)
        if step.date > latest_start:
            raise DomainError(
                _("Le renouvellement doit commencer au plus tard le %(date)s, lendemain de la fin prévue.")
                % {"date": _day(latest_start)},
                field="date",
            )
    if step.planned_end is not None:
        if step.planned_end < step.date:
            raise DomainError(_("La fin prévue ne peut pas précéder le début."), field="planned_end")
        if step.planned_end > cape_max_end(step.date):
            raise DomainError(
                _("Une période de CAPE dure au plus 12 mois : fin prévue au plus tard le %(date)s.")
                % {"date": _day(cape_max_end(step.date))},
                field="planned_end",
            )


def _check_cesa(previous: Sequence[Step], step: Step) -> None:
    if _first(previous, StepKind.CESA):
        raise DomainError(_("Le CESA est déjà signé."), field="kind")
    if step.trial_end is None:
        return
    if step.trial_end < step.date:
        raise DomainError(_("La période d'essai ne peut pas finir avant la signature."), field="trial_end")
    prior_days = prior_contract_days(previous, step.date)
    last_day = trial_max_end(step.date, prior_days)
    if last_day is None:
        raise DomainError(
            _(
                "Les CAPE et conventions antérieures (%(days)s jours) couvrent déjà les 8 mois : "
                "pas de période d'essai."
            )
            % {"days": prior_days},
            field="trial_end",
        )
    if step.trial_end > last_day:
        raise DomainError(
            _(
                "La période d'essai dure au plus 8 mois moins les CAPE et conventions antérieures "
                "(%(days)s jours) : fin au plus tard le %(date)s."
            )
            % {"days": prior_days, "date": _day(last_day)},
            field="trial_end",
        )


def check_journey(steps: Sequence[Step]) -> None:
    """Check a whole journey, step after step (used on imported and demo data)."""
    for index, step in enumerate(steps):
        check_next_step(steps[:index], step)


@dataclass(frozen=True)
class JourneySummary:
    status: str
    entry_date: datetime.date | None = None
    exit_date: datetime.date | None = None
    cesa_date: datetime.date | None = None
    associate_date: datetime.date | None = None
    cape_end_date: datetime.date | None = None
    trial_end_date: datetime.date | None = None
    associate_deadline: datetime.date | None = None

    FIELDS = (
        "status",
        "entry_date",
        "exit_date",
        "cesa_date",
        "associate_date",
        "cape_end_date",
        "trial_end_date",
        "associate_deadline",
    )

    def apply_to(self, entrepreneur) -> bool:
        """Copy onto the entrepreneur's summary fields; True when something changed."""
        changed = False
        for name in self.FIELDS:
            value = getattr(self, name)
            if getattr(entrepreneur, name) != value:
                setattr(entrepreneur, name, value)
                changed = True
        return changed


def summarize(steps: Sequence[Step]) -> JourneySummary:
    """Where a journey stands, from its steps in order. Entry = first CAPE or CESA step."""
    entry = _first(steps, *ENTRY_KINDS)
    exit_step = _first(steps, StepKind.EXIT)
    cesa = _first(steps, StepKind.CESA)
    associate = _first(steps, StepKind.ASSOCIATE)
    periods = [step for step in steps if step.kind == StepKind.CAPE]
    if exit_step:
        status = JourneyStatus.EXITED
    elif associate:
        status = JourneyStatus.ASSOCIATE
    elif cesa:
        status = JourneyStatus.CESA
    elif periods:
        status = JourneyStatus.CAPE
    else:
        status = JourneyStatus.PROSPECT
    deadline = None
    if cesa:
        deadline = associate_deadline(cesa.date, prior_contract_days(steps, cesa.date))
    return JourneySummary(
        status=status,
        entry_date=entry.date if entry else None,
        exit_date=exit_step.date if exit_step else None,
        cesa_date=cesa.date if cesa else None,
        associate_date=associate.date if associate else None,
        cape_end_date=periods[-1].planned_end if periods else None,
        trial_end_date=cesa.trial_end if cesa else None,
        associate_deadline=deadline,
    )
