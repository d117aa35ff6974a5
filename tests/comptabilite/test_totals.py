"""Money arithmetic: half-up rounding once per line and once per VAT rate; totals sum stored values."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from comptabilite.totals import document_totals, due_date_for, late_penalties, line_total
from coodyssee.money import apply_rate, round_cents, to_decimal
from tests.comptabilite.conftest import draft, line

D = Decimal


def test_round_cents_is_half_up_away_from_zero():
    assert round_cents(D("0.005")) == D("0.01")
    assert round_cents(D("0.025")) == D("0.03")  # banker's rounding (half-even) would give 0.02
    assert round_cents(D("-0.005")) == D("-0.01")
    assert round_cents(D("1.004999")) == D("1.00")


def test_to_decimal_accepts_text_with_comma_and_refuses_floats():
    assert to_decimal("1 234,50") == D("1234.50")
    assert to_decimal(3) == D(3)
    with pytest.raises(TypeError):
        to_decimal(0.1)
    with pytest.raises(TypeError):
        to_decimal(True)
    with pytest.raises(ValueError):
        to_decimal("douze")


def test_line_total_is_rounded_once():
    assert line_total(D("0.5"), D("1.01")) == D("0.51")  # 0.505
    assert line_total(D("3"), D("33.33")) == D("99.99")
    assert apply_rate(D("0.51"), D("20")) == D("0.10")  # 0.102


def test_vat_per_rate_is_computed_on_the_sum_of_rounded_lines():
    # Three lines of 0.5 × 1.01 = 0.505 each: rounded per line 0.51 → 1.53 HT,
    # whereas rounding the exact sum (1.515) would give 1.52.
    totals = document_totals([(D("20"), line_total(D("0.5"), D("1.01")))] * 3)
    assert totals.total_ht == D("1.53")
    assert round_cents(3 * D("0.5") * D("1.01")) == D("1.52")
    assert totals.total_vat == D("0.31")  # 1.53 × 20 % = 0.306
    assert totals.total_ttc == D("1.84")


def test_vat_is_rounded_per_rate_not_per_line():
    # Per line, 0.05 × 10 % = 0.005 → 0.01 each, 0.03 in all; per rate, 0.15 × 10 % = 0.015 → 0.02.
    totals = document_totals([(D("10"), D("0.05"))] * 3)
    assert totals.total_vat == D("0.02")


def test_several_rates_give_a_breakdown_highest_rate_first():
    totals = document_totals(
        [(D("5.5"), D("10.00")), (D("20"), D("100.00")), (D("20"), D("0.99")), (D("0"), D("7"))]
    )
    assert [(v.rate, v.base, v.vat) for v in totals.vat_lines] == [
        (D("20.00"), D("100.99"), D("20.20")),
        (D("5.50"), D("10.00"), D("0.55")),
        (D("0.00"), D("7"), D("0.00")),
    ]
    assert totals.total_ttc == totals.total_ht + totals.total_vat == D("138.74")


def test_the_invoice_stores_rounded_lines_and_totals(coop, entrepreneur, activity, customer):
    invoice = draft(
        entrepreneur,
        activity,
        customer,
        [line(quantity="0.5", unit_price="1.01")] * 3
        + [line(quantity="1", unit_price="10.00", vat_rate="5.50")],
    )
    invoice.refresh_from_db()
    assert [ln.total_ht for ln in invoice.lines.all()] == [D("0.51")] * 3 + [D("10.00")]
    assert (invoice.total_ht, invoice.total_vat, invoice.total_ttc) == (D("11.53"), D("0.86"), D("12.39"))
    assert invoice.vat_breakdown == [
        {"rate": "20.00", "base": "1.53", "vat": "0.31"},
        {"rate": "5.50", "base": "10.00", "vat": "0.55"},
    ]


def test_due_dates_and_late_penalties():
    assert due_date_for(datetime.date(2026, 1, 15), days=30) == datetime.date(2026, 2, 14)
    assert due_date_for(datetime.date(2026, 1, 10), days=45, end_of_month=True) == datetime.date(2026, 2, 28)
    assert due_date_for(datetime.date(2026, 1, 15), days=45, end_of_month=True) == datetime.date(2026, 3, 31)
    assert late_penalties(D("1000.00"), annual_rate=D("12.15"), days_late=30) == D("9.99")  # 9.986…
    assert late_penalties(D("1000.00"), annual_rate=D("12.15"), days_late=0) == D("0.00")
