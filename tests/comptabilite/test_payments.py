"""Payments, and the payment status computed from the amounts and the due date (frozen clock)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from comptabilite import selectors, services
from comptabilite.models import DocumentEvent, EventKind, Invoice, PaymentStatus
from coodyssee.errors import DomainError
from tests.comptabilite.conftest import draft

D = Decimal
PARIS = ZoneInfo("Europe/Paris")


def at(day: str, time_machine) -> datetime.date:
    time_machine.move_to(datetime.datetime.fromisoformat(day).replace(hour=10, tzinfo=PARIS), tick=False)
    return datetime.date.fromisoformat(day)


@pytest.fixture
def invoice(time_machine, issued_invoice):
    # Issued on the real "today" of the fixture: move the clock relative to its dates.
    return issued_invoice


def test_statuses_from_unpaid_to_paid(invoice, accountant, time_machine):
    issued_on, due = invoice.date, invoice.due_date
    assert invoice.total_ttc == D("1200.00")
    assert invoice.payment_status(issued_on) == PaymentStatus.UNPAID
    assert invoice.payment_status(due) == PaymentStatus.UNPAID
    assert invoice.payment_status(due + datetime.timedelta(days=1)) == PaymentStatus.OVERDUE

    time_machine.move_to(
        datetime.datetime.combine(due + datetime.timedelta(days=3), datetime.time(10), PARIS), tick=False
    )
    services.payment_record(by=accountant, invoice=invoice, date=due, amount=D("200.00"), method="transfer")
    invoice.refresh_from_db()
    assert invoice.amount_due == D("1000.00")
    assert invoice.payment_status(due) == PaymentStatus.PARTLY_PAID
    assert invoice.payment_status(due + datetime.timedelta(days=3)) == PaymentStatus.OVERDUE
    services.payment_record(
        by=accountant, invoice=invoice, date=due, amount="1000,00", method="cheque", reference="CHQ 1"
    )
    invoice.refresh_from_db()
    assert invoice.payment_status(due + datetime.timedelta(days=3)) == PaymentStatus.PAID
    events = DocumentEvent.objects.filter(invoice=invoice, kind=EventKind.PAYMENT).order_by("pk")
    assert [e.data["paid"] for e in events] == [False, True]


def test_overpayment_is_refused(invoice, accountant):
    with pytest.raises(DomainError, match="reste dû") as error:
        services.payment_record(
            by=accountant, invoice=invoice, date=invoice.date, amount=D("1200.01"), method="cash"
        )
    assert error.value.field == "amount"
    services.payment_record(
        by=accountant, invoice=invoice, date=invoice.date, amount=D("1200.00"), method="cash"
    )
    with pytest.raises(DomainError):
        services.payment_record(
            by=accountant, invoice=invoice, date=invoice.date, amount=D("0.01"), method="cash"
        )


@pytest.mark.parametrize(
    ("amount", "method", "field"),
    [
        (D("0"), "cash", "amount"),
        (D("-5"), "cash", "amount"),
        (D("1.001"), "cash", "amount"),
        (D("5"), "bitcoin", "method"),
    ],
)
def test_wrong_payments_are_refused(invoice, accountant, amount, method, field):
    with pytest.raises(DomainError) as error:
        services.payment_record(
            by=accountant, invoice=invoice, date=invoice.date, amount=amount, method=method
        )
    assert error.value.field == field


def test_a_payment_cannot_be_in_the_future(invoice, accountant):
    with pytest.raises(DomainError) as error:
        services.payment_record(
            by=accountant,
            invoice=invoice,
            date=invoice.date + datetime.timedelta(days=400),
            amount=D(1),
            method="cash",
        )
    assert error.value.field == "date"


def test_payments_are_for_issued_invoices_and_recorded_by_the_accounting_staff(
    invoice, coop, entrepreneur, officer, accountant, activity, customer
):
    for user in (entrepreneur, officer):
        with pytest.raises(PermissionDenied):
            services.payment_record(by=user, invoice=invoice, date=invoice.date, amount=D(1), method="cash")
    with pytest.raises(DomainError):
        services.payment_record(
            by=accountant,
            invoice=draft(entrepreneur, activity, customer),
            date=invoice.date,
            amount=D(1),
            method="cash",
        )


def test_a_cancelled_payment_makes_the_invoice_due_again(invoice, accountant):
    payment = services.payment_record(
        by=accountant, invoice=invoice, date=invoice.date, amount=D("1200.00"), method="cash"
    )
    with pytest.raises(DomainError):
        services.payment_cancel(by=accountant, payment=payment, reason=" ")
    services.payment_cancel(by=accountant, payment=payment, reason="Chèque rejeté")
    invoice.refresh_from_db()
    assert invoice.amount_paid == 0
    payment.refresh_from_db()
    assert payment.cancel_reason == "Chèque rejeté" and payment.cancelled_by == accountant
    with pytest.raises(DomainError):
        services.payment_cancel(by=accountant, payment=payment, reason="encore")


def test_overdue_and_unpaid_selectors(invoice, accountant, entrepreneur, other_entrepreneur):
    due = invoice.due_date
    assert list(selectors.overdue_invoices(due)) == []
    assert list(selectors.overdue_invoices(due + datetime.timedelta(days=1))) == [invoice]
    assert list(selectors.overdue_invoices(due + datetime.timedelta(days=1), user=other_entrepreneur)) == []
    assert [i.due for i in selectors.unpaid_for_entrepreneur(entrepreneur)] == [D("1200.00")]
    assert list(selectors.unpaid_for_entrepreneur(other_entrepreneur)) == []
    services.payment_record(
        by=accountant, invoice=invoice, date=invoice.date, amount=D("1200.00"), method="card"
    )
    assert list(selectors.overdue_invoices(due + datetime.timedelta(days=1))) == []
    assert list(selectors.unpaid_for_entrepreneur(entrepreneur)) == []
    assert Invoice.objects.get(pk=invoice.pk).amount_paid == D("1200.00")
