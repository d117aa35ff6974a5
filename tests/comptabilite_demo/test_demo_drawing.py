"""The pure parts of the demo ledger: the VAT tuning and the salary rule (no database)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from types import SimpleNamespace

from comptabilite.demo.expenses import draw_year, tune_vat
from comptabilite.demo.payroll import Employee, Salary, decide, pay_days, salary_specs, set_charges
from coodyssee.money import ZERO, apply_rate
from entrepreneurs.models import Activity, Entrepreneur

D = datetime.date


def _expenses(seed: int, turnover: str = "40000"):
    person = Entrepreneur(pk=7, first_name="Léa", last_name="Martin")
    activity = Activity(pk=3, code="ACT00003", name="Menuiserie et agencement")
    return draw_year(
        random.Random(seed),
        person=person,
        activity=activity,
        first=D(2017, 1, 1),
        last=D(2017, 12, 31),
        turnover=Decimal(turnover),
        sales=[D(2017, 3, 10), D(2017, 9, 20)],
        most=14,
        today=D(2026, 11, 28),
        accountant_id=None,
    )


def test_tuned_purchases_carry_exactly_the_vat_asked_and_keep_their_rates():
    for seed in range(20):
        drawn = _expenses(seed)
        target = (sum((d.expense.vat for d in drawn), ZERO) * Decimal("1.13")).quantize(Decimal("0.01"))
        tune_vat(drawn, year=2017, target=target)
        assert sum((d.expense.vat for d in drawn), ZERO) == target
        for item in drawn:
            expense = item.expense
            assert expense.amount_ttc == expense.amount_ht + expense.vat
            assert expense.vat == apply_rate(expense.amount_ht, item.rate)
            assert expense.amount_ht > 0


def test_drawn_expenses_stay_in_their_window_and_are_paid_after_their_date():
    for seed in range(20):
        for item in _expenses(seed):
            expense = item.expense
            assert D(2017, 1, 1) <= expense.date <= D(2017, 12, 31)
            assert expense.paid_on is not None and expense.paid_on >= expense.date
            assert expense.status == "paid"


def test_pay_days_are_monthly_in_detailed_years_and_yearly_otherwise():
    days = pay_days(D(2016, 10, 5), D(2017, 3, 15), {2017}, left=True)
    assert days == [D(2016, 12, 31), D(2017, 1, 31), D(2017, 2, 28), D(2017, 3, 15)]


def _employee(stance: str) -> Employee:
    return Employee(SimpleNamespace(pk=1), 9, D(2017, 1, 1), D(2017, 1, 1), D(2017, 12, 31), Decimal(stance))


def test_salaries_follow_the_income_and_never_spend_what_is_not_there():
    income = {D(2017, month, 10): Decimal(2000) for month in range(1, 13)}
    days = pay_days(D(2017, 1, 1), D(2017, 12, 31), {2017}, left=False)
    salaries = decide(_employee("2"), income, days)
    treasury = ZERO
    for day in days:
        treasury += sum((v for d, v in income.items() if d.month == day.month), ZERO)
        treasury -= sum((s.cost for s in salaries if s.day == day), ZERO)
        assert treasury >= 0
    assert len(salaries) >= 10  # the first month builds the reserve
    assert Decimal(16000) < sum((s.cost for s in salaries), ZERO) < Decimal(24000)


def test_an_activity_in_deficit_goes_below_zero_but_not_past_its_reserve():
    income = {D(2017, month, 10): Decimal(1000) for month in range(1, 13)}
    days = pay_days(D(2017, 1, 1), D(2017, 12, 31), {2017}, left=False)
    spent = sum((s.cost for s in decide(_employee("-1.5"), income, days)), ZERO)
    assert Decimal(12000) < spent <= Decimal(12000) + Decimal(1500)


def test_the_year_s_contributions_sum_to_the_total_and_entries_balance():
    employee = _employee("2")
    salaries = [Salary(employee, D(2017, month, 28), Decimal(1000 + 37 * month)) for month in range(1, 13)]
    salaries.append(Salary(employee, D(2018, 1, 31), Decimal(1500)))
    set_charges(salaries, year=2017, total=Decimal("5432.10"))
    assert sum((s.charges for s in salaries if s.day.year == 2017), ZERO) == Decimal("5432.10")
    for salary in salaries:
        for spec in salary_specs(salary, today=D(2026, 11, 28)):
            assert sum((line.debit for line in spec.lines), ZERO) == sum(
                (line.credit for line in spec.lines), ZERO
            )
            assert all((line.debit > 0) != (line.credit > 0) for line in spec.lines)
