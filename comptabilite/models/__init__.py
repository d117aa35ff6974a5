"""Customers, quotes, invoices and credit notes, payments, reminders and the documents' history.

Writes go through ``comptabilite.services``; shared reads through ``comptabilite.selectors``.
"""

from comptabilite.models.choices import (
    CONTROL_CHECKLIST,
    VAT_EXEMPTION_CATEGORIES,
    VAT_RATES,
    CustomerKind,
    DocumentKind,
    DunningChannel,
    DunningStatus,
    EventKind,
    InvoiceStatus,
    OperationCategory,
    PaymentMethod,
    PaymentStatus,
    QuoteStatus,
    VatExemption,
)
from comptabilite.models.counters import NumberingCounter
from comptabilite.models.customers import Customer
from comptabilite.models.documents import MUTABLE_AFTER_ISSUE, Invoice, IssuedDocumentError
from comptabilite.models.events import DocumentEvent
from comptabilite.models.lines import InvoiceLine
from comptabilite.models.payments import DunningLevel, DunningLog, Payment, PaymentRecordError
from comptabilite.models.quotes import Quote, QuoteLine

__all__ = [
    "CONTROL_CHECKLIST",
    "MUTABLE_AFTER_ISSUE",
    "VAT_EXEMPTION_CATEGORIES",
    "VAT_RATES",
    "Customer",
    "CustomerKind",
    "DocumentEvent",
    "DocumentKind",
    "DunningChannel",
    "DunningLevel",
    "DunningLog",
    "DunningStatus",
    "EventKind",
    "Invoice",
    "InvoiceLine",
    "InvoiceStatus",
    "IssuedDocumentError",
    "NumberingCounter",
    "OperationCategory",
    "Payment",
    "PaymentMethod",
    "PaymentRecordError",
    "PaymentStatus",
    "Quote",
    "QuoteLine",
    "QuoteStatus",
    "VatExemption",
]
