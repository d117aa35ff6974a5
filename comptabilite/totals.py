"""Pure arithmetic of a document: line totals, VAT per rate, totals, due date, late penalties.

Rounding happens once per line (quantity × unit price) and once per VAT rate (Σ line HT of the rate ×
rate); totals are sums of those rounded values (pretix ``InvoiceLine``). No database access here.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from coodyssee.money import ZERO, apply_rate, round_cents


@dataclass(frozen=True)
class LineInput:
    """A line as typed by a person (quote, invoice, credit note)."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    unit: str = ""

    @property
    def total_ht(self) -> Decimal:
        return line_total(self.quantity, self.unit_price)


@dataclass(frozen=True)
class VatLine:
    rate: Decimal
    base: Decimal
    vat: Decimal

    def as_json(self) -> dict[str, str]:
        return {"rate": f"{self.rate:.2f}", "base": f"{self.base:.2f}", "vat": f"{self.vat:.2f}"}


@dataclass(frozen=True)
class Totals:
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal
    vat_lines: tuple[VatLine, ...]

    def breakdown_json(self) -> list[dict[str, str]]:
        return [line.as_json() for line in self.vat_lines]


def line_total(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return round_cents(quantity * unit_price)


def document_totals(lines: Iterable[tuple[Decimal, Decimal]]) -> Totals:
    """Totals of ``(vat_rate, line total HT)`` pairs, the line totals being already rounded."""
    bases: dict[Decimal, Decimal] = {}
    for rate, total_ht in lines:
        key = Decimal(rate).quantize(Decimal("0.01"))
        bases[key] = bases.get(key, ZERO) + total_ht
    vat_lines = tuple(
        VatLine(rate=rate, base=base, vat=apply_rate(base, rate))
        for rate, base in sorted(bases.items(), reverse=True)
    )
    total_ht = sum((line.base for line in vat_lines), ZERO)
    total_vat = sum((line.vat for line in vat_lines), ZERO)
    return Totals(total_ht=total_ht, total_vat=total_vat, total_ttc=total_ht + total_vat, vat_lines=vat_lines)


def due_date_for(issue_date: datetime.date, *, days: int, end_of_month: bool = False) -> datetime.date:
    """Due date: ``days`` after the invoice date, then to the end of that month when ``end_of_month``
    ("45 jours fin de mois" read as date + 45 days, then the last day of that month)."""
    due = issue_date + datetime.timedelta(days=days)
    if end_of_month:
        due = due.replace(day=calendar.monthrange(due.year, due.month)[1])
    return due


def late_penalties(amount_due: Decimal, *, annual_rate: Decimal, days_late: int) -> Decimal:
    """Simple interest on the amount due from the day after the due date (Code de commerce L441-10)."""
    if amount_due <= 0 or days_late <= 0:
        return ZERO
    return round_cents(amount_due * annual_rate / 100 * days_late / 365)
