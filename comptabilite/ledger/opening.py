"""Opening entries (à-nouveaux): carry the balance-sheet balances of a closed year into the next.

``open_year(Y)`` posts one entry in journal AN dated 1 January Y: for every section, balance-sheet account
(classes 1–5) and auxiliary account, the balance at 31 December Y−1; each section's result of the year
(classes 6–7) goes to 120 (profit) or 129 (loss), and earlier results carried as 120/129 go to 110 (report
à nouveau) until the general meeting allocates them. The contribution each section paid or received is
carried on the liaison account 181, so that each section's part of the entry is balanced and its treasury
(which deducts the contribution) carries over unchanged. Posted once per year (``Entry.key``).

Balances are read from the latest opening before Y (its à-nouveaux plus what follows), or from the whole
ledger when there is none: the à-nouveaux summarise everything before them. The summaries file opening
lines under month 0 of their year for the same reason.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from comptabilite.ledger import chart
from comptabilite.ledger.posting import OPENING_JOURNAL, EntrySpec, Line, closed_until, post_entry
from comptabilite.models import Entry, EntryLine
from coodyssee.errors import DomainError
from coodyssee.money import ZERO

PROFIT, LOSS, CARRIED = "120", "129", "110"


def latest_opening_year(before: int) -> int | None:
    """The latest year before ``before`` (inclusive) that has opening entries."""
    return Entry.objects.filter(journal_id=OPENING_JOURNAL, year__lte=before).aggregate(top=Max("year"))[
        "top"
    ]


def opening_spec(year: int) -> EntrySpec:
    start = datetime.date(year, 1, 1)
    lines = EntryLine.objects.filter(date__lt=start)
    since = latest_opening_year(year - 1)
    if since is not None:
        lines = lines.filter(date__gte=datetime.date(since, 1, 1))
    balances: dict = defaultdict(lambda: ZERO)
    labels: dict = {}
    results: dict = defaultdict(lambda: ZERO)
    rows = (
        lines.order_by()
        .values_list("section_id", "account_id", "aux_code")
        .annotate(debit=Sum("debit"), credit=Sum("credit"), label=Max("aux_label"))
    )
    for section, account, aux, debit, credit, label in rows:
        amount = (debit or ZERO) - (credit or ZERO)
        if account[0] in "67":
            results[section] += amount
            if account in (chart.CONTRIBUTION_CHARGE, chart.CONTRIBUTION_INCOME):
                # The contribution moved value between sections: it stays owed (activity) and received
                # (structure) on the liaison account, so that each section's treasury carries over.
                balances[(section, chart.LIAISON, "")] -= amount
            continue
        if account in (PROFIT, LOSS):
            account, aux = CARRIED, ""
        balances[(section, account, aux)] += amount
        labels[(section, account, aux)] = label or ""
    for section, amount in results.items():
        # amount = charges − income: negative is a profit (credit 120), positive a loss (debit 129).
        balances[(section, PROFIT if amount < 0 else LOSS, "")] += amount
    spec_lines = [
        Line(
            account,
            section,
            debit=amount if amount > 0 else ZERO,
            credit=-amount if amount < 0 else ZERO,
            aux_code=aux,
            aux_label=labels.get((section, account, aux), ""),
            label=_("À-nouveau"),
        )
        for (section, account, aux), amount in sorted(balances.items())
        if amount
    ]
    return EntrySpec(
        journal=OPENING_JOURNAL,
        date=start,
        label=_("À-nouveaux %(year)s") % {"year": year},
        lines=spec_lines,
        piece_ref=f"AN{year}",
        piece_date=start,
        source="opening",
        key=f"opening:{year}",
    )


def openable_year() -> int | None:
    """The year whose opening entries can be posted now: the one after the last year closed to its 31st
    December (its 1st January still open), when it has entries before it and no opening yet."""
    closed = closed_until()
    if closed is None:
        return None
    year = closed.year + 1 if (closed.month, closed.day) == (12, 31) else closed.year
    if year <= closed.year or Entry.objects.filter(key=f"opening:{year}").exists():
        return None
    if not Entry.objects.filter(date__lt=datetime.date(year, 1, 1)).exists():
        return None
    return year


def open_year(year: int, *, by=None) -> Entry:
    """Post the opening entry of ``year`` (once), the previous year being closed: the balances of a year
    still open could change after they were carried forward."""
    if Entry.objects.filter(key=f"opening:{year}").exists():
        raise DomainError(_("Les à-nouveaux de %(year)s sont déjà passés.") % {"year": year})
    closed = closed_until()
    if closed is None or closed < datetime.date(year - 1, 12, 31):
        raise DomainError(
            _(
                "Clôturez d'abord l'exercice %(previous)s (jusqu'au 31/12/%(previous)s) : tant qu'il est "
                "ouvert, ses soldes peuvent encore changer."
            )
            % {"previous": year - 1}
        )
    chart.ensure_chart()
    spec = opening_spec(year)
    if len(spec.lines) < 2:
        raise DomainError(_("Aucun solde à reporter sur %(year)s.") % {"year": year})
    with transaction.atomic():
        return post_entry(spec, by=by)
