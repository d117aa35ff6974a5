"""The e-mails of invoicing, built and sent by tasks once the transaction that asked for them committed."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage

from comptabilite.models import DocumentEvent, DunningLog, Invoice


def ensure_pdf(invoice: Invoice) -> Invoice:
    """The invoice with its PDF stored: rendered now if it never was (demo, or rendering off at issue)."""
    if not invoice.pdf:
        from comptabilite import documents

        documents.render_and_store(invoice.pk)
        invoice.refresh_from_db()
    return invoice


def deliver_invoice_email(event_id: int) -> None:
    event = DocumentEvent.objects.select_related("invoice").get(pk=event_id)
    if event.data.get("delivery") == "sent":
        return  # the task ran already (a retry after a lost acknowledgement)
    invoice = ensure_pdf(event.invoice)
    message = EmailMessage(
        subject=event.data.get("subject", str(invoice)),
        body=event.comment or str(invoice),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=event.data["to"],
        reply_to=[invoice.seller_email] if invoice.seller_email else None,
    )
    with invoice.pdf.open("rb") as file:
        message.attach(f"{invoice.number}.pdf", file.read(), "application/pdf")
    message.send()
    event.data["delivery"] = "sent"
    event.save(update_fields=["data"])


def deliver_reminder_email(log_id: int) -> None:
    log = DunningLog.objects.select_related("invoice").get(pk=log_id)
    invoice = ensure_pdf(log.invoice)
    message = EmailMessage(
        subject=log.subject,
        body=log.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[log.sent_to],
        reply_to=[invoice.seller_email] if invoice.seller_email else None,
    )
    with invoice.pdf.open("rb") as file:
        message.attach(f"{invoice.number}.pdf", file.read(), "application/pdf")
    message.send()
