"""Amounts and rates the French way, with non-breaking spaces."""

from __future__ import annotations

from decimal import Decimal

import pytest

from comptabilite.templatetags.invoicing import quantity
from coodyssee.templatetags.money import euros, rate

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234.56"), f"1{NBSP}234,56{NBSP}€"),
        (Decimal("1234567.5"), f"1{NBSP}234{NBSP}567,50{NBSP}€"),
        (Decimal("0.005"), f"0,01{NBSP}€"),
        (Decimal("-120"), f"-120,00{NBSP}€"),
        (Decimal("999"), f"999,00{NBSP}€"),
        ("12.3", f"12,30{NBSP}€"),
        (None, "—"),
        ("pas un nombre", "—"),
    ],
)
def test_euros(value, expected):
    assert euros(value) == expected


def test_rates_and_quantities_drop_trailing_zeros():
    assert rate(Decimal("5.50")) == f"5,5{NBSP}%"
    assert rate(Decimal("20.00")) == f"20{NBSP}%"
    assert quantity(Decimal("246.000")) == "246"
    assert quantity(Decimal("100.000")) == "100"
    assert quantity(Decimal("1.500")) == "1,5"
