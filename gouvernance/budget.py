"""The structure's operating budget, real against forecast: the "BUDGET de fonctionnement structure" table
of the annual activity report, read from the ledger.

The actual of a line is the sum, over the year's ledger lines of the structure's analytic sections (those
with no activity), of the accounts its prefixes name: debit − credit for a charge, credit − debit for a
product. Each account goes to the one line whose prefix is the longest match (``6586`` before ``658``),
so no amount counts twice; what no line claims in classes 6 and 7 is listed as unassigned, so the table
always reconciles with the structure's profit and loss.

Shares: each section's share of its side, rounded half-up to the percent; the largest section takes what
makes the column add up to 100 % (as the 2017 report prints them: 4 + 11 + 16 + 69, 58 + 19 + 23).

Three queries whatever the number of lines and entries: the budget lines, the per-account sums, and the
labels of the unassigned accounts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from comptabilite.models import Account, EntryLine
from coodyssee.money import ZERO, round_cents
from gouvernance.models import BudgetLine, BudgetSide

EURO = Decimal("1")


def round_euros(value: Decimal | None) -> int | None:
    """Half-up to the euro, as the report prints its figures (−1 839,50 → −1 840)."""
    if value is None:
        return None
    return int(Decimal(value).quantize(EURO, rounding=ROUND_HALF_UP))


@dataclass
class Row:
    label: str
    real: Decimal = ZERO
    forecast: Decimal | None = None
    accounts: str = ""
    line_id: int | None = None

    @property
    def gap(self) -> Decimal | None:
        return None if self.forecast is None else self.real - self.forecast


@dataclass
class Section:
    label: str
    rows: list[Row] = field(default_factory=list)
    share: int | None = None

    @property
    def real(self) -> Decimal:
        return sum((row.real for row in self.rows), ZERO)

    @property
    def forecast(self) -> Decimal:
        return sum((row.forecast for row in self.rows if row.forecast is not None), ZERO)


@dataclass
class Side:
    side: str
    sections: list[Section] = field(default_factory=list)

    @property
    def real(self) -> Decimal:
        return sum((section.real for section in self.sections), ZERO)

    @property
    def forecast(self) -> Decimal:
        return sum((section.forecast for section in self.sections), ZERO)


@dataclass
class Unassigned:
    account: str
    label: str
    side: str
    amount: Decimal


@dataclass
class BudgetTable:
    year: int
    charges: Side
    products: Side
    non_eligible_charges: list[Row]
    non_eligible_products: list[Row]
    unassigned: list[Unassigned]

    @property
    def is_empty(self) -> bool:
        return not (
            self.charges.sections
            or self.products.sections
            or self.non_eligible_charges
            or self.non_eligible_products
        )

    @property
    def intermediate_result(self) -> Decimal:
        return self.products.real - self.charges.real

    @property
    def intermediate_result_forecast(self) -> Decimal:
        return self.products.forecast - self.charges.forecast

    @property
    def non_eligible_charges_total(self) -> Decimal:
        return sum((row.real for row in self.non_eligible_charges), ZERO)

    @property
    def non_eligible_products_total(self) -> Decimal:
        return sum((row.real for row in self.non_eligible_products), ZERO)

    @property
    def result(self) -> Decimal:
        return self.intermediate_result + self.non_eligible_products_total - self.non_eligible_charges_total

    @property
    def grand_total_charges(self) -> Decimal:
        """All charges, plus the result when it is a profit (both columns then add up to the same)."""
        return self.charges.real + self.non_eligible_charges_total + max(self.result, ZERO)

    @property
    def grand_total_products(self) -> Decimal:
        return self.products.real + self.non_eligible_products_total + max(-self.result, ZERO)


def structure_account_sums(year: int) -> dict[str, tuple[Decimal, Decimal]]:
    """``{account: (debit, credit)}`` of the year's lines on the structure's sections (one query)."""
    rows = (
        EntryLine.objects.filter(
            section__activity__isnull=True,
            date__gte=datetime.date(year, 1, 1),
            date__lte=datetime.date(year, 12, 31),
        )
        .order_by()
        .values_list("account_id")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
    )
    # Sums come back exact from PostgreSQL; SQLite adds floats, rounded back to the cent here.
    return {
        account: (round_cents(debit or ZERO), round_cents(credit or ZERO)) for account, debit, credit in rows
    }


def assign_accounts(codes, lines: list[BudgetLine]) -> dict[str, BudgetLine]:
    """Each account code → the line whose prefix is the longest match (the first line wins a tie)."""
    by_prefix: dict[str, BudgetLine] = {}
    for line in lines:
        for prefix in line.prefixes:
            by_prefix.setdefault(prefix, line)
    assigned = {}
    for code in codes:
        for length in range(len(code), 0, -1):
            line = by_prefix.get(code[:length])
            if line is not None:
                assigned[code] = line
                break
    return assigned


def _signed(side: str, debit: Decimal, credit: Decimal) -> Decimal:
    return debit - credit if side == BudgetSide.CHARGE else credit - debit


def _shares(sections: list[Section]) -> None:
    total = sum((section.real for section in sections), ZERO)
    if not sections or total == 0:
        return
    largest = max(range(len(sections)), key=lambda index: abs(sections[index].real))
    for index, section in enumerate(sections):
        if index != largest:
            section.share = round_euros(section.real * 100 / total)
    sections[largest].share = 100 - sum(s.share for i, s in enumerate(sections) if i != largest)


def budget_table(year: int) -> BudgetTable:
    lines = list(BudgetLine.objects.filter(year=year).order_by("side", "-eligible", "position", "pk"))
    sums = structure_account_sums(year)
    assigned = assign_accounts(sums, lines)
    real: dict[int, Decimal] = {}
    for code, line in assigned.items():
        debit, credit = sums[code]
        real[line.pk] = real.get(line.pk, ZERO) + _signed(line.side, debit, credit)

    sides = {BudgetSide.CHARGE: Side(BudgetSide.CHARGE), BudgetSide.PRODUCT: Side(BudgetSide.PRODUCT)}
    non_eligible: dict[str, list[Row]] = {BudgetSide.CHARGE: [], BudgetSide.PRODUCT: []}
    for line in lines:
        row = Row(line.label, real.get(line.pk, ZERO), line.forecast, line.accounts, line.pk)
        if not line.eligible:
            non_eligible[line.side].append(row)
            continue
        sections = sides[line.side].sections
        section = next((s for s in sections if s.label == line.section), None)
        if section is None:
            section = Section(line.section)
            sections.append(section)
        section.rows.append(row)
    for side in sides.values():
        _shares(side.sections)

    unassigned_codes = sorted(
        code for code in sums if code not in assigned and code[:1] in "67" and _net(sums[code]) != 0
    )
    labels = dict(Account.objects.filter(code__in=unassigned_codes).values_list("code", "label"))
    unassigned = []
    for code in unassigned_codes:
        side = BudgetSide.CHARGE if code.startswith("6") else BudgetSide.PRODUCT
        unassigned.append(Unassigned(code, labels.get(code, ""), side, _signed(side, *sums[code])))

    return BudgetTable(
        year=year,
        charges=sides[BudgetSide.CHARGE],
        products=sides[BudgetSide.PRODUCT],
        non_eligible_charges=non_eligible[BudgetSide.CHARGE],
        non_eligible_products=non_eligible[BudgetSide.PRODUCT],
        unassigned=unassigned,
    )


def _net(pair: tuple[Decimal, Decimal]) -> Decimal:
    return pair[0] - pair[1]


def budget_years() -> list[int]:
    """Years that have budget lines, most recent first."""
    return list(BudgetLine.objects.order_by("-year").values_list("year", flat=True).distinct())
