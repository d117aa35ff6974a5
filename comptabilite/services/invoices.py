"""Invoices and credit notes: drafting, control workflow, issue.

draft (entrepreneur for their activity, or staff) → submitted → controlled by staff (checklist; accepted,
or returned to draft with a comment) → issued (number, date, frozen copy of both parties, PDF queued).
Every step is logged as a ``DocumentEvent``. Issued documents never change: corrections are credit notes
(``credit_note_create``), which follow the same workflow.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptabilite import numbering
from comptabilite.ledger import automatic as ledger
from comptabilite.models import (
    CONTROL_CHECKLIST,
    Customer,
    CustomerKind,
    DocumentKind,
    EventKind,
    Invoice,
    InvoiceStatus,
    IssuedDocumentError,
    OperationCategory,
)
from comptabilite.models.choices import DEFAULT_EARLY_PAYMENT_TEXT
from comptabilite.parties import buyer_fields, recovery_indemnity_for, seller_fields
from comptabilite.services._common import (
    check_activity_action,
    cooperative,
    document_entrepreneur,
    record_event,
    replace_lines,
)
from comptabilite.services.credit_notes import check_credit_within_invoice, credit_lines
from comptabilite.totals import LineInput, due_date_for
from comptabilite.validation import check_payment_terms, check_vat_exemption, clean_lines
from coodyssee.errors import DomainError
from coodyssee.money import ZERO, to_decimal
from coodyssee.permissions import check_perm
from entrepreneurs.models import Activity, Entrepreneur

EDITABLE_FIELDS = (
    "customer",
    "subject",
    "notes",
    "operation_category",
    "service_date",
    "purchase_order_ref",
    "delivery_address",
    "payment_terms_days",
    "payment_terms_end_of_month",
    "early_payment_discount",
    "late_penalty_rate",
    "vat_on_debits",
    "vat_exemption",
)
_EU = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
EU_COUNTRIES = frozenset(_EU.split())


def render_pdf_on_issue() -> bool:
    return getattr(settings, "INVOICE_RENDER_PDF_ON_ISSUE", True)


# --- drafting -----------------------------------------------------------------------------------


def _check_author(user, invoice: Invoice) -> None:
    """Who may edit, submit or delete a draft: its activity's members or staff; credit notes are staff's."""
    check_activity_action(user, invoice.activity, "invoicing.draft")
    if invoice.is_credit_note:
        check_perm(user, "invoicing.control")


def _check_draft(invoice: Invoice) -> None:
    if invoice.status == InvoiceStatus.ISSUED:
        raise IssuedDocumentError()
    if invoice.status != InvoiceStatus.DRAFT:
        raise DomainError(_("Seul un brouillon se modifie : ce document est en cours de contrôle."))


def _apply(invoice: Invoice, changes: Mapping[str, Any]) -> None:
    """Set and check editable fields on a draft (not saved)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("Champ non modifiable : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for name, value in changes.items():
        setattr(invoice, name, value.strip() if isinstance(value, str) else value)
    if invoice.customer.activity_id != invoice.activity_id:
        raise DomainError(_("Ce client appartient à une autre activité."), field="customer")
    if invoice.operation_category not in OperationCategory.values:
        raise DomainError(_("Catégorie d'opération inconnue."), field="operation_category")
    check_payment_terms(invoice.payment_terms_days, invoice.payment_terms_end_of_month)
    rate = to_decimal(invoice.late_penalty_rate)
    if not Decimal(0) < rate <= Decimal(100):
        raise DomainError(_("Taux des pénalités de retard invalide."), field="late_penalty_rate")
    invoice.late_penalty_rate = rate
    if not invoice.early_payment_discount:
        invoice.early_payment_discount = DEFAULT_EARLY_PAYMENT_TEXT
    invoice.recovery_indemnity = ZERO if invoice.is_credit_note else recovery_indemnity_for(invoice.customer)


def invoice_create(
    *,
    by,
    activity: Activity,
    customer: Customer,
    lines: Sequence[LineInput | Mapping[str, Any]],
    entrepreneur: Entrepreneur | None = None,
    subject: str = "",
    notes: str = "",
    operation_category: str = OperationCategory.SERVICES,
    service_date: datetime.date | None = None,
    purchase_order_ref: str = "",
    delivery_address: str = "",
    payment_terms_days: int | None = None,
    payment_terms_end_of_month: bool = False,
    early_payment_discount: str = DEFAULT_EARLY_PAYMENT_TEXT,
    late_penalty_rate: Decimal | None = None,
    vat_on_debits: bool | None = None,
    vat_exemption: str = "",
) -> Invoice:
    """A draft invoice of ``activity``; the payment options default to the cooperative's."""
    check_activity_action(by, activity, "invoicing.draft")
    coop = cooperative()
    cleaned = clean_lines(lines)
    terms = (
        payment_terms_days if payment_terms_days is not None else (coop.payment_terms_days if coop else 30)
    )
    penalty = (
        late_penalty_rate if late_penalty_rate is not None else (coop.late_penalty_rate if coop else None)
    )
    invoice = Invoice(
        kind=DocumentKind.INVOICE,
        activity=activity,
        entrepreneur=document_entrepreneur(by, activity, entrepreneur),
        customer=customer,
        created_by=by,
        payment_terms_days=terms,
        late_penalty_rate=penalty
        if penalty is not None
        else Invoice._meta.get_field("late_penalty_rate").default,
        vat_on_debits=vat_on_debits if vat_on_debits is not None else bool(coop and coop.vat_on_debits),
    )
    _apply(
        invoice,
        {
            "customer": customer,
            "subject": subject,
            "notes": notes,
            "operation_category": operation_category,
            "service_date": service_date,
            "purchase_order_ref": purchase_order_ref,
            "delivery_address": delivery_address,
            "payment_terms_end_of_month": payment_terms_end_of_month,
            "early_payment_discount": early_payment_discount,
        },
    )
    invoice.vat_exemption = check_vat_exemption((line.vat_rate for line in cleaned), vat_exemption)
    with transaction.atomic():
        invoice.save()
        replace_lines(invoice, cleaned)
        invoice.save(update_fields=["total_ht", "total_vat", "total_ttc", "vat_breakdown", "updated_at"])
        record_event(kind=EventKind.CREATED, by=by, invoice=invoice)
    return invoice


def invoice_update(
    *, by, invoice: Invoice, lines: Sequence[LineInput | Mapping[str, Any]] | None = None, **changes: Any
) -> Invoice:
    """Change a draft: any of ``EDITABLE_FIELDS`` and, when given, all its lines."""
    _check_author(by, invoice)
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update(of=("self",)).select_related("customer").get(pk=invoice.pk)
        )
        _check_draft(invoice)
        _apply(invoice, changes)
        cleaned = clean_lines(lines) if lines is not None else None
        rates = (
            [line.vat_rate for line in cleaned]
            if cleaned
            else list(invoice.lines.values_list("vat_rate", flat=True))
        )
        invoice.vat_exemption = check_vat_exemption(rates, invoice.vat_exemption)
        if cleaned is not None:
            if invoice.is_credit_note:
                check_credit_within_invoice(
                    invoice.credited_invoice, cleaned, exclude=invoice, issued_only=False
                )
            replace_lines(invoice, cleaned)
        invoice.save()
        record_event(kind=EventKind.UPDATED, by=by, invoice=invoice, data={"fields": sorted(changes)})
    return invoice


def invoice_delete_draft(*, by, invoice: Invoice) -> None:
    """Delete a draft (never numbered, so no gap). Issued documents refuse."""
    _check_author(by, invoice)
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        _check_draft(invoice)
        invoice.delete()


# --- workflow ----------------------------------------------------------------------------------


def check_complete(invoice: Invoice) -> None:
    """The mandatory mentions a document needs before control and issue (L441-9, CGI ann. II 242 nonies A)."""
    customer = invoice.customer
    rates = [rate for rate, _base, _vat in invoice.vat_lines()]  # the lines' rates, stored with the totals
    if not rates or invoice.total_ht <= 0:
        raise DomainError(
            _("Le document doit comporter au moins une ligne d'un montant positif."), field="lines"
        )
    if not (customer.address_line1 and customer.postcode and customer.city):
        raise DomainError(
            _("L'adresse complète du client est obligatoire (adresse, code postal, ville)."), field="customer"
        )
    if customer.kind == CustomerKind.COMPANY:
        if customer.country == "FR" and not customer.siren:
            raise DomainError(
                _("Le SIREN d'un client professionnel français est obligatoire."), field="customer"
            )
        if customer.country != "FR" and customer.country in EU_COUNTRIES and not customer.vat_number:
            raise DomainError(
                _("Le n° de TVA intracommunautaire d'un client professionnel européen est obligatoire."),
                field="customer",
            )
    check_vat_exemption(rates, invoice.vat_exemption)
    check_payment_terms(invoice.payment_terms_days, invoice.payment_terms_end_of_month)


def invoice_submit(*, by, invoice: Invoice) -> Invoice:
    """Send a draft to the support team's control queue."""
    _check_author(by, invoice)
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update(of=("self",)).select_related("customer").get(pk=invoice.pk)
        )
        _check_draft(invoice)
        check_complete(invoice)
        invoice.status = InvoiceStatus.SUBMITTED
        invoice.submitted_at = timezone.now()
        invoice.submitted_by = by
        invoice.save()
        record_event(kind=EventKind.SUBMITTED, by=by, invoice=invoice)
    return invoice


def invoice_control(
    *, by, invoice: Invoice, accept: bool, checklist: Mapping[str, bool], comment: str = ""
) -> Invoice:
    """The controller's decision on a submitted document, with the checklist ticked.

    Accepting needs every item of ``CONTROL_CHECKLIST`` ticked; returning to draft needs a comment,
    which the entrepreneur sees on the draft (``return_comment``) and in the history.
    """
    check_perm(by, "invoicing.control")
    keys = [key for key, _label in CONTROL_CHECKLIST]
    unknown = set(checklist) - set(keys)
    if unknown:
        raise DomainError(_("Point de contrôle inconnu : %(keys)s") % {"keys": ", ".join(sorted(unknown))})
    ticked = {key: bool(checklist.get(key, False)) for key in keys}
    comment = comment.strip()
    if accept and not all(ticked.values()):
        raise DomainError(_("Pour accepter, cochez tous les points de contrôle."), field="checklist")
    if not accept and not comment:
        raise DomainError(_("Expliquez à l'entrepreneur·e ce qu'il faut corriger."), field="comment")
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update(of=("self",)).select_related("customer").get(pk=invoice.pk)
        )
        if invoice.status != InvoiceStatus.SUBMITTED:
            raise DomainError(_("Ce document n'attend pas de contrôle."))
        if accept:
            check_complete(invoice)
            invoice.status = InvoiceStatus.CONTROLLED
            invoice.controlled_at = timezone.now()
            invoice.controlled_by = by
            invoice.return_comment = ""
        else:
            invoice.status = InvoiceStatus.DRAFT
            invoice.return_comment = comment
        invoice.save()
        record_event(
            kind=EventKind.ACCEPTED if accept else EventKind.RETURNED,
            by=by,
            invoice=invoice,
            comment=comment,
            data={"checklist": ticked},
        )
    return invoice


ISSUED_FIELDS = (
    "number",
    "sequence",
    "series",
    "year",
    "date",
    "due_date",
    "recovery_indemnity",
    "status",
    "issued_at",
    "issued_by",
    "updated_at",
)


def invoice_issue(*, by, invoice: Invoice) -> Invoice:
    """Issue a controlled document, in one transaction: number from the locked counter, dates, frozen
    copy of both parties, credit applied to the corrected invoice; the PDF is rendered after commit."""
    check_perm(by, "invoicing.issue")
    coop = cooperative()
    if coop is None or not (coop.name and coop.siren and coop.address):
        raise DomainError(_("Renseignez d'abord l'identité de la coopérative (nom, SIREN, adresse)."))
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("customer", "entrepreneur")
            .get(pk=invoice.pk)
        )
        if invoice.status == InvoiceStatus.ISSUED:
            raise IssuedDocumentError(_("Ce document est déjà émis."))
        if invoice.status != InvoiceStatus.CONTROLLED:
            raise DomainError(_("Seul un document contrôlé peut être émis."))
        check_complete(invoice)
        original = None
        if invoice.is_credit_note:
            original = Invoice.objects.select_for_update().get(pk=invoice.credited_invoice_id)
            check_credit_within_invoice(original, credit_lines(invoice), exclude=invoice, issued_only=True)
        today = timezone.localdate()
        posting = ledger.prepare_invoice_posting(invoice, date=today, cooperative=coop)
        series, number_format = numbering.series_for_kind(invoice.kind, coop)
        if Invoice.objects.filter(series=series, year=today.year, date__gt=today).exists():
            raise DomainError(
                _(
                    "Un document de cette série porte une date postérieure : "
                    "numérotation chronologique impossible."
                )
            )
        invoice.number, invoice.sequence = numbering.next_number(
            series=series, year=today.year, number_format=number_format
        )
        invoice.series, invoice.year, invoice.date = series, today.year, today
        invoice.due_date = (
            None
            if invoice.is_credit_note
            else due_date_for(
                today, days=invoice.payment_terms_days, end_of_month=invoice.payment_terms_end_of_month
            )
        )
        parties = {**seller_fields(coop), **buyer_fields(invoice.customer)}
        for name, value in parties.items():
            setattr(invoice, name, value)
        invoice.recovery_indemnity = (
            ZERO if invoice.is_credit_note else recovery_indemnity_for(invoice.customer)
        )
        invoice.locked_unissued = True  # locked above while controlled: save() need not re-read it
        invoice.status = InvoiceStatus.ISSUED
        invoice.issued_at = timezone.now()
        invoice.issued_by = by
        invoice.save(update_fields=[*ISSUED_FIELDS, *parties])  # what issuing sets, nothing else
        record_event(kind=EventKind.ISSUED, by=by, invoice=invoice, data={"number": invoice.number})
        posting.post(invoice, by=by)
        if original is not None:
            original.amount_credited += invoice.total_ttc
            original.save(update_fields=["amount_credited", "updated_at"])
            record_event(
                kind=EventKind.CREDITED,
                by=by,
                invoice=original,
                data={"credit_note": invoice.number, "amount": f"{invoice.total_ttc:.2f}"},
            )
        if render_pdf_on_issue():
            from comptabilite import tasks

            invoice_id = invoice.pk
            transaction.on_commit(lambda: tasks.invoice_render_pdf.delay(invoice_id), robust=True)
    return invoice
