"""Writes of the invoicing app: keyword-only functions, one transaction each, ``DomainError`` on a broken
rule and ``PermissionDenied`` when the acting person may not do it (checked here too, not only in views).

Every service takes ``by``: the person acting (a ``User``). Views call them after fetching the objects
through ``comptabilite.selectors.access_*``.
"""

from comptabilite.services.credit_notes import CreditLineInput, credit_note_create
from comptabilite.services.customers import customer_create, customer_update
from comptabilite.services.dunning import (
    dunning_levels_ensure_defaults,
    dunning_prepare,
    dunning_send,
    render_reminder,
)
from comptabilite.services.invoices import (
    check_complete,
    invoice_control,
    invoice_create,
    invoice_delete_draft,
    invoice_issue,
    invoice_submit,
    invoice_update,
)
from comptabilite.services.payments import payment_cancel, payment_record
from comptabilite.services.quotes import quote_create, quote_set_status, quote_to_invoice, quote_update
from comptabilite.services.sending import invoice_send
from comptabilite.totals import LineInput

__all__ = [
    "CreditLineInput",
    "LineInput",
    "check_complete",
    "credit_note_create",
    "customer_create",
    "customer_update",
    "dunning_levels_ensure_defaults",
    "dunning_prepare",
    "dunning_send",
    "invoice_control",
    "invoice_create",
    "invoice_delete_draft",
    "invoice_issue",
    "invoice_send",
    "invoice_submit",
    "invoice_update",
    "payment_cancel",
    "payment_record",
    "quote_create",
    "quote_set_status",
    "quote_to_invoice",
    "quote_update",
    "render_reminder",
]
