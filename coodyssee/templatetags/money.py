"""Amounts and rates the French way: ``1 234,56 €``, ``5,5 %`` (non-breaking spaces, so they never wrap)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from coodyssee.money import round_cents, to_decimal

register = template.Library()

NBSP = "\u00a0"


def format_euros(value, *, symbol: bool = True) -> str:
    """``Decimal("1234.5")`` → ``"1 234,50 €"``; ``None`` or text that is not a number → ``"—"``."""
    if value is None or value == "":
        return "—"
    try:
        amount = round_cents(value if isinstance(value, Decimal) else to_decimal(str(value)))
    except (TypeError, ValueError, InvalidOperation):
        return "—"
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while len(units) > 3:
        groups.insert(0, units[-3:])
        units = units[:-3]
    groups.insert(0, units)
    text = f"{sign}{NBSP.join(groups)},{cents}"
    return f"{text}{NBSP}€" if symbol else text


@register.filter
def euros(value) -> str:
    return format_euros(value)


@register.filter
def rate(value) -> str:
    """A VAT or penalty rate: ``Decimal("5.50")`` → ``"5,5 %"``, ``Decimal("20.00")`` → ``"20 %"``."""
    if value is None or value == "":
        return "—"
    try:
        number = value if isinstance(value, Decimal) else to_decimal(str(value))
    except (TypeError, ValueError):
        return "—"
    text = f"{number.normalize():f}".replace(".", ",")
    return f"{text}{NBSP}%"
