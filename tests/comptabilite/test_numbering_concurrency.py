"""Numbering under concurrency, on PostgreSQL: 8 processes issue 50 documents each, ~10 % roll back.

Each process has its own database connection; the counter row lock serializes them. Whatever the
interleaving, the committed numbers are 1..N without a gap or a duplicate, and the rolled-back
documents got no number (their increment rolled back with them).
"""

from __future__ import annotations

import multiprocessing
import random
import time

import pytest
from django.db import connection, connections, transaction

from comptabilite import services
from comptabilite.models import Invoice, InvoiceLine, InvoiceStatus, NumberingCounter
from tests.comptabilite.conftest import controlled

PROCESSES = 8
PER_PROCESS = 50


class _RolledBack(Exception):
    pass


def _issue_all(invoice_ids: list[int], staff_id: int, seed: int, results) -> None:
    """Runs in a forked child: its own connection is opened on first use."""
    from coodyssee.models import User

    rng = random.Random(seed)
    staff = User.objects.get(pk=staff_id)
    committed, rolled_back, errors = [], [], []
    started = time.monotonic()
    for invoice_id in invoice_ids:
        try:
            with transaction.atomic():
                invoice = services.invoice_issue(by=staff, invoice=Invoice(pk=invoice_id))
                if rng.random() < 0.1:
                    raise _RolledBack
            committed.append((invoice_id, invoice.number, invoice.sequence))
        except _RolledBack:
            rolled_back.append(invoice_id)
        except Exception as error:  # reported to the parent, which fails the test
            errors.append(repr(error))
    connections.close_all()
    results.put((committed, rolled_back, errors, (started, time.monotonic())))


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_leave_no_gap_and_no_duplicate(coop, entrepreneur, accountant, activity, customer):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serializes every writer (BEGIN IMMEDIATE), so there is no concurrency "
            "to test; run with DATABASE_URL=postgres://…"
        )
    template = controlled(entrepreneur, accountant, activity, customer)
    template_line = template.lines.get()
    copies = []
    for _n in range(PROCESSES * PER_PROCESS - 1):
        copy = Invoice.objects.get(pk=template.pk)
        copy.pk = None
        copy._state.adding = True
        copies.append(copy)
    Invoice.objects.bulk_create(copies)
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=copy,
                description=template_line.description,
                quantity=template_line.quantity,
                unit_price=template_line.unit_price,
                vat_rate=template_line.vat_rate,
                total_ht=template_line.total_ht,
            )
            for copy in copies
        ]
    )
    ids = sorted(Invoice.objects.filter(status=InvoiceStatus.CONTROLLED).values_list("pk", flat=True))
    assert len(ids) == PROCESSES * PER_PROCESS

    connections.close_all()  # children must not share the parent's connection
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [
        context.Process(target=_issue_all, args=(ids[n::PROCESSES], accountant.pk, n, results))
        for n in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=300) for _worker in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0

    committed = [row for done, _rolled, _errors, _span in outcomes for row in done]
    rolled_back = [pk for _done, rolled, _errors, _span in outcomes for pk in rolled]
    assert [error for _done, _rolled, errors, _span in outcomes for error in errors] == []
    assert len(committed) + len(rolled_back) == PROCESSES * PER_PROCESS
    spans = [span for *_rest, span in outcomes]
    assert max(start for start, _end in spans) < min(end for _start, end in spans)  # all ran at once
    assert 10 <= len(rolled_back) <= 80  # about 10 %

    numbers = [number for _pk, number, _sequence in committed]
    assert len(set(numbers)) == len(numbers)
    stored = sorted(Invoice.objects.filter(status=InvoiceStatus.ISSUED).values_list("sequence", flat=True))
    assert stored == list(range(1, len(committed) + 1))
    year = Invoice.objects.filter(status=InvoiceStatus.ISSUED).values_list("year", flat=True).first()
    assert NumberingCounter.objects.get(series="invoice", year=year).last == len(committed)
    untouched = Invoice.objects.filter(pk__in=rolled_back)
    assert set(untouched.values_list("status", "number")) == {(InvoiceStatus.CONTROLLED, "")}
