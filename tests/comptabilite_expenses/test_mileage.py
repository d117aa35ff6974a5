"""The official mileage scale: each bracket and power, its edges, rounding, and the cumulative rule that
makes a year's allowances add up to the scale applied to the year's distance."""

from __future__ import annotations

from decimal import Decimal

import pytest

from comptabilite.mileage import trip_allowance, yearly_amount

D = Decimal


@pytest.mark.parametrize(
    ("km", "power", "expected"),
    [
        # up to 5 000 km: d × rate
        ("1000", 3, "529.00"),
        ("5000", 4, "3030.00"),
        ("2000", 5, "1272.00"),
        ("3000", 6, "1995.00"),
        ("4000", 7, "2788.00"),
        # 5 001 to 20 000 km: d × rate + fixed part
        ("10000", 3, "4225.00"),
        ("10000", 4, "4730.00"),
        ("10000", 5, "4965.00"),
        ("20000", 6, "8937.00"),
        ("12000", 7, "6243.00"),
        # beyond 20 000 km: d × rate
        ("25000", 3, "9250.00"),
        ("25000", 4, "10175.00"),
        ("25000", 5, "10675.00"),
        ("25000", 6, "11175.00"),
        ("25000", 7, "11750.00"),
    ],
)
def test_yearly_amount_follows_the_official_scale(km, power, expected):
    assert yearly_amount(D(km), power) == D(expected)


def test_bracket_edges_belong_to_the_lower_bracket():
    assert yearly_amount(D("5000"), 3) == D("2645.00")  # 5 000 × 0,529
    assert yearly_amount(D("5000.1"), 3) == D("2645.03")  # 5 000,1 × 0,316 + 1 065
    assert yearly_amount(D("20000"), 3) == D("7385.00")  # 20 000 × 0,316 + 1 065
    assert yearly_amount(D("20000.1"), 3) == D("7400.04")  # 20 000,1 × 0,370


def test_powers_below_3_and_above_7_use_the_first_and_last_rows():
    assert yearly_amount(D("100"), 2) == yearly_amount(D("100"), 3) == D("52.90")
    assert yearly_amount(D("100"), 11) == yearly_amount(D("100"), 7) == D("69.70")


def test_amounts_are_rounded_half_up_to_the_cent():
    assert yearly_amount(D("12.3"), 3) == D("6.51")  # 6,5067
    assert yearly_amount(D("0.5"), 4) == D("0.30")  # 0,303
    assert yearly_amount(D("2.5"), 3) == D("1.32")  # 1,3225


def test_a_trip_gets_what_it_adds_to_the_year():
    # 4 500 km already driven with a 3 CV car; 1 000 more cross into the second bracket.
    assert trip_allowance(D("1000"), 3, before_km=D("4500")) == D("2803.00") - D("2380.50")
    # The first trip of the year is the first bracket's rate.
    assert trip_allowance(D("120"), 5) == D("76.32")


def test_a_years_allowances_add_up_to_the_scale_of_its_total_distance():
    trips = [D("12.3"), D("4321.7"), D("800"), D("9999.9"), D("6000"), D("0.4"), D("1234.5")]
    for power in range(3, 8):
        before, total = D(0), D(0)
        for km in trips:
            total += trip_allowance(km, power, before_km=before)
            before += km
        assert total == yearly_amount(before, power)


@pytest.mark.parametrize("km", ["0", "-10"])
def test_a_trip_has_a_positive_distance(km):
    with pytest.raises(ValueError):
        trip_allowance(D(km), 5)


def test_an_unknown_power_is_refused():
    with pytest.raises(ValueError):
        yearly_amount(D("10"), 0)
