"""Writes the issued invoices and credit notes as invoices.csv (docs/import-format.md §1), for round trips.

Issued documents cannot be deleted: a round-trip test loads the demo inside a savepoint, exports, rolls the
savepoint back (``transaction.set_rollback(True)``), then imports into the emptied tables.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

from comptabilite.models import Invoice, InvoiceStatus


def export_invoices(directory, *, years: Iterable[int] | None = None) -> int:
    """Write ``directory/invoices.csv``, one row per issued document; return how many were written."""
    documents = Invoice.objects.filter(status=InvoiceStatus.ISSUED)
    if years is not None:
        documents = documents.filter(date__year__in=list(years))
    documents = (
        documents.select_related("entrepreneur").prefetch_related("lines", "payments").order_by("date", "pk")
    )
    with open(directory / "invoices.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(
            ["entrepreneur_ref", "number", "date", "customer", "amount_ht", "vat_rate", "kind", "paid_on"]
        )
        for invoice in documents:
            (rate,) = {line.vat_rate for line in invoice.lines.all()}
            payments = list(invoice.payments.all())
            paid_on = payments[-1].date.isoformat() if invoice.amount_due <= 0 and payments else ""
            writer.writerow(
                [
                    invoice.entrepreneur.ref,
                    invoice.number,
                    invoice.date.isoformat(),
                    invoice.buyer_name,
                    f"{invoice.total_ht:.2f}".replace(".", ","),
                    f"{rate:.2f}",
                    invoice.kind,
                    paid_on,
                ]
            )
    return len(documents)
