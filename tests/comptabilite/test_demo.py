"""The demo invoices: the 2017 report's figures come out of the documents, every state is shown, fast."""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from comptabilite import selectors, services
from comptabilite.demo import load_invoices
from comptabilite.models import (
    DocumentKind,
    DunningLog,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    NumberingCounter,
    Payment,
    PaymentStatus,
    Quote,
    QuoteStatus,
)
from coodyssee.demo import load_cooperative, load_demo, load_people
from entrepreneurs.demo import load_journeys
from entrepreneurs.stats import journey_dates
from gouvernance.reports import annual_report_data
from tests.comptabilite.conftest import ALL_TICKED

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference" / "coodyssee-2017.json"
LUCIE = "entrepreneur@demo.coodyssee.fr"


def freeze(time_machine, day: datetime.date) -> None:
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(10), PARIS), tick=False)


@pytest.fixture
def demo(time_machine):
    freeze(time_machine, datetime.date(2026, 11, 28))
    load_demo()


@pytest.mark.parametrize("today", [datetime.date(2026, 11, 28), datetime.date(2029, 6, 13)])
def test_the_2017_figures_come_out_of_the_documents(today, time_machine):
    freeze(time_machine, today)
    load_demo()
    data = annual_report_data(2017)
    assert data["activity"] == {
        "turnover_ht": "979000.00",
        "invoices": 2386,
        "credit_notes": 0,
        "vat_net": "114329.00",
    }
    assert data["mutualisation"] == {
        "total": "103333.00",
        "contributors": 103,
        "contributors_2000_to_4000": 13,
        "contributors_under_300": 26,
    }
    if REFERENCE.is_file():
        reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
        assert data["activity"]["invoices"] == reference["activity"]["invoices_controlled"]
        assert Decimal(data["activity"]["turnover_ht"]) == reference["activity"]["entrepreneurs_turnover_eur"]
        assert Decimal(data["activity"]["vat_net"]) == reference["activity"]["vat_net_paid_eur"]
        assert Decimal(data["mutualisation"]["total"]) == reference["mutualisation"]["realised_eur"]
        assert data["mutualisation"]["contributors"] == reference["mutualisation"]["contributors"]


def test_each_person_accompanied_in_2017_invoiced_while_present(demo):
    from entrepreneurs.models import JourneyStep, StepKind
    from entrepreneurs.rules import ENTRY_KINDS

    entries, exits = {}, {}
    for person, kind, day in JourneyStep.objects.filter(kind__in=[*ENTRY_KINDS, StepKind.EXIT]).values_list(
        "entrepreneur_id", "kind", "date"
    ):
        if kind == StepKind.EXIT:
            exits[person] = day
        else:
            entries[person] = min(day, entries.get(person, day))
    accompanied = {
        person
        for person, entry in entries.items()
        if entry <= datetime.date(2017, 12, 31)
        and (person not in exits or exits[person] > datetime.date(2016, 12, 31))
    }
    assert len(accompanied) == annual_report_data(2017)["headcount"]["accompanied"] == 103
    assert len(journey_dates()) >= 103
    dated = defaultdict(list)
    for person, day in Invoice.objects.filter(date__year=2017).values_list("entrepreneur_id", "date"):
        dated[person].append(day)
    assert set(dated) == accompanied
    for person, days in dated.items():
        assert all(entries[person] <= day and (person not in exits or day < exits[person]) for day in days), (
            person
        )


def test_numbers_are_gapless_chronological_and_the_counters_continue(demo, django_user_model):
    by_series = defaultdict(list)
    for series, year, sequence, date, number in Invoice.objects.filter(
        status=InvoiceStatus.ISSUED
    ).values_list("series", "year", "sequence", "date", "number"):
        by_series[(series, year)].append((sequence, date, number))
    counters = {(c.series, c.year): c.last for c in NumberingCounter.objects.all()}
    for key, rows in by_series.items():
        rows.sort()
        assert [sequence for sequence, _date, _number in rows] == list(range(1, len(rows) + 1)), key
        assert [date for _sequence, date, _number in rows] == sorted(date for _s, date, _n in rows), key
        assert counters[key] == len(rows)
    assert by_series[("invoice", 2017)][-1][2] == "2017-02386"
    assert ("quote", 2026) in counters

    accountant = django_user_model.objects.get(email="comptabilite@demo.coodyssee.fr")
    ready = selectors.ready_to_issue().get(entrepreneur__user__email=LUCIE)
    issued = services.invoice_issue(by=accountant, invoice=ready)
    assert issued.number == f"2026-{counters[('invoice', 2026)] + 1:05d}"


def test_documents_of_every_state_for_the_demo_entrepreneur(demo):
    today = datetime.date(2026, 11, 28)
    lucie = Invoice.objects.filter(entrepreneur__user__email=LUCIE)
    statuses = set(lucie.values_list("status", flat=True))
    assert statuses == {
        InvoiceStatus.DRAFT,
        InvoiceStatus.SUBMITTED,
        InvoiceStatus.CONTROLLED,
        InvoiceStatus.ISSUED,
    }
    assert lucie.filter(status=InvoiceStatus.DRAFT).exclude(return_comment="").exists()
    current = lucie.filter(
        status=InvoiceStatus.ISSUED, kind=DocumentKind.INVOICE, date__gte=today - datetime.timedelta(days=120)
    )
    payment_statuses = {invoice.payment_status(today) for invoice in current}
    assert payment_statuses >= {
        PaymentStatus.UNPAID,
        PaymentStatus.PARTLY_PAID,
        PaymentStatus.PAID,
        PaymentStatus.OVERDUE,
    }
    overdue = [invoice for invoice in current if invoice.payment_status(today) == PaymentStatus.OVERDUE]
    assert any(DunningLog.objects.filter(invoice=invoice, status="sent").count() >= 2 for invoice in overdue)
    credit_note = lucie.get(kind=DocumentKind.CREDIT_NOTE)
    assert credit_note.credited_invoice.amount_credited == credit_note.total_ttc
    assert set(Quote.objects.filter(entrepreneur__user__email=LUCIE).values_list("status", flat=True)) == set(
        QuoteStatus
    )
    assert Quote.objects.get(entrepreneur__user__email=LUCIE, status=QuoteStatus.INVOICED).invoices.exists()
    queue = list(selectors.control_queue())
    assert len({invoice.entrepreneur_id for invoice in queue}) >= 3
    assert selectors.overdue_invoices(today).count() >= 5
    assert selectors.reminders_to_send().exists()
    assert not Invoice.objects.exclude(pdf="").exists()  # demo PDFs are rendered on first download
    history = selectors.document_history(invoice=lucie.get(status=InvoiceStatus.DRAFT, return_comment__gt=""))
    assert [event.kind for event in history] == ["created", "submitted", "returned"]


def test_the_stored_amounts_are_consistent(demo):
    lines = defaultdict(Decimal)
    for invoice_id, total in InvoiceLine.objects.values_list("invoice_id", "total_ht"):
        lines[invoice_id] += total
    paid = defaultdict(Decimal)
    for invoice_id, amount in Payment.objects.values_list("invoice_id", "amount"):
        paid[invoice_id] += amount
    count = 0
    for invoice in Invoice.objects.only(
        "pk", "total_ht", "total_vat", "total_ttc", "amount_paid", "vat_breakdown"
    ):
        count += 1
        assert invoice.total_ht == lines[invoice.pk]
        assert invoice.total_ttc == invoice.total_ht + invoice.total_vat
        assert invoice.amount_paid == paid[invoice.pk]
        assert sum(vat for _rate, _base, vat in invoice.vat_lines()) == invoice.total_vat
    assert 5_000 < count < 20_000


def test_a_second_load_adds_nothing(demo):
    before = (
        Invoice.objects.count(),
        Payment.objects.count(),
        Quote.objects.count(),
        DunningLog.objects.count(),
    )
    load_demo()
    assert (
        Invoice.objects.count(),
        Payment.objects.count(),
        Quote.objects.count(),
        DunningLog.objects.count(),
    ) == before


def test_loading_the_invoices_is_quick_in_queries(time_machine, django_assert_max_num_queries):
    # Speed is measured by `make bench` (load_demo), not asserted here: the machines are shared and noisy.
    # What a test can hold is that the documents are written in bulk, not one query per row.
    freeze(time_machine, datetime.date(2026, 11, 28))
    load_cooperative()
    load_people()
    load_journeys()
    with django_assert_max_num_queries(400):
        load_invoices()
    assert Invoice.objects.count() > 5000
    assert ALL_TICKED  # the demo's controlled documents carry the full checklist
