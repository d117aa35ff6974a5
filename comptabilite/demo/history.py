"""The demo's invoices year by year: 2017 as its activity report tells it, a lighter volume otherwise."""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass
from decimal import Decimal

from comptabilite.demo.amounts import INVOICES_2017, MIN_INVOICE, Person, plan_2017, split_amount
from comptabilite.demo.builder import Builder, Doc, at
from comptabilite.models import DunningLevel, EventKind, InvoiceStatus
from entrepreneurs.models import Activity, Entrepreneur

REPORT_YEAR = 2017
DAY = datetime.timedelta(days=1)


@dataclass
class Presence:
    person: Entrepreneur
    activity: Activity
    start: datetime.date  # entry date
    end: datetime.date  # last day present (the day before the exit, or today)
    rate: Decimal  # effective contribution rate, percent
    annual: float = 0.0  # the activity's yearly turnover in euros, kept from year to year

    def within(self, first: datetime.date, last: datetime.date) -> tuple[datetime.date, datetime.date] | None:
        start, end = max(self.start, first), min(self.end, last)
        return (start, end) if start <= end else None


def working_day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    """A random day of [start, end], moved off the weekend when the window allows it."""
    day = start + datetime.timedelta(days=rng.randint(0, (end - start).days))
    for candidate in (day - DAY * (day.weekday() - 4), day + DAY * (7 - day.weekday())):
        if day.weekday() >= 5 and start <= candidate <= end:
            return candidate
    return day


def build_2017(builder: Builder, presences: list[Presence], rng: random.Random) -> dict[int, Decimal]:
    """The 2017 invoices; returns the contribution rates the plan gave to the largest activities."""
    first, last = datetime.date(REPORT_YEAR, 1, 1), datetime.date(REPORT_YEAR, 12, 31)
    present = {p.person.pk: p for p in presences if p.within(first, last)}
    people = []
    for presence in present.values():
        start, end = presence.within(first, last)
        people.append(Person(key=presence.person.pk, start=start, end=end, rate=presence.rate))
    plan = plan_2017(people, rng)
    for person in plan:
        presence = present[person.key]
        presence.annual = person.turnover / 100 * 365 / person.days
        for amount in person.invoices:
            day = working_day(rng, person.start, person.end)
            doc = builder.invoice(person=presence.person, activity=presence.activity, day=day, amount=amount)
            pay_in_full(builder, doc, rng)
    assert sum(len(person.invoices) for person in plan) == INVOICES_2017
    return {person.key: person.rate for person in plan if person.band == "large"}


def pay_in_full(builder: Builder, doc: Doc, rng: random.Random) -> None:
    day = doc.invoice.date + datetime.timedelta(days=rng.randint(3, 55))
    if day < builder.today:
        builder.pay(doc, day)


def build_year(builder: Builder, presences: list[Presence], year: int, rng: random.Random) -> None:
    """A few invoices per person present in ``year`` (up to today for the current year), for a yearly
    turnover close to the person's 2017 one, growing a little every year."""
    first, last = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), builder.today)
    growth = 1.04 ** (year - REPORT_YEAR)
    for presence in presences:
        window = presence.within(first, last)
        if window is None:
            continue
        if not presence.annual:
            presence.annual = min(max(rng.lognormvariate(math.log(7_000), 0.9), 800), 60_000)
        share = ((window[1] - window[0]).days + 1) / 365
        total = int(presence.annual * growth * share * rng.uniform(0.8, 1.2) * 100)
        count = max(1, round(rng.uniform(1.5, 4.0) * share))
        for amount in split_amount(max(total, MIN_INVOICE), count, rng):
            day = working_day(rng, *window)
            doc = builder.invoice(person=presence.person, activity=presence.activity, day=day, amount=amount)
            if year < builder.today.year:
                pay_in_full(builder, doc, rng)
            else:
                _current_year_life(builder, doc, rng)


def _current_year_life(builder: Builder, doc: Doc, rng: random.Random) -> None:
    """Current year: the older the invoice, the likelier it is paid; its history is logged."""
    invoice, today = doc.invoice, builder.today
    builder.event(doc, EventKind.ISSUED, invoice.issued_at, builder.accountant, data={"number": ""})
    age = (today - invoice.date).days
    chance = 0.93 if age > 60 else 0.6 if age > 30 else 0.3
    if age < 4 or rng.random() > chance:
        return
    day = invoice.date + datetime.timedelta(days=rng.randint(3, min(age - 1, 55)))
    partial = rng.random() < 0.06
    amount = (invoice.total_ttc * Decimal("0.5")).quantize(Decimal("0.01")) if partial else None
    payment = builder.pay(doc, day, amount)
    builder.event(
        doc,
        EventKind.PAYMENT,
        at(day, 11),
        builder.accountant,
        data={"amount": f"{payment.amount:.2f}", "date": day.isoformat(), "method": payment.method},
    )


def past_reminders(builder: Builder, levels: list[DunningLevel]) -> None:
    """Reminders already sent for this year's overdue invoices, as the daily run would have sent them.

    Levels that fell due in the last three days are left to ``dunning_prepare`` (prepared, to review).
    """
    today = builder.today
    for doc in builder.docs:
        invoice = doc.invoice
        if invoice.status != InvoiceStatus.ISSUED or invoice.due_date is None or invoice.amount_due <= 0:
            continue
        if doc.reminders or invoice.is_credit_note:
            continue
        for level in levels:
            day = invoice.due_date + datetime.timedelta(days=level.days_after_due)
            if day > today - datetime.timedelta(days=3):
                break
            builder.remind(doc, level, day, sent=True)
