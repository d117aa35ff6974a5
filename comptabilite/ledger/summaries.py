"""Rebuild the per-section monthly and yearly summaries from the ledger lines, and say what differed.

The summaries are kept in the posting transaction; this is the check (and the repair) for anything that
wrote lines another way. ``manage.py rebuild_ledger_summaries`` runs it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from comptabilite.ledger.families import FAMILIES, family
from comptabilite.ledger.posting import OPENING_JOURNAL
from comptabilite.models import EntryLine, SectionMonth, SectionYear
from coodyssee.money import ZERO

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Difference:
    section_id: int
    year: int
    month: int | None  # None: the yearly summary
    column: str
    stored: Decimal | int
    expected: Decimal | int


def expected_summaries() -> dict[tuple[int, int, int], dict]:
    """``{(section, year, month): {family: amount, "lines": n}}`` computed from every ledger line."""
    expected: dict = defaultdict(lambda: defaultdict(lambda: ZERO))
    rows = (
        EntryLine.objects.order_by()
        .annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
        .values_list("section_id", "account_id", "journal_id", "y", "m")
        .annotate(debit=Sum("debit"), credit=Sum("credit"), n=Count("id"))
    )
    for section, account, journal, year, month, debit, credit, count in rows.iterator(chunk_size=20000):
        name, sign = family(account)
        if journal == OPENING_JOURNAL:
            month = 0
        bucket = expected[(section, year, month)]
        bucket[name] += ((debit or ZERO) - (credit or ZERO)) * sign
        bucket["lines"] += count
    return expected


def expected_years(months: dict) -> dict[tuple[int, int, None], dict]:
    """``{(section, year, None): totals}``: the yearly summaries of ``expected_summaries``."""
    years: dict = defaultdict(lambda: defaultdict(lambda: ZERO))
    for (section, year, _month), values in months.items():
        bucket = years[(section, year, None)]
        for name, amount in values.items():
            bucket[name] += amount
    return years


def stored_summaries() -> dict[tuple[int, int, int | None], dict]:
    stored = {}
    for row in SectionMonth.objects.values("section_id", "year", "month", *FAMILIES, "lines"):
        key = (row.pop("section_id"), row.pop("year"), row.pop("month"))
        stored[key] = row
    for row in SectionYear.objects.values("section_id", "year", *FAMILIES, "lines"):
        key = (row.pop("section_id"), row.pop("year"), None)
        stored[key] = row
    return stored


def differences(stored: dict, expected: dict) -> list[Difference]:
    found = []
    for key in sorted(
        set(stored) | set(expected), key=lambda key: (key[0], key[1], key[2] is None, key[2] or 0)
    ):
        have, want = stored.get(key, {}), expected.get(key, {})
        for column in (*FAMILIES, "lines"):
            zero = 0 if column == "lines" else ZERO
            a, b = have.get(column, zero), want.get(column, zero)
            if column != "lines":
                a, b = Decimal(a).quantize(CENT), Decimal(b).quantize(CENT)
            if a != b:
                found.append(Difference(*key, column, a, b))
    return found


def rebuild(*, apply: bool = True) -> list[Difference]:
    """Compare the summaries with the ledger; with ``apply``, replace them by the recomputed ones."""
    with transaction.atomic():
        months = expected_summaries()
        years = expected_years(months)
        found = differences(stored_summaries(), {**months, **years})
        if apply and found:
            SectionMonth.objects.all().delete()
            SectionYear.objects.all().delete()
            SectionMonth.objects.bulk_create(
                [
                    SectionMonth(section_id=section, year=year, month=month, **_columns(values))
                    for (section, year, month), values in months.items()
                ],
                batch_size=2000,
            )
            SectionYear.objects.bulk_create(
                [
                    SectionYear(section_id=section, year=year, **_columns(values))
                    for (section, year, _none), values in years.items()
                ],
                batch_size=2000,
            )
    return found


def _columns(values: dict) -> dict:
    return {"lines": int(values.get("lines", 0)), **{name: values.get(name, ZERO) for name in FAMILIES}}
