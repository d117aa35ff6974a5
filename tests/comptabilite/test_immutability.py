"""An issued invoice never changes and is never deleted, whatever path is tried."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.admin.sites import AdminSite
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError
from django.test import RequestFactory

from comptabilite import services
from comptabilite.admin import InvoiceAdmin, InvoiceLineInline, PaymentAdmin
from comptabilite.models import Invoice, InvoiceLine, IssuedDocumentError, Payment, PaymentRecordError
from entrepreneurs.models import Activity
from tests.comptabilite.conftest import draft


def reloaded(invoice: Invoice) -> Invoice:
    return Invoice.objects.get(pk=invoice.pk)


def test_save_with_a_changed_field_is_refused(issued_invoice):
    for name, value in (
        ("total_ht", Decimal("1.00")),
        ("number", "2026-99999"),
        ("buyer_name", "Autre"),
        ("status", "draft"),
        ("date", None),
        ("vat_breakdown", []),
    ):
        invoice = reloaded(issued_invoice)
        setattr(invoice, name, value)
        with pytest.raises(IssuedDocumentError):
            invoice.save()
    assert reloaded(issued_invoice).total_ht == Decimal("1000.00")


def test_save_refuses_a_changed_field_given_in_update_fields(issued_invoice):
    invoice = reloaded(issued_invoice)
    invoice.subject = "Changé"
    with pytest.raises(IssuedDocumentError):
        invoice.save(update_fields=["subject"])


def test_save_of_an_instance_built_by_hand_is_compared_with_the_database(issued_invoice):
    forged = Invoice(**{f.attname: getattr(issued_invoice, f.attname) for f in Invoice._meta.concrete_fields})
    forged._state.adding = False
    forged.total_ttc = Decimal("0.01")
    with pytest.raises(IssuedDocumentError):
        forged.save()


def test_an_unchanged_save_and_the_payment_summary_are_allowed(issued_invoice):
    invoice = reloaded(issued_invoice)
    invoice.save()
    invoice.amount_paid = Decimal("10.00")
    invoice.save(update_fields=["amount_paid", "updated_at"])
    assert reloaded(issued_invoice).amount_paid == Decimal("10.00")


def test_the_pdf_is_stored_once(issued_invoice):
    invoice = reloaded(issued_invoice)
    invoice.pdf.name, invoice.pdf_sha256 = "documents/2026/2026-00001.pdf", "a" * 64
    invoice.save(update_fields=["pdf", "pdf_sha256", "updated_at"])
    invoice = reloaded(issued_invoice)
    invoice.pdf.name = "documents/2026/autre.pdf"
    with pytest.raises(IssuedDocumentError):
        invoice.save(update_fields=["pdf", "updated_at"])
    invoice = reloaded(issued_invoice)
    invoice.pdf_sha256 = "b" * 64
    with pytest.raises(IssuedDocumentError):
        invoice.save()


def test_delete_is_refused(issued_invoice):
    with pytest.raises(IssuedDocumentError):
        reloaded(issued_invoice).delete()
    assert Invoice.objects.filter(pk=issued_invoice.pk).exists()


def test_queryset_update_and_delete_are_refused(issued_invoice):
    with pytest.raises(IssuedDocumentError):
        Invoice.objects.filter(pk=issued_invoice.pk).update(total_ht=Decimal(0))
    with pytest.raises(IssuedDocumentError):
        Invoice.objects.all().delete()
    with pytest.raises(IssuedDocumentError), transaction.atomic():  # bulk_update breaks its transaction
        Invoice.objects.bulk_update([reloaded(issued_invoice)], ["subject"])
    assert Invoice.objects.filter(pk=issued_invoice.pk).update(amount_paid=Decimal("1.00")) == 1


def test_cascades_are_refused(issued_invoice, activity):
    # The activity protects its documents; the collector's own deletes meet the pre_delete guard too.
    with pytest.raises(Exception):  # noqa: B017 — ProtectedError or IssuedDocumentError
        Activity.objects.filter(pk=activity.pk).delete()
    assert Invoice.objects.filter(pk=issued_invoice.pk).exists()


def test_lines_of_an_issued_document_are_frozen_too(issued_invoice):
    line = issued_invoice.lines.get()
    line.unit_price = Decimal("1.00")
    with pytest.raises(IssuedDocumentError):
        line.save()
    with pytest.raises(IssuedDocumentError):
        line.delete()
    with pytest.raises(IssuedDocumentError):
        InvoiceLine.objects.filter(invoice=issued_invoice).update(description="x")
    with pytest.raises(IssuedDocumentError):
        InvoiceLine.objects.filter(invoice=issued_invoice).delete()
    with pytest.raises(IssuedDocumentError):
        InvoiceLine(invoice=issued_invoice, description="ajout", unit_price=1, vat_rate=20).save()


def test_services_refuse_to_edit_or_delete_an_issued_document(issued_invoice, entrepreneur, accountant):
    with pytest.raises(IssuedDocumentError):
        services.invoice_update(by=entrepreneur, invoice=issued_invoice, subject="Changé")
    with pytest.raises(IssuedDocumentError):
        services.invoice_delete_draft(by=accountant, invoice=issued_invoice)
    with pytest.raises(IssuedDocumentError):
        services.invoice_issue(by=accountant, invoice=issued_invoice)


def test_the_admin_is_read_only_for_issued_documents(issued_invoice, coop, entrepreneur, activity, customer):
    request = RequestFactory().get("/")
    request.user = type(
        "Superuser", (), {"is_active": True, "is_superuser": True, "has_perm": lambda *a: True}
    )()
    admin = InvoiceAdmin(Invoice, AdminSite())
    assert admin.has_change_permission(request, issued_invoice) is False
    assert admin.has_delete_permission(request, issued_invoice) is False
    assert "delete_selected" not in admin.get_actions(request)
    assert set(admin.get_readonly_fields(request, issued_invoice)) >= {"number", "total_ht", "buyer_name"}
    assert admin.has_change_permission(request, draft(entrepreneur, activity, customer)) is True
    inline = InvoiceLineInline(Invoice, AdminSite())
    assert not inline.has_change_permission(request, issued_invoice)
    assert not inline.has_delete_permission(request, issued_invoice)
    payments = PaymentAdmin(Payment, AdminSite())
    assert not payments.has_change_permission(request) and not payments.has_delete_permission(request)


def test_payments_are_never_edited_nor_deleted(issued_invoice, accountant):
    import datetime

    payment = services.payment_record(
        by=accountant,
        invoice=issued_invoice,
        date=datetime.date.today(),
        amount=Decimal("10.00"),
        method="cheque",
    )
    payment.amount = Decimal("20.00")
    with pytest.raises(PaymentRecordError):
        payment.save()
    with pytest.raises(PaymentRecordError):
        payment.delete()
    with pytest.raises(PaymentRecordError):
        Payment.objects.all().delete()
    with pytest.raises(PaymentRecordError):
        Payment.objects.update(amount=Decimal("1.00"))


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_raw_updates_of_an_issued_row(issued_invoice):
    with pytest.raises((IntegrityError, DatabaseError)):
        _raw("UPDATE comptabilite_invoice SET total_ht = 1 WHERE id = %s", [issued_invoice.pk])
    with pytest.raises((IntegrityError, DatabaseError)):
        _raw(
            "UPDATE comptabilite_invoiceline SET description = 'x' WHERE invoice_id = %s", [issued_invoice.pk]
        )
    _raw("UPDATE comptabilite_invoice SET amount_paid = 5 WHERE id = %s", [issued_invoice.pk])
    assert reloaded(issued_invoice).amount_paid == Decimal("5.00")
    assert reloaded(issued_invoice).total_ht == Decimal("1000.00")


def test_the_database_refuses_raw_deletes_on_postgresql(issued_invoice):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no DELETE trigger: Django empties SQLite test databases with DELETE")
    with pytest.raises((IntegrityError, DatabaseError)):
        _raw("DELETE FROM comptabilite_invoiceline WHERE invoice_id = %s", [issued_invoice.pk])
    with pytest.raises((IntegrityError, DatabaseError)):
        _raw("DELETE FROM comptabilite_invoice WHERE id = %s", [issued_invoice.pk])


def test_drafts_remain_free_to_change(coop, entrepreneur, activity, customer):
    invoice = draft(entrepreneur, activity, customer)
    invoice.subject = "Nouveau"
    invoice.save()
    InvoiceLine.objects.filter(invoice=invoice).update(description="Autre")
    _raw("UPDATE comptabilite_invoice SET subject = 'brut' WHERE id = %s", [invoice.pk])
    invoice.delete()
    assert not Invoice.objects.filter(pk=invoice.pk).exists()
