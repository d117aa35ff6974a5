"""Quotes (numbering, statuses, conversion into an invoice) and sending an issued document by e-mail."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from comptabilite import services
from comptabilite.models import DocumentEvent, EventKind, InvoiceStatus, QuoteStatus
from coodyssee.errors import DomainError
from tests.comptabilite.conftest import draft, line
from tests.comptabilite.test_dunning import fake_render


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 2, 9, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False)


def make_quote(user, activity, customer, **fields):
    return services.quote_create(
        by=user,
        activity=activity,
        customer=customer,
        lines=[line(quantity="10", unit_price="45.00")],
        **fields,
    )


def test_quotes_are_numbered_in_their_own_series_when_created(coop, entrepreneur, activity, customer):
    first, second = make_quote(entrepreneur, activity, customer), make_quote(entrepreneur, activity, customer)
    assert (first.number, second.number) == ("D2026-00001", "D2026-00002")
    assert first.valid_until == datetime.date(2026, 7, 2)
    assert (first.total_ht, first.total_ttc) == (Decimal("450.00"), Decimal("540.00"))


def test_quote_statuses_follow_the_allowed_transitions(coop, entrepreneur, activity, customer):
    quote = make_quote(entrepreneur, activity, customer)
    with pytest.raises(DomainError):
        services.quote_set_status(by=entrepreneur, quote=quote, status=QuoteStatus.ACCEPTED)
    services.quote_set_status(by=entrepreneur, quote=quote, status=QuoteStatus.SENT)
    quote = services.quote_set_status(by=entrepreneur, quote=quote, status=QuoteStatus.REFUSED)
    assert quote.decided_on == datetime.date(2026, 6, 2)
    with pytest.raises(DomainError):
        services.quote_set_status(by=entrepreneur, quote=quote, status=QuoteStatus.INVOICED)
    with pytest.raises(DomainError):
        services.quote_update(by=entrepreneur, quote=quote, subject="trop tard")


def test_a_quote_becomes_an_invoice_draft_in_one_call(coop, entrepreneur, activity, customer):
    quote = make_quote(entrepreneur, activity, customer, subject="Site vitrine")
    with pytest.raises(DomainError):
        services.quote_to_invoice(by=entrepreneur, quote=quote)  # a draft quote was never sent
    services.quote_set_status(by=entrepreneur, quote=quote, status=QuoteStatus.SENT)
    services.quote_set_status(by=entrepreneur, quote=quote, status=QuoteStatus.ACCEPTED)
    invoice = services.quote_to_invoice(by=entrepreneur, quote=quote)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.INVOICED
    assert (invoice.status, invoice.quote, invoice.customer, invoice.subject) == (
        InvoiceStatus.DRAFT,
        quote,
        customer,
        "Site vitrine",
    )
    assert [(ln.quantity, ln.unit_price) for ln in invoice.lines.all()] == [
        (Decimal("10.000"), Decimal("45.00"))
    ]
    assert invoice.total_ttc == quote.total_ttc
    assert DocumentEvent.objects.filter(quote=quote, kind=EventKind.CONVERTED).exists()
    with pytest.raises(DomainError):
        services.quote_to_invoice(by=entrepreneur, quote=quote)


def test_quotes_of_another_activity_are_out_of_reach(
    coop, entrepreneur, other_entrepreneur, activity, customer
):
    quote = make_quote(entrepreneur, activity, customer)
    with pytest.raises(PermissionDenied):
        services.quote_set_status(by=other_entrepreneur, quote=quote, status=QuoteStatus.SENT)
    with pytest.raises(PermissionDenied):
        make_quote(other_entrepreneur, activity, customer)


def test_an_issued_invoice_is_emailed_with_its_pdf_after_commit(
    issued_invoice, entrepreneur, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("comptabilite.documents.render_and_store", fake_render)
    with django_capture_on_commit_callbacks(execute=True):
        event = services.invoice_send(
            by=entrepreneur,
            invoice=issued_invoice,
            to="Compta@Client.example",
            message="Bonjour, voici la facture.",
        )
    (message,) = mail.outbox
    assert message.to == ["compta@client.example"]
    assert message.body == "Bonjour, voici la facture."
    assert message.attachments[0][0] == "2026-00001.pdf"
    assert message.attachments[0][1].startswith(b"%PDF")
    event.refresh_from_db()
    assert (event.kind, event.actor, event.data["delivery"]) == (EventKind.SENT, entrepreneur, "sent")


def test_only_issued_documents_are_sent_to_valid_addresses(
    coop, issued_invoice, entrepreneur, activity, customer
):
    with pytest.raises(DomainError):
        services.invoice_send(
            by=entrepreneur, invoice=draft(entrepreneur, activity, customer), to="a@b.example"
        )
    with pytest.raises(DomainError) as error:
        services.invoice_send(by=entrepreneur, invoice=issued_invoice, to=["pas une adresse"])
    assert error.value.field == "to"
    with pytest.raises(DomainError):
        services.invoice_send(by=entrepreneur, invoice=issued_invoice, to=[])
