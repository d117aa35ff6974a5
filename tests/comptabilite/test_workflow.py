"""Draft → submitted → controlled → issued: who may do what, what issuing freezes, what is logged."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from comptabilite import services
from comptabilite.models import DocumentEvent, EventKind, Invoice, InvoiceStatus, NumberingCounter
from coodyssee.errors import DomainError
from tests.comptabilite.conftest import ALL_TICKED, controlled, draft, issued, line

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 10, 10, 0, tzinfo=PARIS), tick=False)


def kinds(invoice) -> list[str]:
    return list(
        DocumentEvent.objects.filter(invoice=invoice).order_by("at", "pk").values_list("kind", flat=True)
    )


def test_the_whole_workflow_numbers_dates_and_freezes_the_parties(
    coop, entrepreneur, accountant, activity, customer
):
    invoice = draft(
        entrepreneur, activity, customer, [line(quantity="3", unit_price="150.00")], subject="Logo"
    )
    assert (invoice.status, invoice.number, invoice.date) == (InvoiceStatus.DRAFT, "", None)
    assert invoice.entrepreneur == entrepreneur.entrepreneur
    services.invoice_submit(by=entrepreneur, invoice=invoice)
    services.invoice_control(by=accountant, invoice=invoice, accept=True, checklist=ALL_TICKED)
    invoice = services.invoice_issue(by=accountant, invoice=invoice)

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
    assert (invoice.number, invoice.series, invoice.year, invoice.sequence) == (
        "2026-00001",
        "invoice",
        2026,
        1,
    )
    assert invoice.date == datetime.date(2026, 3, 10)
    assert invoice.due_date == datetime.date(2026, 4, 9)
    assert invoice.issued_by == accountant
    assert (invoice.seller_name, invoice.seller_siren, invoice.seller_vat_number) == (
        "Coopérative de test",
        "812345676",
        "FR19812345676",
    )
    assert (invoice.seller_address, invoice.seller_postcode, invoice.seller_city) == (
        "Place de la Mairie",
        "05230",
        "Chorges",
    )
    assert invoice.seller_rcs == "RCS Gap 812345676"
    assert (invoice.buyer_name, invoice.buyer_siren, invoice.buyer_city) == (
        "SARL Les Jardins du Buëch",
        "830518973",
        "Veynes",
    )
    assert invoice.recovery_indemnity == Decimal("40.00")
    assert invoice.late_penalty_rate == Decimal("12.15")
    assert invoice.early_payment_discount == "Pas d'escompte pour paiement anticipé."
    assert kinds(invoice) == ["created", "submitted", "accepted", "issued"]
    assert NumberingCounter.objects.get(series="invoice", year=2026).last == 1


def test_issued_identity_does_not_follow_later_changes(issued_invoice, coop, entrepreneur, customer):
    services.customer_update(
        by=entrepreneur, customer=customer, name="Nouveau nom", city="Gap", postcode="05000"
    )
    coop.name = "Autre nom"
    coop.save()
    issued_invoice.refresh_from_db()
    assert (issued_invoice.buyer_name, issued_invoice.buyer_city) == ("SARL Les Jardins du Buëch", "Veynes")
    assert issued_invoice.seller_name == "Coopérative de test"


def test_numbers_follow_each_other_and_formats_come_from_the_cooperative(
    coop, entrepreneur, accountant, activity, customer
):
    first = issued(entrepreneur, accountant, activity, customer)
    coop.invoice_number_format = "F{year}/{seq:04d}"
    coop.save()
    second = issued(entrepreneur, accountant, activity, customer)
    assert (first.number, second.number) == ("2026-00001", "F2026/0002")


def test_a_returned_draft_shows_the_comment_and_can_be_resubmitted(
    coop, entrepreneur, accountant, activity, customer
):
    invoice = draft(entrepreneur, activity, customer)
    services.invoice_submit(by=entrepreneur, invoice=invoice)
    with pytest.raises(DomainError) as error:
        services.invoice_control(by=accountant, invoice=invoice, accept=False, checklist={})
    assert error.value.field == "comment"
    invoice = services.invoice_control(
        by=accountant,
        invoice=invoice,
        accept=False,
        checklist={"lines": False},
        comment="Précisez les heures.",
    )
    assert (invoice.status, invoice.return_comment) == (InvoiceStatus.DRAFT, "Précisez les heures.")
    returned = DocumentEvent.objects.get(invoice=invoice, kind=EventKind.RETURNED)
    assert returned.comment == "Précisez les heures."
    assert returned.data["checklist"]["lines"] is False
    assert returned.actor == accountant
    services.invoice_update(by=entrepreneur, invoice=invoice, lines=[line(quantity="4", unit_price="25.00")])
    services.invoice_submit(by=entrepreneur, invoice=invoice)
    invoice = services.invoice_control(by=accountant, invoice=invoice, accept=True, checklist=ALL_TICKED)
    assert (invoice.status, invoice.return_comment) == (InvoiceStatus.CONTROLLED, "")
    assert kinds(invoice) == ["created", "submitted", "returned", "updated", "submitted", "accepted"]


def test_accepting_needs_every_checklist_item(coop, entrepreneur, accountant, activity, customer):
    invoice = draft(entrepreneur, activity, customer)
    services.invoice_submit(by=entrepreneur, invoice=invoice)
    with pytest.raises(DomainError) as error:
        services.invoice_control(
            by=accountant, invoice=invoice, accept=True, checklist={**ALL_TICKED, "terms": False}
        )
    assert error.value.field == "checklist"
    with pytest.raises(DomainError, match="inconnu"):
        services.invoice_control(by=accountant, invoice=invoice, accept=True, checklist={"bogus": True})


def test_an_entrepreneur_cannot_control_or_issue(coop, entrepreneur, accountant, activity, customer):
    invoice = draft(entrepreneur, activity, customer)
    services.invoice_submit(by=entrepreneur, invoice=invoice)
    with pytest.raises(PermissionDenied):
        services.invoice_control(by=entrepreneur, invoice=invoice, accept=True, checklist=ALL_TICKED)
    services.invoice_control(by=accountant, invoice=invoice, accept=True, checklist=ALL_TICKED)
    with pytest.raises(PermissionDenied):
        services.invoice_issue(by=entrepreneur, invoice=invoice)
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.CONTROLLED


def test_an_accompaniment_officer_drafts_but_does_not_control(coop, officer, accountant, activity, customer):
    invoice = draft(officer, activity, customer)
    assert invoice.created_by == officer
    services.invoice_submit(by=officer, invoice=invoice)
    with pytest.raises(PermissionDenied):
        services.invoice_control(by=officer, invoice=invoice, accept=True, checklist=ALL_TICKED)


def test_an_entrepreneur_works_only_on_their_own_activities(
    coop, entrepreneur, other_entrepreneur, activity, customer
):
    with pytest.raises(PermissionDenied):
        draft(other_entrepreneur, activity, customer)
    invoice = draft(entrepreneur, activity, customer)
    for call in (
        lambda: services.invoice_update(by=other_entrepreneur, invoice=invoice, subject="x"),
        lambda: services.invoice_submit(by=other_entrepreneur, invoice=invoice),
        lambda: services.invoice_delete_draft(by=other_entrepreneur, invoice=invoice),
        lambda: services.customer_update(by=other_entrepreneur, customer=customer, name="x"),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_associates_and_anonymous_visitors_may_not_draft(coop, associate, activity, customer):
    with pytest.raises(PermissionDenied):
        draft(associate, activity, customer)


def test_only_controlled_documents_are_issued_and_only_drafts_edited(
    coop, entrepreneur, accountant, activity, customer
):
    invoice = draft(entrepreneur, activity, customer)
    with pytest.raises(DomainError, match="contrôlé"):
        services.invoice_issue(by=accountant, invoice=invoice)
    services.invoice_submit(by=entrepreneur, invoice=invoice)
    with pytest.raises(DomainError, match="brouillon"):
        services.invoice_update(by=entrepreneur, invoice=invoice, subject="x")
    with pytest.raises(DomainError):
        services.invoice_submit(by=entrepreneur, invoice=invoice)


def test_issuing_needs_the_cooperative_identity(db, entrepreneur, accountant, activity, customer):
    invoice = controlled(entrepreneur, accountant, activity, customer)
    with pytest.raises(DomainError, match="identité de la coopérative"):
        services.invoice_issue(by=accountant, invoice=invoice)


def test_a_draft_can_be_deleted_without_leaving_a_gap(coop, entrepreneur, accountant, activity, customer):
    invoice = draft(entrepreneur, activity, customer)
    services.invoice_delete_draft(by=entrepreneur, invoice=invoice)
    assert not Invoice.objects.filter(pk=invoice.pk).exists()
    assert issued(entrepreneur, accountant, activity, customer).number == "2026-00001"


def test_a_shared_activity_needs_to_know_whose_document_it_is(
    coop, entrepreneur, other_entrepreneur, accountant
):
    from entrepreneurs.models import Activity, ActivityMembership
    from tests.comptabilite.conftest import make_customer

    shared = Activity.objects.create(code="PAR001", name="Collectif", kind="shared")
    for user in (entrepreneur, other_entrepreneur):
        ActivityMembership.objects.create(activity=shared, entrepreneur=user.entrepreneur)
    customer = make_customer(shared)
    assert draft(entrepreneur, shared, customer).entrepreneur == entrepreneur.entrepreneur
    with pytest.raises(DomainError) as error:
        draft(accountant, shared, customer)
    assert error.value.field == "entrepreneur"
    assert draft(accountant, shared, customer, entrepreneur=other_entrepreneur.entrepreneur).entrepreneur == (
        other_entrepreneur.entrepreneur
    )


def test_pdf_rendering_is_queued_after_commit_when_enabled(
    settings,
    django_capture_on_commit_callbacks,
    monkeypatch,
    coop,
    entrepreneur,
    accountant,
    activity,
    customer,
):
    settings.INVOICE_RENDER_PDF_ON_ISSUE = True
    rendered = []
    monkeypatch.setattr("comptabilite.documents.render_and_store", rendered.append)
    invoice = controlled(entrepreneur, accountant, activity, customer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invoice_issue(by=accountant, invoice=invoice)
    assert rendered == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert rendered == [invoice.pk]


def test_pdf_rendering_can_be_switched_off(
    settings, django_capture_on_commit_callbacks, coop, entrepreneur, accountant, activity, customer
):
    invoice = controlled(entrepreneur, accountant, activity, customer)
    with django_capture_on_commit_callbacks() as callbacks:
        services.invoice_issue(by=accountant, invoice=invoice)
    # nothing is rendered after the commit (the treasury alert check of the posting is all that is left)
    from comptabilite.alerts import PendingAlertCheck

    assert [callback for callback in callbacks if not isinstance(callback, PendingAlertCheck)] == []
