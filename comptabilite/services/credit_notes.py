"""Credit notes (avoirs): the only way to correct an issued invoice, in whole or in part.

A credit note refers to the invoice it corrects; its amounts are stored positive (as in invoices.csv and
EN 16931). Rate by rate, all the credit notes of an invoice cannot take back more than it charged:
checked when a credit note is created or edited (counting the other pending ones) and again, with the
invoice row locked, when it is issued (counting the issued ones).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from comptabilite.models import DocumentKind, EventKind, Invoice, InvoiceLine, InvoiceStatus
from comptabilite.services._common import record_event, replace_lines
from comptabilite.totals import LineInput
from comptabilite.validation import check_vat_exemption, clean_lines
from coodyssee.errors import DomainError
from coodyssee.money import ZERO
from coodyssee.permissions import check_perm


@dataclass(frozen=True)
class CreditLineInput(LineInput):
    """A credit-note line, optionally pointing at the invoice line it corrects."""

    credited_line_id: int | None = None


def credit_lines(credit_note: Invoice) -> list[LineInput]:
    return [
        LineInput(
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
        )
        for line in credit_note.lines.all()
    ]


def check_credit_within_invoice(
    invoice: Invoice, lines: Sequence[LineInput], *, exclude: Invoice | None, issued_only: bool
) -> None:
    """Per VAT rate, what the credit notes take back stays within what the invoice charged."""
    charged: dict[Decimal, Decimal] = {}
    for line in invoice.lines.all():
        charged[line.vat_rate] = charged.get(line.vat_rate, ZERO) + line.total_ht
    credited: dict[Decimal, Decimal] = {}
    others = InvoiceLine.objects.filter(
        invoice__credited_invoice=invoice, invoice__kind=DocumentKind.CREDIT_NOTE
    )
    if issued_only:
        others = others.filter(invoice__status=InvoiceStatus.ISSUED)
    if exclude is not None and exclude.pk:
        others = others.exclude(invoice=exclude)
    for rate, total in others.values_list("vat_rate", "total_ht"):
        credited[rate] = credited.get(rate, ZERO) + total
    asked: dict[Decimal, Decimal] = {}
    for line in lines:
        asked[line.vat_rate] = asked.get(line.vat_rate, ZERO) + line.total_ht
    for rate, amount in asked.items():
        remaining = charged.get(rate, ZERO) - credited.get(rate, ZERO)
        if amount > remaining:
            raise DomainError(
                _("L'avoir dépasse ce qui reste à créditer au taux de %(rate)s %% : %(remaining)s € HT.")
                % {
                    "rate": f"{rate.normalize():f}".replace(".", ","),
                    "remaining": f"{max(remaining, ZERO):.2f}",
                },
                field="lines",
            )


def credit_note_create(
    *,
    by,
    invoice: Invoice,
    lines: Sequence[LineInput | Mapping[str, Any]] | None = None,
    subject: str = "",
    notes: str = "",
) -> Invoice:
    """A draft credit note correcting an issued invoice: all its lines (``lines=None``) or the given ones.

    Amounts are positive, like the invoice's; a line mapping may carry ``credited_line_id``. The credit
    cannot exceed, rate by rate, what the invoice charged minus its other credit notes.
    """
    check_perm(by, "invoicing.control")
    if invoice.is_credit_note or not invoice.is_issued:
        raise DomainError(_("Un avoir corrige une facture émise."))
    if lines is None:
        cleaned: list[LineInput] = [
            CreditLineInput(
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
                unit=line.unit,
                credited_line_id=line.pk,
            )
            for line in invoice.lines.order_by("position", "pk")
        ]
    else:
        valid_ids = set(invoice.lines.values_list("pk", flat=True))
        checked = clean_lines(lines)
        cleaned = []
        for given, line in zip(lines, checked, strict=True):
            credited_id = (
                given.get("credited_line_id")
                if isinstance(given, Mapping)
                else getattr(given, "credited_line_id", None)
            )
            if credited_id is not None and credited_id not in valid_ids:
                raise DomainError(_("Cette ligne n'appartient pas à la facture corrigée."), field="lines")
            cleaned.append(CreditLineInput(**line.__dict__, credited_line_id=credited_id))
    with transaction.atomic():
        locked = Invoice.objects.select_for_update(of=("self",)).select_related("customer").get(pk=invoice.pk)
        check_credit_within_invoice(locked, cleaned, exclude=None, issued_only=False)
        credit_note = Invoice(
            kind=DocumentKind.CREDIT_NOTE,
            activity=locked.activity,
            entrepreneur=locked.entrepreneur,
            customer=locked.customer,
            credited_invoice=locked,
            created_by=by,
            subject=subject.strip() or _("Avoir sur la facture %(number)s") % {"number": locked.number},
            notes=notes.strip(),
            operation_category=locked.operation_category,
            service_date=locked.service_date,
            purchase_order_ref=locked.purchase_order_ref,
            payment_terms_days=locked.payment_terms_days,
            payment_terms_end_of_month=locked.payment_terms_end_of_month,
            late_penalty_rate=locked.late_penalty_rate,
            vat_on_debits=locked.vat_on_debits,
            recovery_indemnity=ZERO,
        )
        credit_note.vat_exemption = check_vat_exemption(
            (line.vat_rate for line in cleaned), locked.vat_exemption
        )
        credit_note.save()
        replace_lines(credit_note, cleaned)
        credit_note.save(update_fields=["total_ht", "total_vat", "total_ttc", "vat_breakdown", "updated_at"])
        record_event(kind=EventKind.CREATED, by=by, invoice=credit_note, data={"credits": locked.number})
    return credit_note
