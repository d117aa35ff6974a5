"""The entrepreneur's own pages in the portal. No id in any URL: the record is the signed-in person's."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coodyssee.permissions import permission
from entrepreneurs import rules, selectors
from entrepreneurs.models import Appointment, ContractType, Entrepreneur, JourneyStatus, JourneyStep, StepKind

UPCOMING_APPOINTMENTS = 5
PAST_APPOINTMENTS = 5


@dataclass(frozen=True)
class Deadline:
    """A date that matters to the entrepreneur, with how far away it is and what it means."""

    key: str
    label: str
    date: datetime.date
    days_left: int
    alert_days: int
    explanation: str
    # For the associate deadline, the template spells out the computation from these two.
    cesa_date: datetime.date | None = None
    prior_days: int = 0

    @property
    def days_passed(self) -> int:
        return -self.days_left

    @property
    def level(self) -> str:
        if self.days_left < 0:
            return "passed"
        return "soon" if self.days_left <= self.alert_days else "later"


def _cape_deadline(entrepreneur: Entrepreneur, steps: list[JourneyStep], today: datetime.date) -> Deadline:
    periods = [step for step in steps if step.kind == StepKind.CAPE]
    renewals_left = max(rules.CAPE_MAX_RENEWALS - (len(periods) - 1), 0)
    convention = bool(periods) and periods[-1].contract == ContractType.CONVENTION
    if renewals_left:
        explanation = ngettext(
            "Il peut encore être renouvelé une fois, pour 12 mois au plus. "
            "Parlez-en avec votre référent·e avant cette date : renouvellement ou signature du CESA.",
            "Il peut encore être renouvelé %(count)s fois, pour 12 mois au plus à chaque fois. "
            "Parlez-en avec votre référent·e avant cette date : renouvellement ou signature du CESA.",
            renewals_left,
        ) % {"count": renewals_left}
    else:
        explanation = _(
            "Il a déjà été renouvelé deux fois, le maximum prévu par la loi. "
            "La suite, c'est la signature d'un CESA : parlez-en avec votre référent·e."
        )
    return Deadline(
        key="cape_end",
        label=_("Fin de votre convention d'accompagnement") if convention else _("Fin de votre CAPE"),
        date=entrepreneur.cape_end_date,
        days_left=(entrepreneur.cape_end_date - today).days,
        alert_days=selectors.CAPE_ENDING_DAYS,
        explanation=explanation,
    )


def _trial_deadline(entrepreneur: Entrepreneur, today: datetime.date) -> Deadline:
    return Deadline(
        key="trial_end",
        label=_("Fin de votre période d'essai"),
        date=entrepreneur.trial_end_date,
        days_left=(entrepreneur.trial_end_date - today).days,
        alert_days=selectors.TRIAL_ENDING_DAYS,
        explanation=_(
            "Jusqu'à cette date, le CESA peut être rompu plus simplement, par vous comme par la "
            "coopérative. La période d'essai dure au plus 8 mois, moins le temps déjà passé en CAPE "
            "ou en convention."
        ),
    )


def _associate_deadline(
    entrepreneur: Entrepreneur, steps: list[JourneyStep], today: datetime.date
) -> Deadline:
    deadline = entrepreneur.associate_deadline
    return Deadline(
        key="associate",
        label=_("Date limite pour devenir associé·e"),
        date=deadline,
        days_left=(deadline - today).days,
        alert_days=selectors.ASSOCIATE_ALERT_DAYS[0],
        explanation=_(
            "La loi vous demande de devenir associé·e dans les 3 ans qui suivent la signature de votre "
            "CESA, moins la durée de votre CAPE. Devenir associé·e, c'est acheter au moins une part "
            "sociale et prendre part aux décisions de la coopérative ; passé ce délai, le CESA prend fin. "
            "Parlez-en avec votre référent·e bien avant cette date."
        ),
        cesa_date=entrepreneur.cesa_date,
        prior_days=rules.prior_contract_days(steps, entrepreneur.cesa_date),
    )


def _deadlines(entrepreneur: Entrepreneur, steps: list[JourneyStep], today: datetime.date) -> list[Deadline]:
    """The dates still ahead of this person (or passed without the step that should have followed)."""
    deadlines = []
    if entrepreneur.status == JourneyStatus.CAPE and entrepreneur.cape_end_date:
        deadlines.append(_cape_deadline(entrepreneur, steps, today))
    if (
        entrepreneur.status in (JourneyStatus.CESA, JourneyStatus.ASSOCIATE)
        and entrepreneur.trial_end_date
        and entrepreneur.trial_end_date >= today
    ):
        deadlines.append(_trial_deadline(entrepreneur, today))
    if entrepreneur.status == JourneyStatus.CESA and entrepreneur.associate_deadline:
        deadlines.append(_associate_deadline(entrepreneur, steps, today))
    return sorted(deadlines, key=lambda deadline: deadline.date)


@permission("portal.journey")
def portal_journey(request):
    entrepreneur = getattr(request.user, "entrepreneur", None)
    if entrepreneur is None:
        return render(request, "entrepreneurs/portal_journey.html", {"entrepreneur": None})
    today = timezone.localdate()
    steps = selectors.journey_steps_for(entrepreneur)
    appointments = selectors.appointments_for(entrepreneur)
    # The appointment reports (``notes``) are the support team's working notes: not shown here.
    upcoming = appointments.filter(status=Appointment.Status.PLANNED, date__gte=today).order_by(
        "date", "time", "id"
    )
    held = appointments.filter(status=Appointment.Status.DONE, date__lte=today)
    return render(
        request,
        "entrepreneurs/portal_journey.html",
        {
            "entrepreneur": entrepreneur,
            "steps": steps,
            "deadlines": _deadlines(entrepreneur, steps, today),
            "upcoming_appointments": list(upcoming[:UPCOMING_APPOINTMENTS]),
            "past_appointments": list(held[:PAST_APPOINTMENTS]),
            "referent": entrepreneur.referent,
            "today": today,
        },
    )
