"""The official French mileage scale for cars (barème kilométrique « automobiles »).

The scale gives the allowance for the *whole distance a person drove in a year* with one car, by fiscal
power (CV) and distance bracket. It is the scale published for 2024 income (BOFiP BOI-BAREME-000001),
kept unchanged since:

============  ===============  =========================  ===============
power         d ≤ 5 000 km     5 001 – 20 000 km           d > 20 000 km
============  ===============  =========================  ===============
3 CV or less  d × 0,529        d × 0,316 + 1 065           d × 0,370
4 CV          d × 0,606        d × 0,340 + 1 330           d × 0,407
5 CV          d × 0,636        d × 0,357 + 1 395           d × 0,427
6 CV          d × 0,665        d × 0,374 + 1 457           d × 0,447
7 CV or more  d × 0,697        d × 0,394 + 1 515           d × 0,470
============  ===============  =========================  ===============

One trip's allowance is therefore the growth of the yearly amount it causes:

    allowance = scale(km of the year including this trip) − scale(km of the year before it)

each ``scale(…)`` rounded half-up to the cent before the difference, so that the allowances of a year add
up exactly to the scale applied to the year's total distance. The year is the calendar year of the trip;
the distance is counted per person and per fiscal power (``comptabilite.services.expenses`` decides which
trips count, see docs/expenses.md). A mileage allowance carries no VAT.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from coodyssee.money import ZERO, round_cents

MIN_POWER = 3
MAX_POWER = 7
FIRST_BRACKET_KM = Decimal(5000)
SECOND_BRACKET_KM = Decimal(20000)

# power → ((rate up to 5 000 km), (rate, fixed part) from 5 001 to 20 000 km, (rate) beyond 20 000 km)
SCALE: dict[int, tuple[Decimal, tuple[Decimal, Decimal], Decimal]] = {
    3: (Decimal("0.529"), (Decimal("0.316"), Decimal(1065)), Decimal("0.370")),
    4: (Decimal("0.606"), (Decimal("0.340"), Decimal(1330)), Decimal("0.407")),
    5: (Decimal("0.636"), (Decimal("0.357"), Decimal(1395)), Decimal("0.427")),
    6: (Decimal("0.665"), (Decimal("0.374"), Decimal(1457)), Decimal("0.447")),
    7: (Decimal("0.697"), (Decimal("0.394"), Decimal(1515)), Decimal("0.470")),
}

POWER_CHOICES = [
    (3, _("3 CV et moins")),
    (4, _("4 CV")),
    (5, _("5 CV")),
    (6, _("6 CV")),
    (7, _("7 CV et plus")),
]


def scale_row(fiscal_power: int) -> tuple[Decimal, tuple[Decimal, Decimal], Decimal]:
    """The row of the scale for a car of ``fiscal_power`` CV (below 3 CV: the 3 CV row; above 7: the 7)."""
    if fiscal_power is None or int(fiscal_power) < 1:
        raise ValueError(f"invalid fiscal power: {fiscal_power!r}")
    return SCALE[min(max(int(fiscal_power), MIN_POWER), MAX_POWER)]


def yearly_amount(distance_km: Decimal, fiscal_power: int) -> Decimal:
    """The scale's amount for ``distance_km`` driven in a year, rounded half-up to the cent."""
    distance = Decimal(distance_km)
    if distance < 0:
        raise ValueError(f"negative distance: {distance_km!r}")
    first, (rate, fixed), beyond = scale_row(fiscal_power)
    if distance <= FIRST_BRACKET_KM:
        amount = distance * first
    elif distance <= SECOND_BRACKET_KM:
        amount = distance * rate + fixed
    else:
        amount = distance * beyond
    return round_cents(amount)


def trip_allowance(distance_km: Decimal, fiscal_power: int, *, before_km: Decimal = ZERO) -> Decimal:
    """The allowance of one trip of ``distance_km`` when ``before_km`` were already counted that year."""
    distance, before = Decimal(distance_km), Decimal(before_km)
    if distance <= 0:
        raise ValueError(f"a trip has a positive distance, not {distance_km!r}")
    return yearly_amount(before + distance, fiscal_power) - yearly_amount(before, fiscal_power)
