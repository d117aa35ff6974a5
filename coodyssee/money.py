"""Money helpers: ``Decimal`` only, rounded half-up to the cent in one place.

French invoices round each line and each VAT amount half-up to the cent (pretix ``InvoiceLine`` does the
same); totals are sums of those stored, rounded values. Nothing here accepts a ``float``: a float that
reached an amount is a bug (0.1 + 0.2 != 0.3), so it fails loudly instead of being converted.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_decimal(value: Decimal | int | str) -> Decimal:
    """``value`` as a ``Decimal``: a Decimal, an int, or text with ``.`` or ``,`` as decimal separator.

    Raises ``TypeError`` for a float and ``ValueError`` for text that is not a number.
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool | float):
        raise TypeError(f"to_decimal: {type(value).__name__} refused, amounts are never floats")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
        if not number.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return number
    raise TypeError(f"to_decimal: {type(value).__name__} refused")


def round_cents(value: Decimal) -> Decimal:
    """Round half-up to the cent: 0.005 → 0.01, -0.005 → -0.01 (away from zero, as accountants do)."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def apply_rate(amount: Decimal, rate_percent: Decimal) -> Decimal:
    """``amount × rate / 100`` rounded half-up to the cent (a VAT amount, a contribution)."""
    return round_cents(to_decimal(amount) * to_decimal(rate_percent) / 100)
