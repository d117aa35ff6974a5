"""Automatic postings: what issuing a document, receiving or cancelling a payment, validating or paying an
expense and the monthly fixed contribution write in the ledger. Each runs inside its cause's transaction.

The builders (``*_spec``) are pure: given a document and the ids they need, they return the entry. The bulk
loader (``ledger.bulk``: demo, benchmark, import) uses the same builders as the live postings.

Choices (docs/accounting.md):
- sales: 411 (customer as auxiliary account) / 706 services or 707 goods / VAT. VAT on services is due when
  paid (CGI art. 269-2-c): it waits on 44574 and moves to 44571 with each payment, unless the cooperative or
  the invoice opted for VAT on debits; VAT on goods goes to 44571 at once.
- contribution: in the sales entry itself, an internal transfer 6586 (activity section) / 7586 (structure
  section) of ``amount_ht × rate``; a credit note reverses its share at the rate of the invoice it corrects.
- rate precedence at a date: the activity's rule, else the entrepreneur's own rate (their CESA, as the import
  carries it), else the cooperative's rule, else the cooperative's default rate.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from comptabilite.ledger import chart
from comptabilite.ledger.posting import (
    EntrySpec,
    Line,
    check_open,
    journal_code,
    post_entry,
    reverse_entry,
    sections_for,
    validate,
)
from comptabilite.models import ContributionRule, DocumentKind, Entry, OperationCategory
from coodyssee.money import ZERO, apply_rate, round_cents
from coodyssee.selectors import cooperative_current


def customer_aux(customer_id: int) -> str:
    return f"C{customer_id:06d}"


def supplier_aux(name: str) -> str:
    return "F" + "".join(ch for ch in name.upper() if ch.isalnum())[:12]


# --- contribution rate ------------------------------------------------------------------------------------


def _active(rules, date: datetime.date):
    for rule in rules:
        if rule.starts_on <= date and (rule.ends_on is None or rule.ends_on >= date):
            return rule
    return None


def contribution_rule_rate(
    *,
    activity_rules,
    entrepreneur_rate: Decimal | None,
    cooperative_rules,
    default_rate: Decimal,
    date: datetime.date,
) -> Decimal:
    rule = _active(activity_rules, date)
    if rule is not None:
        return rule.rate
    if entrepreneur_rate is not None:
        return entrepreneur_rate
    rule = _active(cooperative_rules, date)
    if rule is not None:
        return rule.rate
    return default_rate or ZERO


def contribution_rate(activity_id: int, entrepreneur, date: datetime.date, cooperative=None) -> Decimal:
    """The contribution rate (percent) of a document of ``activity_id`` dated ``date``."""
    rules = list(
        ContributionRule.objects.filter(Q(activity_id=activity_id) | Q(activity__isnull=True))
        .filter(starts_on__lte=date)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=date))
        .order_by("-starts_on", "-pk")
    )
    if cooperative is None:
        cooperative = cooperative_current()
    return contribution_rule_rate(
        activity_rules=[rule for rule in rules if rule.activity_id == activity_id],
        entrepreneur_rate=getattr(entrepreneur, "contribution_rate", None),
        cooperative_rules=[rule for rule in rules if rule.activity_id is None],
        default_rate=cooperative.default_contribution_rate if cooperative else ZERO,
        date=date,
    )


# --- sales ------------------------------------------------------------------------------------------------


def vat_waits_for_payment(invoice, cooperative_on_debits: bool) -> bool:
    return not (
        invoice.operation_category == OperationCategory.GOODS
        or invoice.vat_on_debits
        or cooperative_on_debits
    )


def invoice_entry_spec(
    invoice, *, activity_section: int, structure_section: int, rate: Decimal, vat_on_debits: bool = False
) -> EntrySpec:
    """The sales entry of an issued invoice or credit note, its contribution included."""
    credit_note = invoice.kind == DocumentKind.CREDIT_NOTE
    aux = customer_aux(invoice.customer_id)
    name = invoice.buyer_name or str(invoice.customer_id)
    label = (_("Avoir %(number)s %(name)s") if credit_note else _("Facture %(number)s %(name)s")) % {
        "number": invoice.number,
        "name": name,
    }
    income = chart.GOODS if invoice.operation_category == OperationCategory.GOODS else chart.SERVICES
    vat_account = chart.VAT_PENDING if vat_waits_for_payment(invoice, vat_on_debits) else chart.VAT_COLLECTED

    # An invoice debits the customer and credits income and VAT; a credit note the other way round.
    def side(amount: Decimal, *, debit: bool) -> dict:
        if credit_note:
            debit = not debit
        return {"debit": amount} if debit else {"credit": amount}

    lines = [
        Line(
            chart.CUSTOMERS,
            activity_section,
            aux_code=aux,
            aux_label=name[:200],
            **side(invoice.total_ttc, debit=True),
        ),
    ]
    if invoice.total_ht:
        lines.append(Line(income, activity_section, **side(invoice.total_ht, debit=False)))
    if invoice.total_vat:
        lines.append(Line(vat_account, activity_section, **side(invoice.total_vat, debit=False)))
    contribution = apply_rate(invoice.total_ht, rate)
    if contribution:
        label_c = _("Contribution coopérative %(rate)s %%") % {
            "rate": f"{rate.normalize():f}".replace(".", ",")
        }
        lines.append(
            Line(chart.CONTRIBUTION_CHARGE, activity_section, label=label_c, **side(contribution, debit=True))
        )
        lines.append(
            Line(
                chart.CONTRIBUTION_INCOME, structure_section, label=label_c, **side(contribution, debit=False)
            )
        )
    return EntrySpec(
        journal=journal_code("sales"),
        date=invoice.date,
        label=label,
        lines=lines,
        piece_ref=invoice.number,
        piece_date=invoice.date,
        source="credit_note" if credit_note else "invoice",
        invoice_id=invoice.pk,
        entrepreneur_id=invoice.entrepreneur_id,
    )


def document_rate(invoice, cooperative=None) -> Decimal:
    """The rate of a document: its own date's, or for a credit note the rate of the invoice it corrects."""
    date = invoice.date
    if invoice.kind == DocumentKind.CREDIT_NOTE and invoice.credited_invoice_id:
        original = invoice.credited_invoice
        date = original.date or date
    return contribution_rate(invoice.activity_id, invoice.entrepreneur, date, cooperative)


@dataclass(frozen=True)
class InvoicePosting:
    """What posting a document needs that does not depend on its number: read before the numbering lock
    is taken, so that the serialized part of issuing stays short."""

    activity_section: int
    structure_section: int
    rate: Decimal
    vat_on_debits: bool
    closed: datetime.date | None

    def post(self, invoice, *, by=None) -> Entry:
        spec = invoice_entry_spec(
            invoice,
            activity_section=self.activity_section,
            structure_section=self.structure_section,
            rate=self.rate,
            vat_on_debits=self.vat_on_debits,
        )
        validate(spec, accounts=False)
        return post_entry(spec, by=by, closed=self.closed, checked=True)


def prepare_invoice_posting(invoice, *, date: datetime.date, cooperative=None) -> InvoicePosting:
    """Resolve sections, rate and closing date of a document about to be issued on ``date``; refuses a
    closed period before anything is numbered."""
    if cooperative is None:
        cooperative = cooperative_current()
    closed = cooperative.ledger_closed_until if cooperative else None
    check_open(date, closed)
    activity_section, structure_section = sections_for(invoice.activity_id)
    rate_date = date
    if invoice.kind == DocumentKind.CREDIT_NOTE and invoice.credited_invoice_id:
        rate_date = invoice.credited_invoice.date or date
    return InvoicePosting(
        activity_section=activity_section,
        structure_section=structure_section,
        rate=contribution_rate(invoice.activity_id, invoice.entrepreneur, rate_date, cooperative),
        vat_on_debits=bool(cooperative and cooperative.vat_on_debits),
        closed=closed,
    )


def post_invoice(invoice, *, by=None, cooperative=None) -> Entry:
    """Post an issued invoice or credit note (call inside the issuing transaction)."""
    return prepare_invoice_posting(invoice, date=invoice.date, cooperative=cooperative).post(invoice, by=by)


# --- payments ---------------------------------------------------------------------------------------------


def payment_vat_share(invoice, amount: Decimal, already_paid: Decimal) -> Decimal:
    """The VAT a payment makes due: its share of the invoice's VAT, the last payment taking the remainder."""
    if not invoice.total_vat or not invoice.total_ttc:
        return ZERO
    if already_paid + amount >= invoice.total_ttc:
        before = round_cents(invoice.total_vat * min(already_paid, invoice.total_ttc) / invoice.total_ttc)
        return invoice.total_vat - before
    return round_cents(invoice.total_vat * (already_paid + amount) / invoice.total_ttc) - round_cents(
        invoice.total_vat * already_paid / invoice.total_ttc
    )


def payment_entry_spec(
    payment, invoice, *, activity_section: int, already_paid: Decimal, vat_on_debits: bool = False
) -> EntrySpec:
    aux = customer_aux(invoice.customer_id)
    name = invoice.buyer_name or str(invoice.customer_id)
    label = _("Règlement %(number)s %(name)s") % {"number": invoice.number, "name": name}
    lines = [
        Line(chart.BANK, activity_section, debit=payment.amount),
        Line(chart.CUSTOMERS, activity_section, credit=payment.amount, aux_code=aux, aux_label=name[:200]),
    ]
    if vat_waits_for_payment(invoice, vat_on_debits):
        share = payment_vat_share(invoice, payment.amount, already_paid)
        if share > 0:
            lines.append(Line(chart.VAT_PENDING, activity_section, debit=share, label=_("TVA exigible")))
            lines.append(Line(chart.VAT_COLLECTED, activity_section, credit=share, label=_("TVA exigible")))
    return EntrySpec(
        journal=journal_code("bank"),
        date=payment.date,
        label=label,
        lines=lines,
        piece_ref=payment.reference or invoice.number,
        piece_date=payment.date,
        source="payment",
        invoice_id=invoice.pk,
        payment_id=payment.pk,
        entrepreneur_id=invoice.entrepreneur_id,
    )


def post_payment(payment, invoice, *, already_paid: Decimal, by=None, cooperative=None) -> Entry:
    """Post a payment received (call inside the transaction that records it). ``already_paid``: before it."""
    if cooperative is None:
        cooperative = cooperative_current()
    activity_section, _structure = sections_for(invoice.activity_id)
    spec = payment_entry_spec(
        payment,
        invoice,
        activity_section=activity_section,
        already_paid=already_paid,
        vat_on_debits=bool(cooperative and cooperative.vat_on_debits),
    )
    validate(spec, accounts=False)
    return post_entry(
        spec, by=by, closed=cooperative.ledger_closed_until if cooperative else None, checked=True
    )


def post_payment_cancel(payment, *, by=None, date: datetime.date | None = None) -> Entry | None:
    """Reverse the entry of a cancelled payment (none for a payment recorded before the ledger existed)."""
    entry = Entry.objects.filter(payment=payment, reversal_of__isnull=True).first()
    if entry is None:
        return None
    return reverse_entry(
        entry, by=by, date=date, label=_("Annulation du règlement %(number)s") % {"number": entry.fec_number}
    )


# --- expenses ---------------------------------------------------------------------------------------------


def entrepreneur_aux(entrepreneur_id: int) -> str:
    return f"E{entrepreneur_id:06d}"


def _expense_creditor(expense) -> tuple[str, str, str]:
    """``(account, aux code, aux label)`` of whom the expense is owed to: the supplier (401) or, for an
    expense report, the entrepreneur who paid it (421)."""
    from comptabilite.models import ExpenseKind

    if expense.kind == ExpenseKind.SUPPLIER:
        name = expense.supplier or _("Fournisseur")
        return chart.SUPPLIERS, supplier_aux(name), name[:200]
    person = expense.entrepreneur
    return chart.SALARIES_DUE, entrepreneur_aux(expense.entrepreneur_id), str(person)[:200]


def expense_entry_spec(expense, *, activity_section: int) -> EntrySpec:
    """The purchase entry of a validated expense: charge (HT), deductible VAT, owed to the creditor (TTC)."""
    account, aux, aux_label = _expense_creditor(expense)
    label = f"{expense.get_kind_display()} {expense.description}"[:200]
    lines = [Line(expense.account_code, activity_section, debit=expense.amount_ht)]
    if expense.vat:
        lines.append(Line(chart.VAT_DEDUCTIBLE, activity_section, debit=expense.vat))
    lines.append(
        Line(account, activity_section, credit=expense.amount_ttc, aux_code=aux, aux_label=aux_label)
    )
    return EntrySpec(
        journal=journal_code("purchases"),
        date=expense.date,
        label=label,
        lines=lines,
        piece_ref=(expense.supplier_invoice_number or f"ND{expense.pk}")[:60],
        piece_date=expense.date,
        source="expense",
        expense_id=expense.pk,
        entrepreneur_id=expense.entrepreneur_id,
    )


def expense_payment_spec(expense, *, activity_section: int, date: datetime.date) -> EntrySpec:
    """The bank entry paying a validated expense to its creditor."""
    account, aux, aux_label = _expense_creditor(expense)
    return EntrySpec(
        journal=journal_code("bank"),
        date=date,
        label=(_("Paiement %(what)s") % {"what": expense.description})[:200],
        lines=[
            Line(account, activity_section, debit=expense.amount_ttc, aux_code=aux, aux_label=aux_label),
            Line(chart.BANK, activity_section, credit=expense.amount_ttc),
        ],
        piece_ref=(expense.payment_reference or expense.supplier_invoice_number or f"ND{expense.pk}")[:60],
        piece_date=date,
        source="expense_payment",
        expense_id=expense.pk,
        entrepreneur_id=expense.entrepreneur_id,
    )
