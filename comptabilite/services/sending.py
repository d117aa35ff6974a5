"""Sending an issued document to the customer by e-mail, with its PDF attached (after commit)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from comptabilite.models import DocumentEvent, EventKind, Invoice
from comptabilite.services._common import check_activity_action, record_event
from comptabilite.validation import clean_email
from coodyssee.errors import DomainError


def invoice_send(
    *, by, invoice: Invoice, to: str | Sequence[str], message: str = "", subject: str = ""
) -> DocumentEvent:
    """E-mail the issued PDF to ``to`` (one address or several); logged as a ``sent`` event.

    The message leaves after commit (``comptabilite.tasks.invoice_email_send``), which renders the PDF
    first if it was never rendered (documents issued by the demo or before PDFs were on).
    """
    check_activity_action(by, invoice.activity, "invoicing.draft")
    if not invoice.is_issued:
        raise DomainError(_("Seul un document émis s'envoie au client."))
    addresses = [to] if isinstance(to, str) else list(to)
    addresses = [clean_email(address, field="to") for address in addresses if address and address.strip()]
    if not addresses:
        raise DomainError(_("Indiquez au moins une adresse e-mail."), field="to")
    subject = subject.strip() or _("%(document)s de %(seller)s") % {
        "document": str(invoice),
        "seller": invoice.seller_name,
    }
    with transaction.atomic():
        event = record_event(
            kind=EventKind.SENT,
            by=by,
            invoice=invoice,
            comment=message.strip(),
            data={"to": addresses, "subject": subject[:200], "delivery": "queued"},
        )
        from comptabilite import tasks

        event_id = event.pk
        transaction.on_commit(lambda: tasks.invoice_email_send.delay(event_id))
    return event
