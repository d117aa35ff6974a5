"""How the 2017 invoices of the demo are drawn so that the report's figures come out of the documents.

Pure functions, no database. The 2017 activity report states: 2,386 invoices, 979,000 € of turnover
excl. VAT, 103,333 € of contribution from 103 contributors, 13 of whom contributed 2,000–4,000 € and 26
less than 300 €. The draw gives each person present in 2017 a contribution target in one of four bands
(small, middle, 2,000–4,000, large — large activities pay a lower, degressive rate), scales the middle and
large bands so that turnover and contribution sum to the report's totals, splits each turnover into
invoices, then moves a few euros between two invoices of different rates until the contribution, rounded
document by document as the contract defines it, is exact to the cent.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from coodyssee.money import apply_rate

INVOICES_2017 = 2386
TURNOVER_2017 = 97_900_000  # cents
CONTRIBUTION_2017 = 10_333_300  # cents
BAND_2000_4000 = 13
UNDER_300 = 26
LARGE = 5
LARGE_RATE = Decimal("8.00")  # degressive rate of the largest activities
MIN_INVOICE = 3_000  # cents

# Contribution targets in euros per band: (low, high) before scaling; checked bounds after.
SMALL_RANGE = (40, 270)
BAND_RANGE = (2_200, 3_800)
MIDDLE_RANGE = (330, 1_150)
LARGE_RANGE = (4_800, 7_500)


@dataclass
class Person:
    key: int
    start: datetime.date  # first day present in 2017
    end: datetime.date  # last day present in 2017
    rate: Decimal  # effective contribution rate, percent
    band: str = ""
    turnover: int = 0  # cents
    invoices: list[int] = field(default_factory=list)  # cents

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contribution(self) -> int:
        return sum(_contribution(amount, self.rate) for amount in self.invoices)


def _contribution(cents: int, rate: Decimal) -> int:
    return int(apply_rate(Decimal(cents) / 100, rate) * 100)


def _draw(rng: random.Random, low: float, high: float, skew: float = 1.0) -> float:
    """A value in [low, high], log-uniform bent toward ``low`` when ``skew`` > 1 (a long tail)."""
    return math.exp(math.log(low) + (math.log(high) - math.log(low)) * rng.random() ** skew)


def _assign_bands(people: list[Person], rng: random.Random) -> None:
    by_length = sorted(people, key=lambda p: (p.days, p.key))
    small = by_length[: UNDER_300 - 6] + rng.sample(by_length[UNDER_300 - 6 :], 6)
    for person in small:
        person.band = "small"
    rest = [p for p in people if not p.band]
    whole_year = [p for p in rest if p.days >= 300]
    for person in rng.sample(whole_year, LARGE):
        person.band = "large"
        person.rate = LARGE_RATE
    long_enough = [p for p in rest if not p.band and p.days >= 150]
    for person in rng.sample(long_enough, BAND_2000_4000):
        person.band = "band"
    for person in people:
        person.band = person.band or "middle"


def _targets(people: list[Person], rng: random.Random) -> None:
    """Turnover per person (cents) from contribution targets, scaled to the report's two totals."""
    ranges = {"small": SMALL_RANGE, "band": BAND_RANGE, "middle": MIDDLE_RANGE, "large": LARGE_RANGE}
    skews = {"small": 1.0, "band": 1.0, "middle": 1.6, "large": 1.3}
    contribution = {p.key: _draw(rng, *ranges[p.band], skews[p.band]) for p in people}
    turnover = {p.key: contribution[p.key] * 100 / float(p.rate) for p in people}

    def total(values, band=None):
        return sum(values[p.key] for p in people if band is None or p.band == band)

    fixed_t = total(turnover) - total(turnover, "middle") - total(turnover, "large")
    fixed_c = total(contribution) - total(contribution, "middle") - total(contribution, "large")
    tm, tl = total(turnover, "middle"), total(turnover, "large")
    cm, cl = total(contribution, "middle"), total(contribution, "large")
    goal_t, goal_c = TURNOVER_2017 / 100 - fixed_t, CONTRIBUTION_2017 / 100 - fixed_c
    det = tm * cl - tl * cm
    scale_m = (goal_t * cl - tl * goal_c) / det
    scale_l = (tm * goal_c - goal_t * cm) / det
    for person in people:
        scale = {"middle": scale_m, "large": scale_l}.get(person.band, 1.0)
        person.turnover = round(turnover[person.key] * scale * 100)
    largest = max((p for p in people if p.band == "large"), key=lambda p: p.turnover)
    largest.turnover += TURNOVER_2017 - sum(p.turnover for p in people)


def _invoice_counts(people: list[Person]) -> dict[int, int]:
    weights = {p.key: p.turnover**0.8 for p in people}
    scale = (INVOICES_2017 - len(people)) / sum(weights.values())
    raw = {key: weight * scale for key, weight in weights.items()}
    counts = {key: 1 + int(value) for key, value in raw.items()}
    order = sorted(raw, key=lambda key: (raw[key] - int(raw[key]), key), reverse=True)
    for key in order[: INVOICES_2017 - sum(counts.values())]:
        counts[key] += 1
    return counts


def split_amount(total: int, count: int, rng: random.Random) -> list[int]:
    """``count`` amounts summing to ``total`` cents: whole euros, the last one takes the cents."""
    count = max(1, min(count, total // MIN_INVOICE))
    weights = [rng.lognormvariate(0, 0.7) for _ in range(count)]
    scale = (total - MIN_INVOICE * count) / sum(weights)
    amounts = [MIN_INVOICE + int(w * scale) // 100 * 100 for w in weights[:-1]]
    amounts.append(total - sum(amounts))
    return amounts


def _fine_tune(people: list[Person]) -> None:
    """Move cents between two invoices of different rates until the contribution is exact."""
    missing = CONTRIBUTION_2017 - sum(p.contribution() for p in people)
    if missing == 0:
        return
    large = max((p for p in people if p.band == "large"), key=lambda p: p.turnover)
    other = max((p for p in people if p.band == "band" and p.rate > large.rate), key=lambda p: p.turnover)
    # Turnover moved from the lower-rate invoice to the higher-rate one raises the contribution.
    step = 1 if missing > 0 else -1
    i = max(range(len(large.invoices)), key=lambda n: large.invoices[n])
    j = max(range(len(other.invoices)), key=lambda n: other.invoices[n])
    a, b = large.invoices[i], other.invoices[j]
    base = _contribution(a, large.rate) + _contribution(b, other.rate)
    moved = 0
    while True:
        moved += step
        change = _contribution(a - moved, large.rate) + _contribution(b + moved, other.rate) - base
        if change == missing:
            break
        if abs(moved) > 10_000_000:
            raise RuntimeError("demo 2017: contribution could not be tuned")
    large.invoices[i], other.invoices[j] = a - moved, b + moved
    large.turnover -= moved
    other.turnover += moved


def plan_2017(people: list[Person], rng: random.Random) -> list[Person]:
    """Fill each person's ``band``, ``rate`` (large ones), ``turnover`` and ``invoices`` (cents)."""
    _assign_bands(people, rng)
    _targets(people, rng)
    counts = _invoice_counts(people)
    for person in people:
        person.invoices = split_amount(person.turnover, counts[person.key], rng)
    short = INVOICES_2017 - sum(len(p.invoices) for p in people)
    # Counts capped by the minimum amount go to the largest activities.
    for person in sorted(people, key=lambda p: -p.turnover)[: max(short, 0)]:
        person.invoices = split_amount(person.turnover, len(person.invoices) + 1, rng)
    _fine_tune(people)
    return people
