"""The demo's payroll stand-in, until payroll runs exist: each salaried activity's salary decided from
its treasury, posted as the payroll entries a payroll run will write.

Salary (DOMAIN.md §2.2): each pay day pays, as employer cost, the activity's net income of the period and
part of what its treasury holds above a reserve; the reserve is a number of months of income (its
"stance"): most keep a few months ahead, a few pay more than they earn and sit near or under zero, which
the treasury alerts are for. Treasury is the dashboard's (cash − VAT owed + deductible VAT − payables −
contribution), followed entry by entry from the other demo entries.

Pay days: every month end in 2017 and the current year, the year end in the lighter history years (as
for their invoices), and the last day of a person who left. Entries per pay day: PA (D 6411 gross,
D 645 employer contributions / C 421 net, C 431 contributions) and, five days later unless that is in
the future, BQ (D 421, D 431 / C 512). Employee contributions are 22 % of gross; the contributions (431)
are ``CHARGES_RATE`` of the employer cost, except in the report year, where they are scaled to the
report's social contributions to the cent.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate

from django.utils.translation import gettext as _

from comptabilite.ledger import chart
from comptabilite.ledger.automatic import entrepreneur_aux
from comptabilite.ledger.families import family
from comptabilite.ledger.posting import EntrySpec, Line, journal_code
from coodyssee.money import ZERO, round_cents
from entrepreneurs.models import Entrepreneur

EMPLOYEE_RATE = Decimal("0.22")
CHARGES_RATE = Decimal("0.376")  # (25 % employer + 22 % employee) of gross, over employer cost (125 %)
MIN_COST, MAX_COST = Decimal(200), Decimal(6000)  # employer cost per month (a few hours to a full wage)
YEAR = datetime.timedelta(days=365)
CATCH_UP = 6  # months over which a treasury off its reserve is brought back to it
PAYMENT_DELAY = datetime.timedelta(days=5)
# Families of ``SectionMonth`` and their sign in the treasury available (see ``families``).
TREASURY = {"cash": 1, "vat_collected": -1, "vat_deductible": 1, "payables": -1, "contribution": -1}


@dataclass
class Employee:
    person: Entrepreneur
    section: int
    since: datetime.date  # entry in the cooperative (the activity's history starts there)
    start: datetime.date  # CESA signed: salaried from then on
    end: datetime.date  # last day present (or today)
    stance: Decimal  # reserve kept, in months of net income (negative: pays out more than it has)
    fixed: Decimal = ZERO  # a fixed monthly salary (employer cost) instead of the rule, on monthly pay days


@dataclass
class Salary:
    employee: Employee
    day: datetime.date
    cost: Decimal  # employer cost: gross + employer contributions
    charges: Decimal = ZERO  # employer + employee contributions (431)


def treasury_moves(specs: list[EntrySpec]) -> dict[int, dict[datetime.date, Decimal]]:
    """``{section: {date: change of the treasury available}}`` of ``specs``."""
    moves: dict = defaultdict(lambda: defaultdict(lambda: ZERO))
    weights = {}
    for spec in specs:
        for line in spec.lines:
            if line.account not in weights:
                name, sign = family(line.account)
                weights[line.account] = TREASURY.get(name, 0) * sign
            weight = weights[line.account]
            if weight:
                moves[line.section][spec.date] += (line.debit - line.credit) * weight
    return moves


def month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def pay_days(
    start: datetime.date, end: datetime.date, monthly_years: set[int], *, left: bool
) -> list[datetime.date]:
    """Pay days from ``start`` to ``end``: every month end in ``monthly_years``, the year end otherwise
    (the lighter history years, as for their invoices), and ``end`` itself for a person who ``left``."""
    days = []
    year, month = start.year, start.month
    while (day := month_end(year, month)) <= end:
        if year in monthly_years or month == 12:
            days.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if left and (not days or days[-1] < end):
        days.append(end)
    return days


def decide(
    employee: Employee, moves: dict[datetime.date, Decimal], days: list[datetime.date]
) -> list[Salary]:
    """The salaries of ``employee`` on ``days``.

    Each pay day covering ``n`` months pays ``n`` months of the activity's income (what its treasury
    gained per month over the last twelve, salaries aside) plus ``n / CATCH_UP`` (at most all) of the gap
    between the treasury left at the previous pay day and the reserve: a steady salary, and a treasury
    that comes back toward the reserve within months. Never more than the treasury holds above half the
    reserve (DOMAIN.md §2.2: the envelope is what is available), or, for an activity whose reserve is
    negative (in deficit, the cooperative lets its treasury go down to it), above that reserve. An
    employee with a ``fixed`` salary gets it on every monthly pay day instead."""
    dated = sorted(moves.items())
    dates = [day for day, _amount in dated]
    totals = list(accumulate((amount for _day, amount in dated), initial=ZERO))

    def gained(first: datetime.date, last: datetime.date) -> Decimal:
        """Σ of the moves dated after ``first`` up to ``last``."""
        return totals[bisect_right(dates, last)] - totals[bisect_right(dates, first)]

    paid, salaries = ZERO, []
    previous = employee.start
    left = gained(datetime.date.min, previous)
    for day in days:
        known = min(max(1, round((day - employee.since).days / Decimal("30.4"))), 12)
        income = max(gained(day - YEAR, day) / known, ZERO)
        reserve = employee.stance * income
        months = max(1, round((day - previous).days / Decimal("30.4")))
        wished = months * income + (left - reserve) * min(months, CATCH_UP) / CATCH_UP
        # What the treasury allows: down to half the reserve, or to the (negative) reserve of an activity
        # in deficit.
        available = gained(datetime.date.min, day) - paid - (reserve / 2 if reserve > 0 else reserve)
        cost = Decimal(int(min(wished, available, MAX_COST * months) // 10) * 10)
        if employee.fixed and months == 1:
            cost = employee.fixed
        if cost >= MIN_COST * min(months, 3):
            paid += cost
            salaries.append(Salary(employee, day, cost))
        previous, left = day, gained(datetime.date.min, day) - paid
    return salaries


def set_charges(salaries: list[Salary], *, year: int, total: Decimal) -> None:
    """Contributions of every salary at ``CHARGES_RATE``, those of ``year`` scaled to ``total``."""
    in_year = [s for s in salaries if s.day.year == year]
    costs = sum((s.cost for s in in_year), ZERO)
    ratio = total / costs if costs else CHARGES_RATE
    for salary in salaries:
        salary.charges = round_cents(salary.cost * (ratio if salary.day.year == year else CHARGES_RATE))
    if in_year:
        max(in_year, key=lambda s: s.cost).charges += total - sum((s.charges for s in in_year), ZERO)


def salary_specs(salary: Salary, *, today: datetime.date) -> list[EntrySpec]:
    employee, day = salary.employee, salary.day
    person, section = employee.person, employee.section
    gross = round_cents((salary.cost - salary.charges) / (1 - EMPLOYEE_RATE))
    employer, net = salary.cost - gross, salary.cost - salary.charges
    aux, name = entrepreneur_aux(person.pk), str(person)[:200]
    period = f"{day:%m/%Y}"
    common = {"piece_ref": f"PAIE-{day:%Y-%m}", "entrepreneur_id": person.pk}
    specs = [
        EntrySpec(
            journal=journal_code("payroll"),
            date=day,
            label=_("Salaire %(period)s %(name)s") % {"period": period, "name": name},
            lines=[
                Line(chart.SALARIES, section, debit=gross),
                Line(chart.SOCIAL_CHARGES, section, debit=employer),
                Line(chart.SALARIES_DUE, section, credit=net, aux_code=aux, aux_label=name),
                Line(chart.URSSAF, section, credit=salary.charges),
            ],
            piece_date=day,
            source="payroll",
            **common,
        )
    ]
    paid = day + PAYMENT_DELAY
    if paid <= today:
        specs.append(
            EntrySpec(
                journal=journal_code("bank"),
                date=paid,
                label=_("Virement du salaire et des cotisations %(period)s %(name)s")
                % {"period": period, "name": name},
                lines=[
                    Line(chart.SALARIES_DUE, section, debit=net, aux_code=aux, aux_label=name),
                    Line(chart.URSSAF, section, debit=salary.charges),
                    Line(chart.BANK, section, credit=salary.cost),
                ],
                piece_date=paid,
                source="payroll_payment",
                **common,
            )
        )
    return specs
