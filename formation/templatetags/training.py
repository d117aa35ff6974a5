"""Template filters of the training pages and documents."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def hours(value) -> str:
    """Hours the way the activity report writes them: 12, 17,5, 2,25 (no trailing zeros)."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    places = 0 if value == value.to_integral() else 1 if value * 10 == (value * 10).to_integral() else 2
    return number_format(value, decimal_pos=places, force_grouping=True)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def one_line(text) -> str:
    """A multi-line address on one line: "Place de la Mairie, 05230 Chorges"."""
    return ", ".join(line.strip() for line in str(text or "").splitlines() if line.strip())
