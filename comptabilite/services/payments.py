"""Payments received on issued invoices (credit notes reduce what is due; they take no payment)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptabilite.ledger import automatic as ledger
from comptabilite.models import EventKind, Invoice, Payment, PaymentMethod
from comptabilite.services._common import record_event
from coodyssee.errors import DomainError
from coodyssee.money import to_decimal
from coodyssee.permissions import check_perm


def payment_record(
    *,
    by,
    invoice: Invoice,
    date: datetime.date,
    amount: Decimal,
    method: str,
    reference: str = "",
) -> Payment:
    """Record money received on an issued invoice, in full or in part; more than what is due is refused."""
    check_perm(by, "payments.record")
    try:
        amount = to_decimal(amount)
    except (TypeError, ValueError):
        raise DomainError(_("Montant invalide."), field="amount") from None
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise DomainError(_("Le montant doit être positif, au centime près."), field="amount")
    if method not in PaymentMethod.values:
        raise DomainError(_("Moyen de paiement inconnu."), field="method")
    if date > timezone.localdate():
        raise DomainError(_("La date de paiement ne peut pas être dans le futur."), field="date")
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if not invoice.is_issued or invoice.is_credit_note:
            raise DomainError(_("Un paiement s'enregistre sur une facture émise."))
        if amount > invoice.amount_due:
            raise DomainError(
                _("Le paiement dépasse le reste dû (%(due)s €).")
                % {"due": f"{max(invoice.amount_due, 0):.2f}"},
                field="amount",
            )
        payment = Payment.objects.create(
            invoice=invoice,
            date=date,
            amount=amount,
            method=method,
            reference=reference.strip()[:100],
            recorded_by=by,
        )
        ledger.post_payment(payment, invoice, already_paid=invoice.amount_paid, by=by)
        invoice.amount_paid += amount
        invoice.save(update_fields=["amount_paid", "updated_at"])
        record_event(
            kind=EventKind.PAYMENT,
            by=by,
            invoice=invoice,
            data={
                "amount": f"{amount:.2f}",
                "date": date.isoformat(),
                "method": method,
                "paid": invoice.amount_due <= 0,
            },
        )
    return payment


def payment_cancel(*, by, payment: Payment, reason: str) -> Payment:
    """Cancel a wrongly recorded payment: it stays in the history, the invoice is due again."""
    check_perm(by, "payments.record")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Indiquez le motif de l'annulation."), field="reason")
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.cancelled_at is not None:
            raise DomainError(_("Ce paiement est déjà annulé."))
        payment.cancelled_at = timezone.now()
        payment.cancelled_by = by
        payment.cancel_reason = reason[:200]
        payment.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
        ledger.post_payment_cancel(payment, by=by)
        invoice.amount_paid -= payment.amount
        invoice.save(update_fields=["amount_paid", "updated_at"])
        record_event(
            kind=EventKind.PAYMENT_CANCELLED,
            by=by,
            invoice=invoice,
            comment=reason,
            data={"amount": f"{payment.amount:.2f}", "date": payment.date.isoformat()},
        )
    return payment
