"""How the demo journeys are drawn: dates only, no database (see ``entrepreneurs.demo``)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from entrepreneurs import rules
from entrepreneurs.demo.names import EXIT_NOTES
from entrepreneurs.models import ContractType, Entrepreneur, ExitReason, JourneyStep, StepKind
from entrepreneurs.rules import add_months

DAY = datetime.timedelta(days=1)
REPORT_YEAR_END = datetime.date(2017, 12, 31)
TERRITORIES = ("Gapençais", "Buëch", "Briançonnais", "Embrunais", "Champsaur-Valgaudemar", "Serre-Ponçon")
TERRITORY_WEIGHTS = (30, 20, 15, 13, 10, 12)
LUCIE_EMAIL = "entrepreneur@demo.coodyssee.fr"
JEAN_MARC_EMAIL = "entrepreneur-associe@demo.coodyssee.fr"

# People entering / leaving each year before the 2017 report (84 present at the end of 2016).
MOVEMENTS_BEFORE_2017 = {
    2009: (18, 0),
    2010: (17, 3),
    2011: (16, 4),
    2012: (18, 7),
    2013: (17, 9),
    2014: (18, 11),
    2015: (19, 12),
    2016: (21, 14),
}
# 2017 month by month, as told by the 2017 activity report: (entries, exits).
MOVEMENTS_2017 = (
    (3, 2),
    (1, 0),
    (1, 1),
    (3, 1),
    (2, 0),
    (1, 0),
    (1, 1),
    (4, 0),
    (1, 1),
    (2, 1),
    (0, 1),
    (0, 4),
)
UNDER_CAPE_END_2017 = 13  # the report's "convention d'accompagnement" people at year end
ASSOCIATES_END_2017 = 21  # entrepreneurs who were associates at the end of 2017
CONVERSION_MONTHS = (3, 4, 5, 6, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20, 26)
MONTH_WEIGHTS_ENTRY = (10, 9, 10, 10, 10, 9, 6, 5, 10, 10, 8, 5)
MONTH_WEIGHTS_EXIT = (6, 5, 6, 6, 6, 9, 6, 5, 7, 7, 7, 14)


@dataclass
class Plan:
    """One person's journey while it is being generated (dates only)."""

    entry: datetime.date
    direct_cesa: bool = False
    conversion: datetime.date | None = None  # CESA signature planned after the CAPE
    contract: str = ContractType.CAPE
    exit: datetime.date | None = None
    exit_reason: str = ""
    associate: datetime.date | None = None
    territory: str = TERRITORIES[0]
    protected: bool = False  # placed on purpose: never drawn for a random exit
    existing: Entrepreneur | None = None
    steps: list[JourneyStep] = field(default_factory=list)

    @property
    def cesa(self) -> datetime.date | None:
        return self.entry if self.direct_cesa else self.conversion

    def present_at(self, day: datetime.date) -> bool:
        return self.entry <= day and (self.exit is None or self.exit > day)


def cape_periods(entry: datetime.date, until: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """Contiguous CAPE periods (6 or 12 months, at most three) from ``entry`` up to ``until``."""
    periods, start = [], entry
    while True:
        months = 6 if add_months(start, 6) >= until else 12
        end = add_months(start, months) - DAY
        periods.append((start, end))
        if end + DAY >= until or len(periods) == 3:
            return periods
        start = end + DAY


def random_day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, month, 1)
    return start, add_months(start, 1) - DAY


def _new_plan(rng: random.Random, entry: datetime.date) -> Plan:
    plan = Plan(entry=entry, territory=rng.choices(TERRITORIES, TERRITORY_WEIGHTS)[0])
    plan.direct_cesa = rng.random() < 0.2
    if not plan.direct_cesa:
        plan.contract = ContractType.CONVENTION if rng.random() < 0.3 else ContractType.CAPE
        plan.conversion = add_months(entry, rng.choice(CONVERSION_MONTHS)) + datetime.timedelta(
            days=rng.randint(0, 27)
        )
    return plan


def _trial_end(plan: Plan) -> datetime.date | None:
    cesa = plan.cesa
    prior = 0 if plan.direct_cesa else (cesa - plan.entry).days
    last_day = rules.trial_max_end(cesa, prior)
    return min(add_months(cesa, 6) - DAY, last_day) if last_day else None


def _exit(rng: random.Random, plan: Plan, day: datetime.date) -> None:
    plan.exit = day
    if plan.cesa is None or plan.cesa >= day:
        plan.conversion, plan.direct_cesa = None, False
        plan.exit_reason = rng.choice([ExitReason.CAPE_END, ExitReason.CAPE_END, ExitReason.SALARIED_JOB])
        return
    trial_end = _trial_end(plan)
    if trial_end and day <= trial_end:
        plan.exit_reason = ExitReason.TRIAL_PERIOD
    else:
        plan.exit_reason = rng.choice(
            [
                ExitReason.RESIGNATION,
                ExitReason.RESIGNATION,
                ExitReason.COMPANY_CREATION,
                ExitReason.MUTUAL_TERMINATION,
                ExitReason.SALARIED_JOB,
                ExitReason.RETIREMENT,
            ]
        )


def _move(
    rng: random.Random,
    plans: list[Plan],
    year: int,
    month: int,
    entries: int,
    exits: int,
    last: datetime.date,
):
    start, end = _month_bounds(year, month)
    end = min(end, last)
    candidates = [p for p in plans if p.exit is None and p.entry < start and not p.protected]
    for plan in rng.sample(candidates, exits):
        _exit(rng, plan, random_day(rng, start, end))
    for _ in range(entries):
        plans.append(_new_plan(rng, random_day(rng, start, end)))


def _spread(rng: random.Random, count: int, weights: tuple[int, ...]) -> list[int]:
    months = [0] * len(weights)
    for month in rng.choices(range(len(weights)), weights, k=count):
        months[month] += 1
    return months


def _settle_end_of_2017(rng: random.Random, plans: list[Plan]) -> None:
    """Who is still under CAPE, and who is an associate, at the end of the report year."""
    day = REPORT_YEAR_END
    present = [p for p in plans if p.present_at(day)]
    under_cape = sorted((p for p in present if p.cesa is None or p.cesa > day), key=lambda p: p.entry)
    for plan in under_cape[: max(len(under_cape) - UNDER_CAPE_END_2017, 0)]:
        plan.conversion = max(plan.entry + DAY, day - datetime.timedelta(days=rng.randint(0, 45)))
    if len(under_cape) < UNDER_CAPE_END_2017:
        converted = sorted(
            (p for p in present if not p.direct_cesa and p.cesa and p.cesa <= day and p.entry.year >= 2016),
            key=lambda p: p.cesa,
            reverse=True,
        )
        for plan in converted[: UNDER_CAPE_END_2017 - len(under_cape)]:
            plan.conversion = day + datetime.timedelta(days=rng.randint(15, 75))
    seniors = [p for p in present if p.cesa and add_months(p.cesa, 12) <= day]
    for plan in rng.sample(seniors, ASSOCIATES_END_2017):
        plan.associate = random_day(rng, add_months(plan.cesa, 12), day)


def _settle_associates(rng: random.Random, plans: list[Plan], today: datetime.date) -> None:
    """People still here past their associate deadline became associates (the dashboard shows the rest)."""
    after_report = REPORT_YEAR_END + DAY
    for plan in plans:
        if (
            plan.protected
            or plan.associate
            or not plan.present_at(today)
            or not plan.cesa
            or plan.cesa > today
        ):
            continue
        prior = 0 if plan.direct_cesa else (plan.cesa - plan.entry).days
        deadline = rules.associate_deadline(plan.cesa, prior)
        if deadline > today:
            continue
        low = max(add_months(plan.cesa, 12), after_report)
        high = min(max(deadline - DAY, low + datetime.timedelta(days=365)), today - DAY)
        plan.associate = random_day(rng, low, max(low, high))


def generate_plans(today: datetime.date, rng: random.Random) -> list[Plan]:
    """Every random journey from 2009 to ``today`` (placed journeys are added by ``_placed_plans``)."""
    plans: list[Plan] = []
    for year, (entries, exits) in MOVEMENTS_BEFORE_2017.items():
        for month, (month_in, month_out) in enumerate(
            zip(
                _spread(rng, entries, MONTH_WEIGHTS_ENTRY),
                _spread(rng, exits, MONTH_WEIGHTS_EXIT),
                strict=True,
            ),
            1,
        ):
            _move(rng, plans, year, month, month_in, month_out, REPORT_YEAR_END)
    for month, (month_in, month_out) in enumerate(MOVEMENTS_2017, 1):
        _move(rng, plans, 2017, month, month_in, month_out, REPORT_YEAR_END)
    _settle_end_of_2017(rng, plans)
    for year in range(2018, today.year + 1):
        entries = rng.randint(17, 23)
        exits = max(entries - rng.randint(-1, 3), 0)
        months = zip(
            _spread(rng, entries, MONTH_WEIGHTS_ENTRY), _spread(rng, exits, MONTH_WEIGHTS_EXIT), strict=True
        )
        for month, (month_in, month_out) in enumerate(months, 1):
            if datetime.date(year, month, 1) <= today:
                _move(rng, plans, year, month, month_in, month_out, today)
    _settle_associates(rng, plans, today)
    return plans


def placed_plans(today: datetime.date, people: dict[str, Entrepreneur]) -> list[Plan]:
    """Journeys placed relative to today so that every list of the staff dashboard has an entry."""

    def cesa_with_deadline(days_left: int, cape_months: int, territory: str) -> Plan:
        target = today + datetime.timedelta(days=days_left)
        cesa = add_months(add_months(target, -36), cape_months)
        entry = add_months(cesa, -cape_months)
        return Plan(
            entry=entry, conversion=cesa, direct_cesa=not cape_months, territory=territory, protected=True
        )

    def cape_ending(days_left: int, months: int, territory: str) -> Plan:
        end = today + datetime.timedelta(days=days_left)
        return Plan(
            entry=add_months(end + DAY, -months), conversion=end + DAY, territory=territory, protected=True
        )

    trial = add_months(today + datetime.timedelta(days=13), -6)
    plans = [
        cape_ending(20, 12, "Gapençais"),
        cape_ending(45, 18, "Buëch"),
        Plan(entry=trial, direct_cesa=True, territory="Briançonnais", protected=True),
        cesa_with_deadline(25, 5, "Embrunais"),
        cesa_with_deadline(150, 0, "Champsaur-Valgaudemar"),
        cesa_with_deadline(-12, 7, "Serre-Ponçon"),
    ]
    if LUCIE_EMAIL in people:  # in CESA since 2024, her associate deadline in about two and a half months
        lucie = cesa_with_deadline(75, 4, "Gapençais")
        lucie.existing = people[LUCIE_EMAIL]
        plans.append(lucie)
    if JEAN_MARC_EMAIL in people:  # associate since the 2021 general assembly
        plans.append(
            Plan(
                entry=datetime.date(2019, 3, 4),
                conversion=datetime.date(2019, 11, 4),
                contract=ContractType.CONVENTION,
                associate=datetime.date(2021, 6, 19),
                territory="Embrunais",
                protected=True,
                existing=people[JEAN_MARC_EMAIL],
            )
        )
    return plans


def journey_steps(plan: Plan, today: datetime.date) -> list[JourneyStep]:
    """The plan's steps up to today, in order (not saved)."""
    steps = []
    if not plan.direct_cesa:
        until = plan.conversion or plan.exit or today
        for start, end in cape_periods(plan.entry, until):
            if start <= today and (plan.exit is None or start < plan.exit):
                steps.append(
                    JourneyStep(kind=StepKind.CAPE, date=start, planned_end=end, contract=plan.contract)
                )
    if plan.cesa and plan.cesa <= today:
        steps.append(JourneyStep(kind=StepKind.CESA, date=plan.cesa, trial_end=_trial_end(plan)))
    if plan.associate and plan.associate <= today:
        steps.append(JourneyStep(kind=StepKind.ASSOCIATE, date=plan.associate))
    if plan.exit:
        steps.append(
            JourneyStep(
                kind=StepKind.EXIT,
                date=plan.exit,
                exit_reason=plan.exit_reason,
                note=EXIT_NOTES.get(plan.exit_reason, ""),
            )
        )
    return steps
