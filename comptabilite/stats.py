"""Turnover and contribution figures of a year, as defined in docs/import-format.md §2.

``activity``: Σ ``amount_ht`` of the invoices dated in the year − Σ of the credit notes dated in it, and
their counts — issued documents only (drafts are not turnover). ``mutualisation``: each document's
contribution is ``amount_ht × rate / 100`` rounded half-up to the cent (negative for a credit note), the
rate being the entrepreneur's ``contribution_rate`` or else the cooperative's default; figures are
taken over each entrepreneur's sum for the year. The sums are read from the ledger (account 6586, posted
with every issued document and with the fixed monthly contributions), so they are what was accounted.

Sums are made in Python ``Decimal`` over the year's rows (a few thousand): SQLite has no decimal type.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from decimal import Decimal

from comptabilite.models import DocumentKind, Invoice, InvoiceStatus
from coodyssee.money import ZERO, apply_rate

BAND_LOW, BAND_HIGH = Decimal(2000), Decimal(4000)
SMALL = Decimal(300)


def _issued_in(year: int):
    return Invoice.objects.filter(status=InvoiceStatus.ISSUED, date__year=year).order_by()


def activity(year: int) -> dict:
    """The ``activity`` section of the annual report for ``year``."""
    turnover, invoices, credit_notes = ZERO, 0, 0
    for kind, amount in _issued_in(year).values_list("kind", "total_ht"):
        if kind == DocumentKind.CREDIT_NOTE:
            turnover -= amount
            credit_notes += 1
        else:
            turnover += amount
            invoices += 1
    from comptabilite.vat import vat_net

    return {
        "turnover_ht": f"{turnover:.2f}",
        "invoices": invoices,
        "credit_notes": credit_notes,
        # From the ledger: VAT collected on the documents dated in the year − deductible VAT recorded in it.
        "vat_net": f"{vat_net(year):.2f}",
    }


def document_contribution(amount_ht: Decimal, rate: Decimal, kind: str = DocumentKind.INVOICE) -> Decimal:
    contribution = apply_rate(amount_ht, rate)
    return -contribution if kind == DocumentKind.CREDIT_NOTE else contribution


def contributions_by_entrepreneur(
    documents: Iterable[tuple[Hashable, str, Decimal, Decimal]],
) -> dict[Hashable, Decimal]:
    """Σ of the documents' contributions per entrepreneur, from ``(entrepreneur, kind, amount_ht, rate)``."""
    sums: dict[Hashable, Decimal] = defaultdict(lambda: ZERO)
    for entrepreneur, kind, amount_ht, rate in documents:
        sums[entrepreneur] += document_contribution(amount_ht, rate, kind)
    return dict(sums)


def mutualisation_figures(documents: Iterable[tuple[Hashable, str, Decimal, Decimal]]) -> dict:
    """The ``mutualisation`` figures of ``(entrepreneur, kind, amount_ht, rate)`` rows (pure function)."""
    return figures_of_sums(contributions_by_entrepreneur(documents))


def figures_of_sums(by_person: dict[Hashable, Decimal]) -> dict:
    """The ``mutualisation`` figures of each contributor's Σ for the year."""
    sums = list(by_person.values())
    total = sum(sums, ZERO)
    return {
        "total": f"{total:.2f}",
        "contributors": sum(1 for value in sums if value > 0),
        "contributors_2000_to_4000": sum(1 for value in sums if BAND_LOW <= value <= BAND_HIGH),
        "contributors_under_300": sum(1 for value in sums if 0 < value < SMALL),
    }


def contribution_sums(year: int) -> dict[Hashable, Decimal]:
    """Each entrepreneur's contribution for ``year``, read from the ledger: Σ of the contribution account
    (6586, debit − credit) over the lines dated in the year, by the entry's entrepreneur (an entry without
    one counts for its analytic section)."""
    from comptabilite.ledger.chart import CONTRIBUTION_CHARGE
    from comptabilite.models import EntryLine

    sums: dict[Hashable, Decimal] = defaultdict(lambda: ZERO)
    rows = (
        EntryLine.objects.filter(account_id=CONTRIBUTION_CHARGE, date__year=year)
        .order_by()
        .values_list("entry__entrepreneur_id", "section_id", "debit", "credit")
    )
    for person, section, debit, credit in rows.iterator(chunk_size=5000):
        sums[person if person is not None else ("section", section)] += debit - credit
    return dict(sums)


def mutualisation(year: int) -> dict:
    """The ``mutualisation`` section of the annual report for ``year``, from the ledger."""
    return figures_of_sums(contribution_sums(year))
