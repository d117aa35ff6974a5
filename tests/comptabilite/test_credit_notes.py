"""Credit notes correct an issued invoice, in whole or in part, never beyond what remains to credit."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from comptabilite import services
from comptabilite.models import DocumentEvent, DocumentKind, EventKind, Invoice
from coodyssee.errors import DomainError
from tests.comptabilite.conftest import ALL_TICKED, draft, issued, line

D = Decimal


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 5, 4, 9, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False)


@pytest.fixture
def invoice(coop, entrepreneur, accountant, activity, customer):
    return issued(
        entrepreneur,
        accountant,
        activity,
        customer,
        [line(quantity="2", unit_price="500.00"), line("Impression", unit_price="200.00", vat_rate="5.50")],
    )


def issue(credit_note: Invoice, staff) -> Invoice:
    services.invoice_submit(by=staff, invoice=credit_note)
    services.invoice_control(by=staff, invoice=credit_note, accept=True, checklist=ALL_TICKED)
    return services.invoice_issue(by=staff, invoice=credit_note)


def test_a_whole_credit_note_copies_every_line(invoice, accountant):
    credit_note = services.credit_note_create(by=accountant, invoice=invoice)
    assert credit_note.kind == DocumentKind.CREDIT_NOTE
    assert credit_note.credited_invoice == invoice
    assert [
        (ln.description, ln.total_ht, ln.credited_line_id) for ln in credit_note.lines.order_by("position")
    ] == [(ln.description, ln.total_ht, ln.pk) for ln in invoice.lines.order_by("position")]
    assert (credit_note.total_ht, credit_note.total_ttc) == (invoice.total_ht, invoice.total_ttc)
    assert credit_note.total_ht > 0  # stored positive; the kind says it is a credit
    credit_note = issue(credit_note, accountant)
    assert credit_note.number == "AV2026-00001"
    assert credit_note.due_date is None and credit_note.recovery_indemnity == 0
    invoice.refresh_from_db()
    assert invoice.amount_credited == invoice.total_ttc
    assert invoice.amount_due == 0
    assert invoice.payment_status(datetime.date(2026, 5, 4)) == "paid"
    assert DocumentEvent.objects.filter(invoice=invoice, kind=EventKind.CREDITED).exists()


def test_a_partial_credit_note_reduces_what_is_due(invoice, accountant):
    credit_note = services.credit_note_create(
        by=accountant,
        invoice=invoice,
        lines=[line("Geste commercial", unit_price="100.00")],
        subject="Remise",
    )
    issue(credit_note, accountant)
    invoice.refresh_from_db()
    assert invoice.amount_credited == D("120.00")
    assert invoice.amount_due == invoice.total_ttc - D("120.00")


def test_credit_cannot_exceed_what_remains_per_rate(invoice, accountant):
    services.credit_note_create(
        by=accountant, invoice=invoice, lines=[line(quantity="1", unit_price="900.00")]
    )
    with pytest.raises(DomainError, match="reste à créditer") as error:
        services.credit_note_create(by=accountant, invoice=invoice, lines=[line(unit_price="100.01")])
    assert "100,00" in error.value.message or "100.00" in error.value.message
    with pytest.raises(DomainError, match="reste à créditer"):  # 10 % was never charged
        services.credit_note_create(
            by=accountant, invoice=invoice, lines=[line(unit_price="1.00", vat_rate="10")]
        )
    with pytest.raises(DomainError):  # a whole credit note no longer fits
        services.credit_note_create(by=accountant, invoice=invoice)
    services.credit_note_create(by=accountant, invoice=invoice, lines=[line(unit_price="100.00")])


def test_the_limit_is_checked_again_at_issue(invoice, accountant):
    first = services.credit_note_create(by=accountant, invoice=invoice)
    issue(first, accountant)
    with pytest.raises(DomainError):
        services.credit_note_create(by=accountant, invoice=invoice, lines=[line(unit_price="1.00")])


def test_two_pending_credit_notes_cannot_both_be_issued(invoice, accountant, monkeypatch):
    first = services.credit_note_create(by=accountant, invoice=invoice)
    # Two people creating credit notes at the same moment: the creation check saw neither.
    with monkeypatch.context() as patch:
        patch.setattr("comptabilite.services.credit_notes.check_credit_within_invoice", lambda *a, **k: None)
        second = services.credit_note_create(
            by=accountant, invoice=invoice, lines=[line(unit_price="1.00", vat_rate="5.50")]
        )
    issue(first, accountant)
    with pytest.raises(DomainError, match="reste à créditer"):
        issue(second, accountant)


def test_only_issued_invoices_are_credited_and_only_by_the_staff(
    coop, invoice, entrepreneur, accountant, activity, customer
):
    with pytest.raises(PermissionDenied):
        services.credit_note_create(by=entrepreneur, invoice=invoice)
    with pytest.raises(DomainError):
        services.credit_note_create(by=accountant, invoice=draft(entrepreneur, activity, customer))
    credit_note = issue(services.credit_note_create(by=accountant, invoice=invoice), accountant)
    with pytest.raises(DomainError):
        services.credit_note_create(by=accountant, invoice=credit_note)


def test_credit_notes_share_the_invoice_series_when_the_cooperative_says_so(coop, invoice, accountant):
    coop.credit_note_number_format = ""
    coop.save()
    credit_note = issue(services.credit_note_create(by=accountant, invoice=invoice), accountant)
    assert (credit_note.series, credit_note.number) == ("invoice", "2026-00002")


def test_an_entrepreneur_cannot_touch_a_credit_note_draft(invoice, entrepreneur, accountant):
    credit_note = services.credit_note_create(
        by=accountant, invoice=invoice, lines=[line(unit_price="10.00")]
    )
    for call in (
        lambda: services.invoice_update(by=entrepreneur, invoice=credit_note, subject="x"),
        lambda: services.invoice_submit(by=entrepreneur, invoice=credit_note),
        lambda: services.invoice_delete_draft(by=entrepreneur, invoice=credit_note),
    ):
        with pytest.raises(PermissionDenied):
            call()
    services.invoice_update(by=accountant, invoice=credit_note, lines=[line(unit_price="20.00")])
    assert Invoice.objects.get(pk=credit_note.pk).total_ht == D("20.00")
