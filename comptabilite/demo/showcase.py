"""Documents of the current weeks in every state, placed relative to today for the demo accounts.

Lucie Faure (entrepreneur@demo.coodyssee.fr) has quotes in each status, drafts (one returned by the
control with a comment), a submitted and a controlled invoice, issued invoices unpaid, partly paid,
paid and overdue with reminders, and a credit note. A few other entrepreneurs have documents waiting in
the control queue and an overdue invoice, so the staff's pages are not empty either.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from comptabilite.demo.builder import Builder, Doc, QuoteDoc, at
from comptabilite.demo.catalogue import RETURN_COMMENTS
from comptabilite.demo.history import Presence
from comptabilite.models import (
    CONTROL_CHECKLIST,
    CustomerKind,
    DocumentKind,
    DunningLevel,
    EventKind,
    InvoiceStatus,
    QuoteStatus,
)

ALL_TICKED = {key: True for key, _label in CONTROL_CHECKLIST}


def _ago(builder: Builder, days: int) -> datetime.date:
    return builder.today - datetime.timedelta(days=days)


def _workflow(builder: Builder, doc: Doc, created: datetime.date, *, upto: str) -> None:
    """History events of a document up to ``upto`` (submitted, accepted or issued)."""
    author = doc.invoice.entrepreneur.user
    builder.event(doc, EventKind.CREATED, at(created, 9), author)
    if upto == InvoiceStatus.DRAFT:
        return
    builder.event(doc, EventKind.SUBMITTED, at(created, 17), author)
    doc.invoice.submitted_at, doc.invoice.submitted_by = at(created, 17), author
    if upto == InvoiceStatus.SUBMITTED:
        return
    checked = created + datetime.timedelta(days=1)
    builder.event(
        doc, EventKind.ACCEPTED, at(checked, 10), builder.accountant, data={"checklist": ALL_TICKED}
    )
    doc.invoice.controlled_at, doc.invoice.controlled_by = at(checked, 10), builder.accountant
    if upto == InvoiceStatus.ISSUED:
        builder.event(doc, EventKind.ISSUED, doc.invoice.issued_at, builder.accountant, data={"number": ""})


def _draft(builder: Builder, presence: Presence, *, days_ago: int, amount: int, status: str, **kw) -> Doc:
    doc = builder.invoice(
        person=presence.person,
        activity=presence.activity,
        day=_ago(builder, days_ago),
        amount=amount,
        status=status,
        **kw,
    )
    _workflow(builder, doc, _ago(builder, days_ago), upto=status)
    return doc


def _issued(builder: Builder, presence: Presence, *, days_ago: int, amount: int, **kw) -> Doc:
    day = _ago(builder, days_ago)
    doc = builder.invoice(person=presence.person, activity=presence.activity, day=day, amount=amount, **kw)
    _workflow(builder, doc, day - datetime.timedelta(days=2), upto=InvoiceStatus.ISSUED)
    return doc


def _pay(builder: Builder, doc: Doc, days_ago: int, amount: Decimal | None = None) -> None:
    day = _ago(builder, days_ago)
    payment = builder.pay(doc, day, amount)
    builder.event(
        doc,
        EventKind.PAYMENT,
        at(day, 11),
        builder.accountant,
        data={
            "amount": f"{payment.amount:.2f}",
            "date": day.isoformat(),
            "method": payment.method,
            "paid": doc.invoice.amount_due <= 0,
        },
    )


def _quote(
    builder: Builder, presence: Presence, *, days_ago: int, amount: int, status: str, **kw
) -> QuoteDoc:
    quote = builder.quote(
        person=presence.person,
        activity=presence.activity,
        day=_ago(builder, days_ago),
        amount=amount,
        status=status,
        **kw,
    )
    builder.event(quote, EventKind.CREATED, at(quote.quote.date, 9), presence.person.user)
    if status != QuoteStatus.DRAFT:
        builder.event(
            quote,
            EventKind.QUOTE_STATUS,
            at(quote.quote.date, 15),
            presence.person.user,
            data={"from": "draft", "to": "sent"},
        )
    if status in (QuoteStatus.ACCEPTED, QuoteStatus.REFUSED, QuoteStatus.INVOICED):
        decided = "accepted" if status == QuoteStatus.INVOICED else status
        builder.event(
            quote,
            EventKind.QUOTE_STATUS,
            at(quote.quote.decided_on, 10),
            presence.person.user,
            data={"from": "sent", "to": decided},
        )
    return quote


def build_showcase(
    builder: Builder, lucie: Presence, others: list[Presence], levels: list[DunningLevel]
) -> None:
    regular = builder.add_customer(
        lucie.activity,
        kind=CustomerKind.COMPANY,
        name="SARL Les Jardins du Buëch",
        address_line1="14 route de Grenoble",
        postcode="05400",
        city="Veynes",
        siren="830518973",
        siret="83051897300011",
        email="compta@jardins-buech.example",
    )
    town_hall = builder.add_customer(
        lucie.activity,
        kind=CustomerKind.COMPANY,
        name="Mairie de Chorges",
        address_line1="Place de la Mairie",
        postcode="05230",
        city="Chorges",
        siren="210500393",
        email="mairie@chorges.example",
    )
    private = builder.add_customer(
        lucie.activity,
        kind=CustomerKind.PERSON,
        name="Mme Hélène Garcin",
        address_line1="3 chemin des Prés",
        postcode="05000",
        city="Gap",
        email="helene.garcin@courriel.example",
    )

    # Quotes in each status; the invoiced one became the paid invoice below.
    _quote(
        builder,
        lucie,
        days_ago=2,
        amount=84_000,
        status=QuoteStatus.DRAFT,
        customer=town_hall,
        subject="Ateliers de l'été",
    )
    _quote(
        builder,
        lucie,
        days_ago=12,
        amount=126_000,
        status=QuoteStatus.SENT,
        customer=regular,
        subject="Refonte de la signalétique",
    )
    _quote(builder, lucie, days_ago=40, amount=52_000, status=QuoteStatus.ACCEPTED, customer=private)
    _quote(builder, lucie, days_ago=60, amount=310_000, status=QuoteStatus.REFUSED, customer=regular)
    invoiced = _quote(
        builder, lucie, days_ago=100, amount=98_000, status=QuoteStatus.INVOICED, customer=town_hall
    )

    # Drafts, one returned by the control with a comment, one waiting for control, one ready to issue.
    _draft(builder, lucie, days_ago=1, amount=45_000, status=InvoiceStatus.DRAFT, customer=private)
    returned = _draft(builder, lucie, days_ago=6, amount=72_000, status=InvoiceStatus.DRAFT, customer=regular)
    builder.event(returned, EventKind.SUBMITTED, at(_ago(builder, 6), 17), lucie.person.user)
    builder.event(
        returned,
        EventKind.RETURNED,
        at(_ago(builder, 5), 10),
        builder.accountant,
        comment=RETURN_COMMENTS[0],
        data={"checklist": {**ALL_TICKED, "lines": False}},
    )
    returned.invoice.return_comment = RETURN_COMMENTS[0]
    _draft(builder, lucie, days_ago=2, amount=156_000, status=InvoiceStatus.SUBMITTED, customer=town_hall)
    _draft(builder, lucie, days_ago=4, amount=38_000, status=InvoiceStatus.CONTROLLED, customer=private)

    # Issued: not yet due, partly paid, paid (from the quote), overdue with reminders, credited.
    _issued(builder, lucie, days_ago=8, amount=64_000, customer=regular)
    partly = _issued(builder, lucie, days_ago=25, amount=180_000, customer=town_hall)
    _pay(builder, partly, 10, (partly.invoice.total_ttc * Decimal("0.4")).quantize(Decimal("0.01")))
    paid = _issued(builder, lucie, days_ago=95, amount=98_000, customer=town_hall, quote=invoiced)
    _pay(builder, paid, 70)
    overdue = _issued(builder, lucie, days_ago=80, amount=132_000, customer=regular)
    for level in levels:
        day = overdue.invoice.due_date + datetime.timedelta(days=level.days_after_due)
        if day <= _ago(builder, 3):
            builder.remind(overdue, level, day, sent=level.days_after_due < 45)
    credited = _issued(
        builder,
        lucie,
        days_ago=40,
        amount=150_000,
        customer=regular,
        subject="Animation de la fête du village",
    )
    rate = credited.lines[0].vat_rate
    note = builder.invoice(
        person=lucie.person,
        activity=lucie.activity,
        day=_ago(builder, 33),
        rows=[("Geste commercial : séance annulée", Decimal(1), "", Decimal("250.00"), Decimal("250.00"))],
        rate=rate,
        kind=DocumentKind.CREDIT_NOTE,
        credited=credited,
        subject="Avoir sur la facture de l'animation",
    )
    _workflow(builder, note, _ago(builder, 35), upto=InvoiceStatus.ISSUED)
    _pay(builder, credited, 15)

    # Others: the control queue, a draft, an overdue invoice with its first reminder.
    for n, presence in enumerate(others[:4]):
        _draft(
            builder, presence, days_ago=1 + 3 * n, amount=30_000 + 17_500 * n, status=InvoiceStatus.SUBMITTED
        )
    if len(others) > 4:
        _draft(builder, others[4], days_ago=3, amount=41_000, status=InvoiceStatus.DRAFT)
        late = _issued(builder, others[4], days_ago=50, amount=86_000)
        builder.remind(
            late,
            levels[0],
            late.invoice.due_date + datetime.timedelta(days=levels[0].days_after_due),
            sent=True,
        )
    statuses = list(QuoteStatus)
    for n, presence in enumerate(others[5:25]):
        _quote(builder, presence, days_ago=5 + 4 * n, amount=40_000 + 9_000 * (n % 7), status=statuses[n % 4])
