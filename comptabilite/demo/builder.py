"""Builds demo documents in memory, then writes them all with ``bulk_create`` (no PDF is rendered).

Issued documents are numbered at the end, per series and year in date order, exactly as live issuing
would have numbered them; the counters are set to the last rank so live issuing continues the series.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from comptabilite import numbering
from comptabilite.demo.catalogue import CATALOGUE, GENERIC, customer_values, exemption_for, vat_rate_in
from comptabilite.demo.fastinsert import fast_insert
from comptabilite.models import (
    Customer,
    DocumentEvent,
    DocumentKind,
    DunningLevel,
    DunningLog,
    DunningStatus,
    EventKind,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    NumberingCounter,
    Payment,
    PaymentMethod,
    Quote,
    QuoteLine,
    QuoteStatus,
)
from comptabilite.parties import buyer_fields, recovery_indemnity_for, seller_fields
from comptabilite.totals import document_totals, due_date_for, line_total
from coodyssee.models import Cooperative
from coodyssee.money import ZERO
from entrepreneurs.demo.names import FIRST_NAMES, LAST_NAMES
from entrepreneurs.models import Activity, Entrepreneur

PAYMENT_METHODS = (PaymentMethod.TRANSFER,) * 14 + (PaymentMethod.CHEQUE,) * 5 + (PaymentMethod.CARD,)


@dataclass
class Doc:
    invoice: Invoice
    lines: list[InvoiceLine]
    order: int
    payments: list[Payment] = field(default_factory=list)
    events: list[DocumentEvent] = field(default_factory=list)
    reminders: list[tuple[DunningLevel, datetime.date, bool]] = field(default_factory=list)
    credited: Doc | None = None


@dataclass
class QuoteDoc:
    quote: Quote
    lines: list[QuoteLine]
    events: list[DocumentEvent] = field(default_factory=list)


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class Builder:
    def __init__(self, *, cooperative: Cooperative, rng: random.Random, today: datetime.date, accountant):
        self.cooperative = cooperative
        self.rng = rng
        self.today = today
        self.accountant = accountant
        self.seller = seller_fields(cooperative)
        self.customers: list[Customer] = []
        self.pools: dict[int, list[Customer]] = {}
        self.docs: list[Doc] = []
        self.quotes: list[QuoteDoc] = []

    # --- customers and lines ---------------------------------------------------------------------

    def add_customer(self, activity: Activity, **values) -> Customer:
        customer = Customer(activity=activity, **values)
        self.customers.append(customer)
        self.pools.setdefault(activity.pk, []).append(customer)
        return customer

    def customer(self, activity: Activity) -> Customer:
        """A customer of the activity: a few regulars and occasional new ones (a long tail)."""
        pool = self.pools.setdefault(activity.pk, [])
        if len(pool) < 2 or (len(pool) < 12 and self.rng.random() < 0.12):
            return self.add_customer(activity, **customer_values(self.rng, FIRST_NAMES, LAST_NAMES))
        return pool[min(int(self.rng.expovariate(0.6)), len(pool) - 1)]

    @staticmethod
    def catalogue(activity: Activity):
        rate, category, items = CATALOGUE.get(activity.name, GENERIC)
        return Decimal(rate), category, [(d, unit, Decimal(price)) for d, unit, price in items]

    def lines_for(self, activity: Activity, amount: int, year: int) -> tuple[list[tuple], Decimal]:
        """``(description, quantity, unit, unit price, total)`` rows summing to ``amount`` cents."""
        rate, _category, items = self.catalogue(activity)
        description, unit, price = self.rng.choice(items)
        target = Decimal(amount) / 100
        quantity = int(target / price)
        rows = []
        if quantity >= 1:
            rows.append((description, Decimal(quantity), unit, price, line_total(Decimal(quantity), price)))
        rest = target - sum((row[4] for row in rows), ZERO)
        if rest > 0:
            label = (
                description
                if not rows
                else self.rng.choice(("Frais de déplacement", "Fournitures", "Forfait"))
            )
            rows.append((label, Decimal(1), "", rest, rest))
        return rows, vat_rate_in(rate, year)

    # --- documents ---------------------------------------------------------------------------------

    def invoice(
        self,
        *,
        person: Entrepreneur,
        activity: Activity,
        day: datetime.date,
        amount: int | None = None,
        rows: list[tuple] | None = None,
        rate: Decimal | None = None,
        customer: Customer | None = None,
        status: str = InvoiceStatus.ISSUED,
        kind: str = DocumentKind.INVOICE,
        credited: Doc | None = None,
        quote: QuoteDoc | None = None,
        subject: str = "",
    ) -> Doc:
        if rows is None:
            rows, rate = self.lines_for(activity, amount, day.year)
        _vat, category, _items = self.catalogue(activity)
        customer = customer or (credited.invoice.customer if credited else self.customer(activity))
        invoice = Invoice(
            kind=kind,
            status=status,
            activity=activity,
            entrepreneur=person,
            customer=customer,
            quote=quote.quote if quote else None,
            subject=subject,
            operation_category=category,
            payment_terms_days=self.cooperative.payment_terms_days,
            late_penalty_rate=self.cooperative.late_penalty_rate,
            recovery_indemnity=ZERO if kind == DocumentKind.CREDIT_NOTE else recovery_indemnity_for(customer),
            vat_exemption=exemption_for(rate),
            created_by=person.user,
        )
        lines = [
            InvoiceLine(
                position=n,
                description=description,
                quantity=quantity,
                unit=unit,
                unit_price=price,
                vat_rate=rate,
                total_ht=total,
            )
            for n, (description, quantity, unit, price, total) in enumerate(rows, 1)
        ]
        invoice.total_ht = sum((line.total_ht for line in lines), ZERO)
        totals = document_totals((line.vat_rate, line.total_ht) for line in lines)
        invoice.total_vat, invoice.total_ttc = totals.total_vat, totals.total_ttc
        invoice.vat_breakdown = totals.breakdown_json()
        doc = Doc(invoice=invoice, lines=lines, order=len(self.docs), credited=credited)
        if status == InvoiceStatus.ISSUED:
            self._issue(doc, day)
        if credited is not None:
            credited.invoice.amount_credited += invoice.total_ttc
        self.docs.append(doc)
        return doc

    def _issue(self, doc: Doc, day: datetime.date) -> None:
        invoice = doc.invoice
        invoice.date = day
        if invoice.kind == DocumentKind.INVOICE:
            invoice.due_date = due_date_for(day, days=invoice.payment_terms_days)
        for name, value in {**self.seller, **buyer_fields(invoice.customer)}.items():
            setattr(invoice, name, value)
        moment = at(day, 9 + doc.order % 8, doc.order % 60)
        invoice.submitted_at = invoice.controlled_at = invoice.issued_at = moment
        invoice.submitted_by = invoice.created_by
        invoice.controlled_by = invoice.issued_by = self.accountant

    def pay(self, doc: Doc, day: datetime.date, amount: Decimal | None = None) -> Payment:
        invoice = doc.invoice
        amount = invoice.amount_due if amount is None else amount
        payment = Payment(
            invoice=invoice,
            date=day,
            amount=amount,
            method=self.rng.choice(PAYMENT_METHODS),
            reference=f"VIR {invoice.buyer_name[:20].upper()}" if self.rng.random() < 0.5 else "",
            recorded_by=self.accountant,
        )
        invoice.amount_paid += amount
        doc.payments.append(payment)
        return payment

    def event(self, target: Doc | QuoteDoc, kind: str, when: datetime.datetime, actor=None, **extra) -> None:
        event = DocumentEvent(
            kind=kind, at=when, actor=actor, actor_label=str(actor) if actor else "système", **extra
        )
        if isinstance(target, Doc):
            event.invoice = target.invoice
        else:
            event.quote = target.quote
        target.events.append(event)

    def quote(
        self,
        *,
        person: Entrepreneur,
        activity: Activity,
        day: datetime.date,
        amount: int,
        status: str,
        customer: Customer | None = None,
        subject: str = "",
    ) -> QuoteDoc:
        rows, rate = self.lines_for(activity, amount, day.year)
        _vat, category, _items = self.catalogue(activity)
        quote = Quote(
            activity=activity,
            entrepreneur=person,
            customer=customer or self.customer(activity),
            status=status,
            date=day,
            valid_until=day + datetime.timedelta(days=30),
            subject=subject,
            operation_category=category,
            vat_exemption=exemption_for(rate),
            created_by=person.user,
            decided_on=day + datetime.timedelta(days=6)
            if status in (QuoteStatus.ACCEPTED, QuoteStatus.REFUSED, QuoteStatus.INVOICED)
            else None,
        )
        lines = [
            QuoteLine(position=n, description=d, quantity=q, unit=u, unit_price=p, vat_rate=rate, total_ht=t)
            for n, (d, q, u, p, t) in enumerate(rows, 1)
        ]
        totals = document_totals((line.vat_rate, line.total_ht) for line in lines)
        quote.total_ht, quote.total_vat, quote.total_ttc = totals.total_ht, totals.total_vat, totals.total_ttc
        quote.vat_breakdown = totals.breakdown_json()
        doc = QuoteDoc(quote=quote, lines=lines)
        self.quotes.append(doc)
        return doc

    def remind(self, doc: Doc, level: DunningLevel, day: datetime.date, *, sent: bool) -> None:
        """A reminder of ``doc`` at ``level`` prepared on ``day`` (its text is rendered once numbered)."""
        doc.reminders.append((level, day, sent))
        self.event(doc, EventKind.REMINDER, at(day, 7), None, data={"level": level.name})
        if sent:
            self.event(
                doc,
                EventKind.REMINDER_SENT,
                at(day, 8, 30),
                self.accountant,
                data={"level": level.name, "channel": level.channel, "to": doc.invoice.buyer_email},
            )

    def _reminder_logs(self) -> list[DunningLog]:
        from comptabilite.services.dunning import render_reminder

        logs = []
        for doc in self.docs:
            for level, day, sent in doc.reminders:
                logs.append(
                    DunningLog(
                        invoice=doc.invoice,
                        level=level,
                        prepared_on=day,
                        channel=level.channel,
                        sent_to=doc.invoice.buyer_email,
                        status=DunningStatus.SENT if sent else DunningStatus.PREPARED,
                        sent_at=at(day, 8, 30) if sent else None,
                        sent_by=self.accountant if sent else None,
                        **render_reminder(level, doc.invoice, day, self.cooperative),
                    )
                )
        return logs

    # --- writing -----------------------------------------------------------------------------------

    def _number(self) -> dict[tuple[str, int], int]:
        """Number the issued documents and the quotes in date order, after any number already given."""
        last = {(c.series, c.year): c.last for c in NumberingCounter.objects.all()}
        issued = [doc for doc in self.docs if doc.invoice.status == InvoiceStatus.ISSUED]
        for doc in sorted(issued, key=lambda d: (d.invoice.date, d.order)):
            series, number_format = numbering.series_for_kind(doc.invoice.kind, self.cooperative)
            key = (series, doc.invoice.date.year)
            last[key] = last.get(key, 0) + 1
            invoice = doc.invoice
            invoice.series, invoice.year, invoice.sequence = series, key[1], last[key]
            invoice.number = number_format.render(year=key[1], seq=last[key])
            for event in doc.events:
                if event.kind == EventKind.ISSUED:
                    event.data = {"number": invoice.number}
        series, quote_format = numbering.quote_series(self.cooperative)
        for doc in sorted(self.quotes, key=lambda d: d.quote.date):
            quote = doc.quote
            key = (series, quote.date.year)
            last[key] = last.get(key, 0) + 1
            quote.series, quote.year, quote.sequence = series, key[1], last[key]
            quote.number = quote_format.render(year=key[1], seq=last[key])
        return last

    def save(self) -> None:
        counters = self._number()
        fast_insert(Customer, self.customers)
        fast_insert(Quote, [doc.quote for doc in self.quotes])
        for doc in self.quotes:
            for line in doc.lines:
                line.quote = doc.quote
        fast_insert(QuoteLine, [line for doc in self.quotes for line in doc.lines])
        originals = [doc for doc in self.docs if doc.credited is None]
        credit_notes = [doc for doc in self.docs if doc.credited is not None]
        fast_insert(Invoice, [doc.invoice for doc in originals])
        for doc in credit_notes:
            doc.invoice.credited_invoice = doc.credited.invoice
        fast_insert(Invoice, [doc.invoice for doc in credit_notes])
        for doc in self.docs:
            for line in doc.lines:
                line.invoice = doc.invoice
        fast_insert(InvoiceLine, [line for doc in self.docs for line in doc.lines])
        fast_insert(Payment, [p for doc in self.docs for p in doc.payments])
        events = [e for doc in self.docs for e in doc.events] + [e for doc in self.quotes for e in doc.events]
        fast_insert(DocumentEvent, events)
        fast_insert(DunningLog, self._reminder_logs())
        stored = {(c.series, c.year): c for c in NumberingCounter.objects.all()}
        for key, rank in counters.items():
            if key in stored:
                stored[key].last = rank
        NumberingCounter.objects.bulk_update(list(stored.values()), ["last"])
        fast_insert(
            NumberingCounter,
            [
                NumberingCounter(series=s, year=y, last=rank)
                for (s, y), rank in counters.items()
                if (s, y) not in stored
            ],
        )
