"""Amounts of the structure budget as the annual report prints them: whole euros (``103 333 €``)."""

from __future__ import annotations

from django import template

from coodyssee.templatetags.money import NBSP
from gouvernance.budget import round_euros

register = template.Library()


@register.filter
def whole_euros(value) -> str:
    """``Decimal("103332.60")`` → ``"103 333 €"``; ``None`` → ``"—"``."""
    if value is None or value == "":
        return "—"
    number = round_euros(value)
    sign = "-" if number < 0 else ""
    digits = f"{abs(number)}"
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return f"{sign}{NBSP.join(groups)}{NBSP}€"


@register.filter
def whole_euros_or_blank(value) -> str:
    """Like ``whole_euros``, with a blank for nothing booked (the report leaves such cells empty)."""
    if value is None or value == 0:
        return ""
    return whole_euros(value)
