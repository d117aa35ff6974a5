"""Who sees what (404 outside one's activities, 403 without the writing right), and constant queries."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from comptabilite import selectors, services
from comptabilite.models import InvoiceStatus
from tests.comptabilite.conftest import activity_of, controlled, draft, issued, line, make_customer


def test_an_entrepreneur_sees_only_their_activities(
    coop, entrepreneur, other_entrepreneur, accountant, activity, customer, other_customer, other_activity
):
    mine = issued(entrepreneur, accountant, activity, customer)
    theirs = draft(other_entrepreneur, other_activity, other_customer)
    quote = services.quote_create(by=entrepreneur, activity=activity, customer=customer, lines=[line()])
    assert list(selectors.invoices_for(entrepreneur)) == [mine]
    assert list(selectors.customers_for(entrepreneur)) == [customer]
    assert list(selectors.quotes_for(entrepreneur)) == [quote]
    assert list(selectors.activities_for(entrepreneur)) == [activity]
    for access, pk in (
        (selectors.access_invoice, theirs.pk),
        (selectors.access_customer, other_customer.pk),
        (selectors.access_invoice, 999_999),  # same answer whether it exists or not
    ):
        with pytest.raises(Http404):
            access(entrepreneur, pk)
    with pytest.raises(Http404):
        selectors.access_invoice(other_entrepreneur, mine.pk)
    with pytest.raises(Http404):
        selectors.access_quote(other_entrepreneur, quote.pk)
    with pytest.raises(Http404):
        selectors.access_customer(other_entrepreneur, customer.pk)
    assert selectors.access_invoice(entrepreneur, mine.pk, write=True) == mine
    assert selectors.access_invoice(accountant, theirs.pk) == theirs


def test_people_without_invoicing_rights_see_nothing(
    coop, entrepreneur, associate, accountant, activity, customer
):
    issued(entrepreneur, accountant, activity, customer)
    assert list(selectors.invoices_for(associate)) == []
    assert list(selectors.invoices_for(None)) == []
    with pytest.raises(Http404):
        selectors.access_customer(associate, customer.pk)


def test_write_access_needs_the_drafting_right(
    coop, entrepreneur, accountant, activity, customer, monkeypatch
):
    invoice = draft(entrepreneur, activity, customer)
    monkeypatch.setitem(
        __import__("coodyssee.permissions", fromlist=["PERMISSIONS"]).PERMISSIONS,
        "invoicing.draft",
        frozenset({"manager"}),
    )
    assert selectors.access_invoice(accountant, invoice.pk) == invoice  # reading stays allowed
    with pytest.raises(PermissionDenied):
        selectors.access_invoice(accountant, invoice.pk, write=True)


def test_control_queue_is_oldest_first(coop, entrepreneur, accountant, activity, customer):
    first, second = draft(entrepreneur, activity, customer), draft(entrepreneur, activity, customer)
    services.invoice_submit(by=entrepreneur, invoice=second)
    services.invoice_submit(by=entrepreneur, invoice=first)
    assert list(selectors.control_queue()) == [second, first]
    controlled(entrepreneur, accountant, activity, customer)
    assert [i.status for i in selectors.ready_to_issue()] == [InvoiceStatus.CONTROLLED]


def _many_documents(entrepreneur, accountant, count: int) -> None:
    from entrepreneurs.models import Activity

    for n in range(count):
        activity = activity_of(entrepreneur, f"ACTQ{Activity.objects.count():04d}")
        customer = make_customer(activity, name=f"Client {n}")
        issued(entrepreneur, accountant, activity, customer)
        services.invoice_submit(by=entrepreneur, invoice=draft(entrepreneur, activity, customer))
        services.quote_create(by=entrepreneur, activity=activity, customer=customer, lines=[line()])


def _queries(build) -> int:
    with CaptureQueriesContext(connection) as context:
        for row in build():
            str(row.activity), str(getattr(row, "customer", "")), str(getattr(row, "entrepreneur", ""))
    return len(context)


LISTS = {
    "control_queue": lambda user: selectors.control_queue(),
    "invoices_for": lambda user: selectors.invoices_for(user),
    "customers_for": lambda user: selectors.customers_for(user),
    "quotes_for": lambda user: selectors.quotes_for(user),
    "overdue": lambda user: selectors.overdue_invoices(__import__("datetime").date(2100, 1, 1)),
    "unpaid": lambda user: selectors.unpaid_for_entrepreneur(user),
}


@pytest.mark.parametrize("name", LISTS)
def test_lists_run_a_constant_number_of_queries(name, coop, entrepreneur, accountant):
    entrepreneur.forget_roles()
    _many_documents(entrepreneur, accountant, 1)
    reader = entrepreneur if name != "control_queue" else accountant
    entrepreneur.roles, accountant.roles  # noqa: B018 — roles are cached on the user, like in a request
    one = _queries(lambda: LISTS[name](reader))
    _many_documents(entrepreneur, accountant, 6)
    many = _queries(lambda: LISTS[name](reader))
    assert one == many <= 2


def test_invoice_detail_loads_everything_in_a_fixed_number_of_queries(issued_invoice, accountant):
    services.credit_note_create(by=accountant, invoice=issued_invoice, lines=[line(unit_price="10.00")])
    with CaptureQueriesContext(connection) as context:
        invoice = selectors.invoice_detail(issued_invoice)
        list(invoice.lines.all()), list(invoice.payments.all()), list(invoice.events.all())
        list(invoice.credit_notes.all()), list(invoice.reminders.all())
        [event.actor for event in invoice.events.all()]
    assert len(context) == 6
