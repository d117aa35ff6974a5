"""PDF of the invoicing documents: invoices and credit notes (Factur-X), quotes, dunning letters.

The invoicing services call three entry points:

- ``render_and_store(invoice_id)``: the issued document's PDF/A-3 with its Factur-X XML, rendered once and
  stored with its SHA-256 (``Invoice.pdf`` / ``pdf_sha256``, the only fields an issued invoice lets one
  set, once). Never re-rendered: a stored PDF is the document as issued.
- ``invoice_pdf_bytes(invoice)``: what a download serves: the stored PDF (rendered and stored first if an
  issued document has none yet, e.g. demo or imported documents), or, for a document not yet issued, a
  preview marked "BROUILLON" / "PROVISOIRE", without Factur-X, never stored.
- ``render_quote_pdf(quote)`` and ``render_dunning_letter(log_id)``: rendered on demand, not stored.

The mapping from the models to the rendering dataclasses lives in ``document_data_for``, ``quote_data_for``
and ``dunning_letter_data_for``; the rendering itself (``coodyssee.pdf``, ``comptabilite.facturx``) knows
nothing of the models.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from comptabilite.facturx import (
    Address,
    DocumentData,
    DunningItem,
    DunningLetterData,
    InvoiceDataError,
    Line,
    Party,
    VatBreakdown,
    build_cii_xml,
    check_document,
    embed_facturx,
    pdf_metadata_for,
)
from coodyssee.pdf import render_pdf, sha256_hex

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
INVOICE_TEMPLATE = "comptabilite/pdf/invoice.html"
QUOTE_TEMPLATE = "comptabilite/pdf/quote.html"
DUNNING_TEMPLATE = "comptabilite/pdf/dunning_letter.html"
CREDIT_NOTE_TERMS = (
    "Montant à déduire de vos prochains règlements, ou remboursé par virement à votre demande."
)

# Free-text units typed on lines → UN/ECE recommendation 20 codes for the Factur-X XML (C62 = "one").
_UNIT_CODES = {
    "h": "HUR",
    "heure": "HUR",
    "heures": "HUR",
    "j": "DAY",
    "jour": "DAY",
    "jours": "DAY",
    "mois": "MON",
    "semaine": "WEE",
    "semaines": "WEE",
    "km": "KMT",
    "kg": "KGM",
    "m": "MTR",
    "m²": "MTK",
    "m2": "MTK",
    "l": "LTR",
}


class StoredPdfError(RuntimeError):
    """A stored PDF no longer matches the hash recorded when it was issued."""


# --- models → rendering data ---------------------------------------------------------------------


def _identity(invoice) -> dict:
    """The ``seller_*`` / ``buyer_*`` values: copied on the document once issued, current ones before."""
    from comptabilite.models import Invoice
    from comptabilite.parties import buyer_fields, seller_fields
    from comptabilite.services._common import cooperative

    names = [f.name for f in Invoice._meta.concrete_fields if f.name.startswith(("seller_", "buyer_"))]
    if invoice.is_issued:
        return {name: getattr(invoice, name) for name in names}
    coop = cooperative()
    values = {name: "" for name in names}
    values.update(seller_fields(coop) if coop else {})
    values.update(buyer_fields(invoice.customer))
    return values


def _seller(values: dict) -> Party:
    return Party(
        name=values["seller_name"] or "",
        legal_form=values["seller_legal_form"] or "",
        share_capital=values["seller_share_capital"],
        address_lines=tuple(line for line in (values["seller_address"] or "").splitlines() if line.strip()),
        postcode=values["seller_postcode"] or "",
        city=values["seller_city"] or "",
        country_code=values["seller_country"] or "FR",
        siren=values["seller_siren"] or "",
        siret=values["seller_siret"] or "",
        vat_number=values["seller_vat_number"] or "",
        rcs=values["seller_rcs"] or "",
        email=values["seller_email"] or "",
        phone=values["seller_phone"] or "",
    )


def _buyer(values: dict) -> Party:
    return Party(
        name=values["buyer_name"] or "",
        address_lines=tuple(
            line for line in (values["buyer_address_line1"], values["buyer_address_line2"]) if line
        ),
        postcode=values["buyer_postcode"] or "",
        city=values["buyer_city"] or "",
        country_code=values["buyer_country"] or "FR",
        siren=values["buyer_siren"] or "",
        siret=values["buyer_siret"] or "",
        vat_number=values["buyer_vat_number"] or "",
        email=values["buyer_email"] or "",
    )


def _delivery_address(text: str) -> Address | None:
    from comptabilite.parties import split_address

    if not (text or "").strip():
        return None
    street, postcode, city = split_address(text)
    return Address(lines=tuple(street.splitlines()), postcode=postcode, city=city)


def _exemption(code: str) -> tuple[str, str, str]:
    """(VAT category, VATEX code, printed mention) of a ``VatExemption`` value; Z when none is set."""
    from comptabilite.models import VAT_EXEMPTION_CATEGORIES, VatExemption

    if not code:
        return "Z", "", ""
    category, vatex = VAT_EXEMPTION_CATEGORIES[code]
    return category, vatex, str(VatExemption(code).label)


def _lines_and_vat(
    model_lines, vat_rows, exemption_code: str
) -> tuple[tuple[Line, ...], tuple[VatBreakdown, ...]]:
    zero_category, vatex, mention = _exemption(exemption_code)
    lines = tuple(
        Line(
            description=line.description,
            quantity=line.quantity,
            unit_price_ht=line.unit_price,
            vat_rate=line.vat_rate,
            total_ht=line.total_ht,
            vat_category="S" if line.vat_rate > 0 else zero_category,
            unit_code=_UNIT_CODES.get((line.unit or "").strip().lower(), "C62"),
            unit_label=line.unit or "",
        )
        for line in model_lines
    )
    breakdown = tuple(
        VatBreakdown(
            rate=Decimal(row["rate"]),
            base_ht=Decimal(row["base"]),
            vat_amount=Decimal(row["vat"]),
            category_code="S" if Decimal(row["rate"]) > 0 else zero_category,
            exemption_reason=mention if Decimal(row["rate"]) == 0 else "",
            exemption_reason_code=vatex if Decimal(row["rate"]) == 0 else "",
        )
        for row in vat_rows
    )
    return lines, breakdown


def _payment_terms_text(days: int, end_of_month: bool) -> str:
    if days == 0:
        return "Paiement à réception de facture."
    return f"Paiement à {days} jours{' fin de mois' if end_of_month else ' date de facture'}."


def _entrepreneur_name(entrepreneur) -> str:
    if entrepreneur is None:
        return ""
    return f"{entrepreneur.first_name} {entrepreneur.last_name}".strip()


def document_data_for(invoice) -> DocumentData:
    """An ``Invoice`` (invoice or credit note, issued or not) as rendering data.

    Amounts are the stored ones (positive for both kinds). "Déjà payé" is left at zero: the stored PDF is
    the document as issued, and payments received later do not belong on it.
    """
    from comptabilite.models import CustomerKind, DocumentKind

    values = _identity(invoice)
    lines, breakdown = _lines_and_vat(invoice.lines.all(), invoice.vat_breakdown, invoice.vat_exemption)
    is_business = (values["buyer_kind"] or CustomerKind.COMPANY) == CustomerKind.COMPANY
    credited = invoice.credited_invoice if invoice.credited_invoice_id else None
    return DocumentData(
        kind="credit_note" if invoice.kind == DocumentKind.CREDIT_NOTE else "invoice",
        number=invoice.number,
        issue_date=invoice.date or timezone.localdate(),
        due_date=invoice.due_date,
        delivery_date=invoice.service_date,
        seller=_seller(values),
        buyer=_buyer(values),
        lines=lines,
        vat_breakdown=breakdown,
        total_ht=invoice.total_ht,
        total_vat=invoice.total_vat,
        total_ttc=invoice.total_ttc,
        amount_paid=ZERO,
        purchase_order_ref=invoice.purchase_order_ref,
        operation_category=invoice.operation_category,
        delivery_address=_delivery_address(invoice.delivery_address),
        payment_terms_text=_payment_terms_text(invoice.payment_terms_days, invoice.payment_terms_end_of_month)
        if invoice.kind == DocumentKind.INVOICE
        else CREDIT_NOTE_TERMS,
        early_payment_text=invoice.early_payment_discount,
        late_penalty_rate=invoice.late_penalty_rate,
        recovery_indemnity=invoice.recovery_indemnity,
        b2b=is_business and bool(invoice.recovery_indemnity),
        vat_on_debits=invoice.vat_on_debits,
        iban=values["seller_iban"] or "",
        bic=values["seller_bic"] or "",
        subject=invoice.subject,
        notes=invoice.notes,
        preceding_invoice_number=credited.number if credited else "",
        preceding_invoice_date=credited.date if credited else None,
        activity_label=invoice.activity.name,
        entrepreneur_name=_entrepreneur_name(invoice.entrepreneur),
    )


def quote_data_for(quote) -> DocumentData:
    """A ``Quote`` as rendering data: the cooperative's and the customer's current identity."""
    from comptabilite.models import CustomerKind
    from comptabilite.parties import buyer_fields, recovery_indemnity_for, seller_fields
    from comptabilite.services._common import cooperative

    coop = cooperative()
    values = {**(seller_fields(coop) if coop else _empty_seller()), **buyer_fields(quote.customer)}
    lines, breakdown = _lines_and_vat(quote.lines.all(), quote.vat_breakdown, quote.vat_exemption)
    indemnity = recovery_indemnity_for(quote.customer)
    return DocumentData(
        kind="quote",
        number=quote.number,
        issue_date=quote.date,
        valid_until=quote.valid_until,
        seller=_seller(values),
        buyer=_buyer(values),
        lines=lines,
        vat_breakdown=breakdown,
        total_ht=quote.total_ht,
        total_vat=quote.total_vat,
        total_ttc=quote.total_ttc,
        operation_category=quote.operation_category,
        payment_terms_text=_payment_terms_text(coop.payment_terms_days, False) if coop else "",
        late_penalty_rate=coop.late_penalty_rate if coop else None,
        recovery_indemnity=indemnity,
        b2b=quote.customer.kind == CustomerKind.COMPANY,
        vat_on_debits=coop.vat_on_debits if coop else False,
        subject=quote.subject,
        notes=quote.notes,
        activity_label=quote.activity.name,
        entrepreneur_name=_entrepreneur_name(quote.entrepreneur),
    )


def _empty_seller() -> dict:
    from comptabilite.models import Invoice

    return {f.name: None for f in Invoice._meta.concrete_fields if f.name.startswith("seller_")}


def dunning_letter_data_for(log) -> DunningLetterData:
    """A ``DunningLog`` (one overdue invoice at one level) as a letter."""
    from comptabilite.models import CustomerKind, DunningLevel

    invoice = log.invoice
    values = _identity(invoice)
    if log.level.with_penalties:
        level = 3
    else:
        first = DunningLevel.objects.filter(is_active=True).order_by("days_after_due").first()
        level = 1 if first is None or first.pk == log.level_id else 2
    signatory = log.sent_by.get_full_name() if log.sent_by_id else ""
    return DunningLetterData(
        level=level,
        issue_date=log.prepared_on,
        seller=_seller(values),
        buyer=_buyer(values),
        items=(
            DunningItem(
                number=invoice.number,
                issue_date=invoice.date,
                due_date=invoice.due_date or invoice.date,
                total_ttc=invoice.total_ttc,
                amount_due=log.amount_due,
                days_late=log.days_late,
                penalty=log.penalties,
            ),
        ),
        payment_deadline=log.prepared_on + datetime.timedelta(days=8),
        late_penalty_rate=invoice.late_penalty_rate,
        recovery_indemnity=log.indemnity if level == 3 else invoice.recovery_indemnity,
        b2b=values["buyer_kind"] == CustomerKind.COMPANY and bool(invoice.recovery_indemnity),
        iban=values["seller_iban"] or "",
        bic=values["seller_bic"] or "",
        activity_label=invoice.activity.name,
        entrepreneur_name=_entrepreneur_name(invoice.entrepreneur),
        place=values["seller_city"] or "",
        signatory_name=signatory,
        reference=f"{invoice.number}-R{level}",
    )


# --- rendering ----------------------------------------------------------------------------------------


def _logo() -> str:
    """The cooperative's logo as a file URL, when it has one on disk."""
    from comptabilite.services._common import cooperative

    coop = cooperative()
    try:
        if coop and coop.logo and coop.logo.path:
            from pathlib import Path

            path = Path(coop.logo.path)
            return path.as_uri() if path.exists() else ""
    except (ValueError, NotImplementedError):  # no file, or a storage without local paths
        return ""
    return ""


def render_document_pdf(doc: DocumentData, *, logo: str = "", watermark: str = "") -> bytes:
    """The PDF of an invoice, credit note or quote. Issued invoices and credit notes (no watermark) are
    PDF/A-3 with their Factur-X XML; previews are plain PDFs without XML."""
    template = QUOTE_TEMPLATE if doc.kind == "quote" else INVOICE_TEMPLATE
    context = {"doc": doc, "seller": doc.seller, "logo": logo, "watermark": watermark}
    if watermark:
        return render_pdf(template, context, pdf_variant=None)
    if doc.kind == "quote":
        return render_pdf(template, context)
    xml = build_cii_xml(doc)  # checks the EN 16931 rules first: nothing is rendered for a wrong document
    return embed_facturx(render_pdf(template, context), xml, pdf_metadata=pdf_metadata_for(doc))


def _render_issued(invoice) -> bytes:
    doc = document_data_for(invoice)
    try:
        check_document(doc)
    except InvoiceDataError:
        if not invoice.is_imported:
            raise
        # A document taken over from the previous system's history may lack what EN 16931 requires
        # (customer address, reference of the corrected invoice): its legal original is the old one,
        # this PDF is a reproduction, rendered without Factur-X rather than with a wrong XML.
        logger.info("Document importé %s sans Factur-X : données incomplètes", invoice.number)
        return render_pdf(INVOICE_TEMPLATE, {"doc": doc, "seller": doc.seller, "logo": _logo()})
    return render_document_pdf(doc, logo=_logo())


def render_and_store(invoice_id: int) -> None:
    """Render an issued invoice or credit note and store its PDF and SHA-256, once.

    Skips a document that already has a PDF. Rendering happens outside any transaction (it takes a few
    hundred milliseconds); the row is then locked and checked again, so two workers racing on the same
    document store one PDF. Safe to run twice (Celery retries).
    """
    from comptabilite.models import Invoice

    invoice = Invoice.objects.select_related("activity", "entrepreneur", "credited_invoice").get(
        pk=invoice_id
    )
    if invoice.pdf or invoice.pdf_sha256:
        return
    if not invoice.is_issued:
        raise ValueError(
            f"Seul un document émis a un PDF conservé (document {invoice_id} : {invoice.status})."
        )
    data = _render_issued(invoice)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice_id)
        if locked.pdf or locked.pdf_sha256:
            return
        kind = "avoir" if locked.is_credit_note else "facture"
        locked.pdf.save(get_valid_filename(f"{kind}-{locked.number}.pdf"), ContentFile(data), save=False)
        locked.pdf_sha256 = sha256_hex(data)
        locked.save(update_fields=["pdf", "pdf_sha256", "updated_at"])


def invoice_pdf_bytes(invoice) -> bytes:
    """The PDF to serve for ``invoice``: the stored one (stored now if missing), or a marked preview."""
    if not invoice.is_issued:
        from comptabilite.models import InvoiceStatus

        watermark = "BROUILLON" if invoice.status == InvoiceStatus.DRAFT else "PROVISOIRE"
        return render_document_pdf(document_data_for(invoice), logo=_logo(), watermark=watermark)
    if not invoice.pdf:
        render_and_store(invoice.pk)
        invoice.refresh_from_db(fields=["pdf", "pdf_sha256"])
    with invoice.pdf.open("rb") as file:
        data = file.read()
    if invoice.pdf_sha256 and sha256_hex(data) != invoice.pdf_sha256:
        raise StoredPdfError(f"Le PDF conservé de {invoice.number} ne correspond plus à son empreinte.")
    return data


def render_quote_pdf(quote) -> bytes:
    """The quote's PDF (PDF/A-3, not stored: a quote changes until it is accepted)."""
    return render_document_pdf(quote_data_for(quote), logo=_logo())


def render_dunning_letter(log_id: int) -> bytes:
    """The letter of a reminder (relance, or mise en demeure for a level that claims penalties)."""
    from comptabilite.models import DunningLog

    log = DunningLog.objects.select_related(
        "invoice__activity", "invoice__entrepreneur", "level", "sent_by"
    ).get(pk=log_id)
    letter = dunning_letter_data_for(log)
    return render_pdf(DUNNING_TEMPLATE, {"letter": letter, "seller": letter.seller, "logo": _logo()})
