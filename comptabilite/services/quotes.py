"""Quotes: created (and numbered) as drafts, sent, accepted or refused, turned into an invoice draft."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptabilite import numbering
from comptabilite.models import Customer, EventKind, Invoice, OperationCategory, Quote, QuoteStatus
from comptabilite.services._common import (
    check_activity_action,
    cooperative,
    document_entrepreneur,
    lines_of,
    record_event,
    replace_lines,
)
from comptabilite.services.invoices import invoice_create
from comptabilite.totals import LineInput
from comptabilite.validation import check_vat_exemption, clean_lines
from coodyssee.errors import DomainError
from entrepreneurs.models import Activity, Entrepreneur

DEFAULT_VALIDITY_DAYS = 30
QUOTE_FIELDS = ("customer", "date", "valid_until", "subject", "notes", "operation_category", "vat_exemption")
# Which status a quote may move to by hand; "invoiced" is set by quote_to_invoice only.
TRANSITIONS = {
    QuoteStatus.DRAFT: {QuoteStatus.SENT},
    QuoteStatus.SENT: {QuoteStatus.ACCEPTED, QuoteStatus.REFUSED, QuoteStatus.DRAFT},
    QuoteStatus.ACCEPTED: {QuoteStatus.SENT},
    QuoteStatus.REFUSED: {QuoteStatus.SENT},
    QuoteStatus.INVOICED: set(),
}


def _check_fields(quote: Quote) -> None:
    if quote.customer.activity_id != quote.activity_id:
        raise DomainError(_("Ce client appartient à une autre activité."), field="customer")
    if quote.valid_until < quote.date:
        raise DomainError(_("La date de validité précède la date du devis."), field="valid_until")
    if quote.operation_category not in OperationCategory.values:
        raise DomainError(_("Catégorie d'opération inconnue."), field="operation_category")


def quote_create(
    *,
    by,
    activity: Activity,
    customer: Customer,
    lines: Sequence[LineInput | Mapping[str, Any]],
    entrepreneur: Entrepreneur | None = None,
    date: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    subject: str = "",
    notes: str = "",
    operation_category: str = OperationCategory.SERVICES,
    vat_exemption: str = "",
) -> Quote:
    """A draft quote, numbered at once in the quote series (``D2026-00012``)."""
    check_activity_action(by, activity, "invoicing.draft")
    cleaned = clean_lines(lines)
    date = date or timezone.localdate()
    quote = Quote(
        activity=activity,
        entrepreneur=document_entrepreneur(by, activity, entrepreneur),
        customer=customer,
        date=date,
        valid_until=valid_until or date + datetime.timedelta(days=DEFAULT_VALIDITY_DAYS),
        subject=subject.strip(),
        notes=notes.strip(),
        operation_category=operation_category,
        vat_exemption=check_vat_exemption((line.vat_rate for line in cleaned), vat_exemption),
        created_by=by,
    )
    _check_fields(quote)
    with transaction.atomic():
        series, number_format = numbering.quote_series(cooperative())
        quote.number, quote.sequence = numbering.next_number(
            series=series, year=date.year, number_format=number_format
        )
        quote.series, quote.year = series, date.year
        quote.save()
        replace_lines(quote, cleaned)
        quote.save(update_fields=["total_ht", "total_vat", "total_ttc", "vat_breakdown", "updated_at"])
        record_event(kind=EventKind.CREATED, by=by, quote=quote)
    return quote


def quote_update(
    *, by, quote: Quote, lines: Sequence[LineInput | Mapping[str, Any]] | None = None, **changes: Any
) -> Quote:
    """Change a quote not yet accepted, refused or invoiced (its number stays)."""
    unknown = set(changes) - set(QUOTE_FIELDS)
    if unknown:
        raise DomainError(_("Champ non modifiable : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    check_activity_action(by, quote.activity, "invoicing.draft")
    with transaction.atomic():
        quote = Quote.objects.select_for_update(of=("self",)).select_related("customer").get(pk=quote.pk)
        if quote.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT):
            raise DomainError(_("Ce devis n'est plus modifiable."))
        for name, value in changes.items():
            setattr(quote, name, value.strip() if isinstance(value, str) else value)
        _check_fields(quote)
        cleaned = clean_lines(lines) if lines is not None else lines_of(quote)
        quote.vat_exemption = check_vat_exemption((line.vat_rate for line in cleaned), quote.vat_exemption)
        if lines is not None:
            replace_lines(quote, cleaned)
        quote.save()
        record_event(kind=EventKind.UPDATED, by=by, quote=quote, data={"fields": sorted(changes)})
    return quote


def quote_set_status(*, by, quote: Quote, status: str) -> Quote:
    """Mark a quote sent, accepted or refused (or back to draft / sent)."""
    check_activity_action(by, quote.activity, "invoicing.draft")
    with transaction.atomic():
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        if status not in TRANSITIONS.get(quote.status, set()):
            raise DomainError(
                _("Un devis « %(current)s » ne peut pas passer à « %(new)s ».")
                % {"current": QuoteStatus(quote.status).label, "new": QuoteStatus(status).label}
                if status in QuoteStatus.values
                else _("État de devis inconnu."),
                field="status",
            )
        previous = quote.status
        quote.status = status
        quote.decided_on = (
            timezone.localdate() if status in (QuoteStatus.ACCEPTED, QuoteStatus.REFUSED) else None
        )
        quote.save()
        record_event(kind=EventKind.QUOTE_STATUS, by=by, quote=quote, data={"from": previous, "to": status})
    return quote


def quote_to_invoice(*, by, quote: Quote) -> Invoice:
    """An invoice draft copying the quote's customer, lines and mentions; the quote becomes invoiced."""
    check_activity_action(by, quote.activity, "invoicing.draft")
    with transaction.atomic():
        quote = (
            Quote.objects.select_for_update(of=("self",))
            .select_related("customer", "activity", "entrepreneur")
            .get(pk=quote.pk)
        )
        if quote.status not in (QuoteStatus.SENT, QuoteStatus.ACCEPTED):
            raise DomainError(_("Seul un devis envoyé ou accepté se transforme en facture."))
        invoice = invoice_create(
            by=by,
            activity=quote.activity,
            customer=quote.customer,
            entrepreneur=quote.entrepreneur,
            lines=lines_of(quote),
            subject=quote.subject,
            notes=quote.notes,
            operation_category=quote.operation_category,
            vat_exemption=quote.vat_exemption,
        )
        invoice.quote = quote
        invoice.save(update_fields=["quote", "updated_at"])
        quote.status = QuoteStatus.INVOICED
        quote.decided_on = quote.decided_on or timezone.localdate()
        quote.save()
        record_event(kind=EventKind.CONVERTED, by=by, quote=quote, data={"invoice_id": invoice.pk})
    return invoice
