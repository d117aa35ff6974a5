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
from comptabilite.models.expenses import (
    EXPENSE_ACCOUNTS,
    Expense,
    ExpenseCategory,
    ExpenseEvent,
    ExpenseEventKind,
    ExpenseKind,
    ExpenseStatus,
)
from comptabilite.models.ledger import (
    Account,
    AnalyticSection,
    Entry,
    EntryCounter,
    EntryLine,
    Journal,
    PostedEntryError,
    SectionMonth,
    SectionYear,
)
from comptabilite.models.lines import InvoiceLine
from comptabilite.models.payments import DunningLevel, DunningLog, Payment, PaymentRecordError
from comptabilite.models.quotes import Quote, QuoteLine
from comptabilite.models.treasury import (
    AlertKind,
    ContributionRule,
    Forecast,
    MonthlyStatement,
    TreasuryAlert,
)

__all__ = [
    "CONTROL_CHECKLIST",
    "EXPENSE_ACCOUNTS",
    "MUTABLE_AFTER_ISSUE",
    "VAT_EXEMPTION_CATEGORIES",
    "VAT_RATES",
    "Account",
    "AlertKind",
    "AnalyticSection",
    "ContributionRule",
    "Customer",
    "CustomerKind",
    "DocumentEvent",
    "DocumentKind",
    "DunningChannel",
    "DunningLevel",
    "DunningLog",
    "DunningStatus",
    "Entry",
    "EntryCounter",
    "EntryLine",
    "EventKind",
    "Expense",
    "ExpenseCategory",
    "ExpenseEvent",
    "ExpenseEventKind",
    "ExpenseKind",
    "ExpenseStatus",
    "Forecast",
    "Invoice",
    "InvoiceLine",
    "InvoiceStatus",
    "IssuedDocumentError",
    "Journal",
    "MonthlyStatement",
    "NumberingCounter",
    "OperationCategory",
    "Payment",
    "PaymentMethod",
    "PaymentRecordError",
    "PaymentStatus",
    "PostedEntryError",
    "Quote",
    "QuoteLine",
    "QuoteStatus",
    "SectionMonth",
    "SectionYear",
    "TreasuryAlert",
    "VatExemption",
]
