"""Expense services: amounts and VAT, the receipt, the workflow and its permissions, the purchase and bank
entries each step posts (accounts, sections, amounts, 401 vs 421), closed periods, and nothing half-written
when a step is refused."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from comptabilite import selectors_expenses
from comptabilite.ledger.automatic import entrepreneur_aux, supplier_aux
from comptabilite.models import (
    AnalyticSection,
    Entry,
    EntryLine,
    Expense,
    ExpenseEvent,
    ExpenseStatus,
    SectionMonth,
)
from comptabilite.services import expenses as services
from coodyssee.errors import DomainError
from coodyssee.models import Cooperative
from tests.comptabilite_expenses.conftest import (
    PDF_BYTES,
    jpeg,
    pdf,
    png,
    report,
    submitted,
    supplier_invoice,
    trip,
    validated,
)

D = Decimal
pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def section_of(activity) -> int:
    return AnalyticSection.objects.get(activity=activity).pk


def lines_of(entry: Entry) -> list[tuple]:
    return [
        (line.account_id, line.section_id, line.debit, line.credit, line.aux_code)
        for line in entry.lines.order_by("position")
    ]


# --- amounts and VAT ------------------------------------------------------------------------------


def test_amount_excluding_vat_is_the_difference(entrepreneur, activity):
    expense = report(entrepreneur, activity, amount_ttc=D("60.00"), vat=D("10.00"))
    assert (expense.amount_ttc, expense.vat, expense.amount_ht) == (D("60.00"), D("10.00"), D("50.00"))
    assert expense.status == ExpenseStatus.DRAFT and expense.entrepreneur == entrepreneur.entrepreneur
    assert expense.created_by == entrepreneur


def test_an_expense_without_vat_has_equal_amounts(entrepreneur, activity):
    expense = report(entrepreneur, activity, amount_ttc=D("18.40"), vat=None)
    assert (expense.vat, expense.amount_ht) == (D("0.00"), D("18.40"))


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"vat": D("60.01")}, "vat", "ne peut pas dépasser le montant TTC"),
        ({"vat": D("-1.00")}, "vat", "négative"),
        ({"amount_ttc": D("0")}, "amount_ttc", "positif"),
        ({"amount_ttc": None}, "amount_ttc", "positif"),
        ({"amount_ttc": D("10.001")}, "amount_ttc", "centime"),
        ({"description": "  "}, "description", "Décrivez"),
        ({"category": "lunch"}, "category", "catégorie"),
        ({"date": datetime.date(2026, 3, 11)}, "date", "futur"),
    ],
)
def test_wrong_amounts_and_fields_are_refused_on_their_field(entrepreneur, activity, values, field, message):
    with pytest.raises(DomainError, match=message) as refused:
        report(entrepreneur, activity, **values)
    assert refused.value.field == field
    assert not Expense.objects.exists() and stored_files() == []


def test_vat_may_equal_the_whole_amount_of_a_vat_only_invoice(entrepreneur, activity):
    # e.g. customs VAT on an import: all of it is VAT.
    expense = report(entrepreneur, activity, amount_ttc=D("35.00"), vat=D("35.00"))
    assert expense.amount_ht == D("0.00")


def test_a_supplier_invoice_needs_the_supplier_and_its_number(entrepreneur, activity):
    with pytest.raises(DomainError) as refused:
        supplier_invoice(entrepreneur, activity, supplier="")
    assert refused.value.field == "supplier"
    with pytest.raises(DomainError) as refused:
        supplier_invoice(entrepreneur, activity, supplier_invoice_number=" ")
    assert refused.value.field == "supplier_invoice_number"
    with pytest.raises(DomainError) as refused:
        supplier_invoice(entrepreneur, activity, due_date=datetime.date(2026, 3, 1))
    assert refused.value.field == "due_date"


def test_mileage_amount_comes_from_the_scale_without_vat(entrepreneur, activity):
    expense = trip(entrepreneur, activity, km="120", power=5)
    assert (expense.amount_ttc, expense.vat, expense.amount_ht) == (D("76.32"), D("0.00"), D("76.32"))


def test_mileage_refuses_vat_a_supplier_invoice_and_a_missing_distance_or_power(entrepreneur, activity):
    with pytest.raises(DomainError, match="pas de TVA") as refused:
        trip(entrepreneur, activity, vat=D("2.00"))
    assert refused.value.field == "vat"
    with pytest.raises(DomainError) as refused:
        trip(entrepreneur, activity, kind="supplier", supplier="Garage", supplier_invoice_number="1")
    assert refused.value.field == "category"
    with pytest.raises(DomainError) as refused:
        trip(entrepreneur, activity, km="0")
    assert refused.value.field == "distance_km"
    with pytest.raises(DomainError) as refused:
        trip(entrepreneur, activity, power=None)
    assert refused.value.field == "fiscal_power"


def test_other_categories_forget_the_trip_fields(entrepreneur, activity):
    expense = report(entrepreneur, activity, distance_km=D("12"), fiscal_power=5, vehicle="Clio")
    assert (expense.distance_km, expense.fiscal_power, expense.vehicle) == (None, None, "")


# --- mileage over a year --------------------------------------------------------------------------


def test_each_validated_trip_counts_the_years_trips_validated_before_it(entrepreneur, activity, accountant):
    first = validated(trip(entrepreneur, activity, km="4500", power=3), entrepreneur, accountant)
    assert first.amount_ttc == D("2380.50")
    second = validated(trip(entrepreneur, activity, km="1000", power=3), entrepreneur, accountant)
    assert second.amount_ttc == D("422.50")  # 2 803,00 for 5 500 km, minus 2 380,50
    # Another power, another year: counted apart.
    assert trip(entrepreneur, activity, km="1000", power=4).amount_ttc == D("606.00")
    last_year = trip(entrepreneur, activity, km="1000", power=3, date=datetime.date(2025, 12, 30))
    assert last_year.amount_ttc == D("529.00")


def test_drafts_and_other_peoples_trips_do_not_count(
    entrepreneur, other_entrepreneur, activity, other_activity
):
    submitted(trip(entrepreneur, activity, km="6000", power=3), entrepreneur)
    trip(entrepreneur, activity, km="6000", power=3)
    trip(other_entrepreneur, other_activity, km="6000", power=3)
    assert trip(entrepreneur, activity, km="100", power=3).amount_ttc == D("52.90")


def test_the_amount_is_fixed_at_validation_after_the_trips_validated_meanwhile(
    entrepreneur, activity, accountant
):
    early = submitted(trip(entrepreneur, activity, km="4900", power=3), entrepreneur)
    late = submitted(trip(entrepreneur, activity, km="200", power=3), entrepreneur)
    assert late.amount_ttc == D("105.80")  # estimate: nothing validated yet
    services.expense_validate(by=accountant, expense=early)
    late = services.expense_validate(by=accountant, expense=late)
    # 5 100 km: 5 100 × 0,316 + 1 065 = 2 676,60, minus 4 900 × 0,529 = 2 592,10
    assert late.amount_ttc == D("84.50")
    event = late.events.get(kind="validated")
    assert event.data["recomputed_from"] == "105.80" and event.data["amount"] == "84.50"
    assert Entry.objects.get(expense=late).lines.get(account_id="421").credit == D("84.50")


# --- receipts -------------------------------------------------------------------------------------


def test_receipts_are_stored_privately(entrepreneur, activity):
    for upload in (pdf(), jpeg(), png()):
        expense = report(entrepreneur, activity, receipt=upload)
        assert expense.receipt.name.startswith("expenses/2026/03/")
        assert Path(expense.receipt.path).is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
        with pytest.raises(ValueError):
            expense.receipt.url  # noqa: B018


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("ticket.txt", b"hello"), "PDF, un JPEG ou un PNG"),
        (SimpleUploadedFile("ticket.exe", b"MZ\x90\x00"), "PDF, un JPEG ou un PNG"),
        (SimpleUploadedFile("ticket.pdf", b"<html>not a pdf</html>"), "pas un vrai PDF"),
        (SimpleUploadedFile("photo.png", PDF_BYTES), "pas un vrai PNG"),
        (SimpleUploadedFile("vide.pdf", b""), "vide"),
        (SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)), "dépasse 10 Mo"),
    ],
    ids=["txt", "exe", "fake pdf", "pdf named png", "empty", "too big"],
)
def test_wrong_receipts_are_refused_on_the_receipt_field(entrepreneur, activity, upload, message):
    with pytest.raises(DomainError, match=message) as refused:
        report(entrepreneur, activity, receipt=upload)
    assert refused.value.field == "receipt"
    assert not Expense.objects.exists() and stored_files() == []


def test_a_receipt_of_exactly_10_mb_is_accepted(entrepreneur, activity):
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 - 5))
    assert report(entrepreneur, activity, receipt=upload).receipt


def test_submitting_needs_a_receipt_except_for_mileage(entrepreneur, activity):
    expense = report(entrepreneur, activity, receipt=None)
    with pytest.raises(DomainError, match="justificatif") as refused:
        services.expense_submit(by=entrepreneur, expense=expense)
    assert refused.value.field == "receipt"
    assert Expense.objects.get(pk=expense.pk).status == ExpenseStatus.DRAFT
    invoice = supplier_invoice(entrepreneur, activity)
    services.expense_update(by=entrepreneur, expense=invoice, remove_receipt=True)
    with pytest.raises(DomainError, match="justificatif"):
        services.expense_submit(by=entrepreneur, expense=invoice)
    assert submitted(trip(entrepreneur, activity), entrepreneur).status == ExpenseStatus.SUBMITTED


def test_replacing_a_receipt_removes_the_old_file_after_commit(
    entrepreneur, activity, django_capture_on_commit_callbacks
):
    expense = report(entrepreneur, activity)
    old = Path(expense.receipt.path)
    with django_capture_on_commit_callbacks(execute=True):
        expense = services.expense_update(by=entrepreneur, expense=expense, receipt=png("photo.png"))
    assert expense.receipt.name.endswith(".png") and not old.exists()
    assert stored_files() == [Path(expense.receipt.path)]


def test_a_failed_write_leaves_neither_row_nor_file(entrepreneur, activity, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_record", broken)
    with pytest.raises(RuntimeError):
        report(entrepreneur, activity)
    assert not Expense.objects.exists() and stored_files() == []


def test_a_refused_update_keeps_the_stored_receipt(entrepreneur, activity):
    expense = report(entrepreneur, activity)
    with pytest.raises(DomainError):
        services.expense_update(by=entrepreneur, expense=expense, receipt=png(), vat=D("99.00"))
    expense.refresh_from_db()
    assert expense.receipt.name.endswith("ticket.pdf") and Path(expense.receipt.path).exists()
    assert expense.vat == D("10.00") and len(stored_files()) == 1


# --- workflow and permissions ---------------------------------------------------------------------


def test_drafts_are_their_activity_members_or_the_accountants(
    entrepreneur, other_entrepreneur, activity, accountant, officer
):
    with pytest.raises(PermissionDenied):
        report(other_entrepreneur, activity)
    with pytest.raises(PermissionDenied):
        report(officer, activity)
    by_staff = report(accountant, activity)
    assert by_staff.entrepreneur == entrepreneur.entrepreneur
    with pytest.raises(PermissionDenied):
        services.expense_update(by=other_entrepreneur, expense=by_staff, description="x")
    with pytest.raises(PermissionDenied):
        services.expense_delete_draft(by=other_entrepreneur, expense=by_staff)


def test_only_the_accountant_or_manager_validates_and_pays(entrepreneur, activity, officer, manager):
    expense = submitted(report(entrepreneur, activity), entrepreneur)
    for person in (entrepreneur, officer):
        with pytest.raises(PermissionDenied):
            services.expense_validate(by=person, expense=expense)
        with pytest.raises(PermissionDenied):
            services.expense_return(by=person, expense=expense, comment="Non")
    services.expense_validate(by=manager, expense=expense)
    with pytest.raises(PermissionDenied):
        services.expense_pay(by=officer, expense=expense, date=datetime.date(2026, 3, 9), method="transfer")


def test_returning_needs_a_comment_the_entrepreneur_then_sees(entrepreneur, activity, accountant):
    expense = submitted(report(entrepreneur, activity), entrepreneur)
    with pytest.raises(DomainError) as refused:
        services.expense_return(by=accountant, expense=expense, comment="  ")
    assert refused.value.field == "comment"
    expense = services.expense_return(by=accountant, expense=expense, comment="Le ticket est illisible.")
    assert expense.status == ExpenseStatus.DRAFT and expense.return_comment == "Le ticket est illisible."
    assert not Entry.objects.exists()
    event = expense.events.get(kind="returned")
    assert event.comment == "Le ticket est illisible." and event.actor == accountant
    # Corrected and submitted again, then validated: the comment stays in the history only.
    services.expense_update(by=entrepreneur, expense=expense, receipt=png())
    expense = services.expense_validate(by=accountant, expense=submitted(expense, entrepreneur))
    assert expense.return_comment == ""
    assert list(expense.events.values_list("kind", flat=True)) == [
        "created",
        "submitted",
        "returned",
        "submitted",
        "validated",
    ]


def test_nothing_changes_once_validated(entrepreneur, activity, accountant):
    expense = validated(report(entrepreneur, activity), entrepreneur, accountant)
    with pytest.raises(DomainError, match="brouillon"):
        services.expense_update(by=entrepreneur, expense=expense, amount_ttc=D("90.00"))
    with pytest.raises(DomainError, match="brouillon"):
        services.expense_update(by=accountant, expense=expense, description="Autre chose")
    with pytest.raises(DomainError, match="brouillon"):
        services.expense_delete_draft(by=entrepreneur, expense=expense)
    with pytest.raises(DomainError, match="brouillon"):
        services.expense_submit(by=entrepreneur, expense=expense)
    with pytest.raises(DomainError, match="n'attend pas"):
        services.expense_validate(by=accountant, expense=expense)
    with pytest.raises(DomainError, match="n'attend pas"):
        services.expense_return(by=accountant, expense=expense, comment="Trop tard")
    expense.refresh_from_db()
    assert (expense.status, expense.amount_ttc, expense.description) == (
        "validated",
        D("60.00"),
        "Cartouches d'encre",
    )
    assert Entry.objects.filter(expense=expense).count() == 1


def test_a_submitted_expense_is_not_edited_nor_paid(entrepreneur, activity, accountant):
    expense = submitted(report(entrepreneur, activity), entrepreneur)
    with pytest.raises(DomainError, match="brouillon"):
        services.expense_update(by=entrepreneur, expense=expense, description="x")
    with pytest.raises(DomainError, match="validée"):
        services.expense_pay(
            by=accountant, expense=expense, date=datetime.date(2026, 3, 9), method="transfer"
        )


def test_a_draft_is_deleted_with_its_receipt(entrepreneur, activity, django_capture_on_commit_callbacks):
    expense = report(entrepreneur, activity)
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_delete_draft(by=entrepreneur, expense=expense)
    assert not Expense.objects.exists() and stored_files() == []


def test_awaiting_validation_count(entrepreneur, activity, accountant):
    submitted(report(entrepreneur, activity), entrepreneur)
    submitted(trip(entrepreneur, activity), entrepreneur)
    report(entrepreneur, activity)
    validated(report(entrepreneur, activity), entrepreneur, accountant)
    assert selectors_expenses.awaiting_validation_count() == 2


# --- postings -------------------------------------------------------------------------------------


def test_validating_an_expense_report_posts_charge_vat_and_421(entrepreneur, activity, accountant):
    expense = validated(report(entrepreneur, activity), entrepreneur, accountant)
    entry = Entry.objects.get(expense=expense)
    section = section_of(activity)
    assert (entry.journal_id, entry.date, entry.source, entry.posted_by) == (
        "HA",
        datetime.date(2026, 3, 2),
        "expense",
        accountant,
    )
    assert entry.entrepreneur_id == entrepreneur.entrepreneur.pk
    assert lines_of(entry) == [
        ("606", section, D("50.00"), D("0.00"), ""),
        ("44566", section, D("10.00"), D("0.00"), ""),
        ("421", section, D("0.00"), D("60.00"), entrepreneur_aux(entrepreneur.entrepreneur.pk)),
    ]
    assert expense.validated_by == accountant and expense.validated_at is not None
    month = SectionMonth.objects.get(section_id=section, year=2026, month=3)
    assert (month.expenses, month.vat_deductible) == (D("50.00"), D("10.00"))


def test_validating_a_supplier_invoice_posts_to_401_with_the_supplier(entrepreneur, activity, accountant):
    expense = validated(supplier_invoice(entrepreneur, activity), entrepreneur, accountant)
    entry = Entry.objects.get(expense=expense)
    section = section_of(activity)
    assert lines_of(entry) == [
        ("604", section, D("1000.00"), D("0.00"), ""),
        ("44566", section, D("200.00"), D("0.00"), ""),
        ("401", section, D("0.00"), D("1200.00"), supplier_aux("Imprimerie Alpine")),
    ]
    assert entry.piece_ref == "F-2026-118"
    assert entry.lines.get(account_id="401").aux_label == "Imprimerie Alpine"


def test_validating_a_trip_posts_the_allowance_without_vat(entrepreneur, activity, accountant):
    expense = validated(trip(entrepreneur, activity, km="120", power=5), entrepreneur, accountant)
    section = section_of(activity)
    assert lines_of(Entry.objects.get(expense=expense)) == [
        ("6251", section, D("76.32"), D("0.00"), ""),
        ("421", section, D("0.00"), D("76.32"), entrepreneur_aux(entrepreneur.entrepreneur.pk)),
    ]


def test_paying_an_expense_report_posts_421_against_the_bank(entrepreneur, activity, accountant):
    expense = validated(report(entrepreneur, activity), entrepreneur, accountant)
    expense = services.expense_pay(
        by=accountant,
        expense=expense,
        date=datetime.date(2026, 3, 9),
        method="transfer",
        reference="VIR 0309",
    )
    assert (expense.status, expense.paid_on, expense.payment_method, expense.payment_reference) == (
        "paid",
        datetime.date(2026, 3, 9),
        "transfer",
        "VIR 0309",
    )
    entry = Entry.objects.get(expense=expense, journal_id="BQ")
    section = section_of(activity)
    assert (entry.date, entry.source, entry.piece_ref) == (
        datetime.date(2026, 3, 9),
        "expense_payment",
        "VIR 0309",
    )
    assert lines_of(entry) == [
        ("421", section, D("60.00"), D("0.00"), entrepreneur_aux(entrepreneur.entrepreneur.pk)),
        ("512", section, D("0.00"), D("60.00"), ""),
    ]
    event = expense.events.get(kind="paid")
    assert event.data["entry"] == entry.fec_number and event.data["method"] == "transfer"
    # 421 is settled for this person: what was owed is what was paid.
    owed = EntryLine.objects.filter(account_id="421", aux_code=entrepreneur_aux(entrepreneur.entrepreneur.pk))
    assert sum(line.credit - line.debit for line in owed) == 0


def test_paying_a_supplier_invoice_settles_401(entrepreneur, activity, accountant):
    expense = validated(supplier_invoice(entrepreneur, activity), entrepreneur, accountant)
    services.expense_pay(by=accountant, expense=expense, date=datetime.date(2026, 3, 10), method="cheque")
    entry = Entry.objects.get(expense=expense, journal_id="BQ")
    assert [(line.account_id, line.debit, line.credit) for line in entry.lines.order_by("position")] == [
        ("401", D("1200.00"), D("0.00")),
        ("512", D("0.00"), D("1200.00")),
    ]


def test_payment_is_refused_twice_in_the_future_before_the_expense_or_with_an_unknown_method(
    entrepreneur, activity, accountant
):
    expense = validated(report(entrepreneur, activity), entrepreneur, accountant)
    for date, method, field in [
        (datetime.date(2026, 3, 11), "transfer", "date"),
        (datetime.date(2026, 3, 1), "transfer", "date"),
        (datetime.date(2026, 3, 9), "bitcoin", "method"),
    ]:
        with pytest.raises(DomainError) as refused:
            services.expense_pay(by=accountant, expense=expense, date=date, method=method)
        assert refused.value.field == field
    services.expense_pay(by=accountant, expense=expense, date=datetime.date(2026, 3, 9), method="cash")
    with pytest.raises(DomainError, match="déjà payée"):
        services.expense_pay(by=accountant, expense=expense, date=datetime.date(2026, 3, 9), method="cash")
    assert Entry.objects.filter(expense=expense, journal_id="BQ").count() == 1


# --- closed periods -------------------------------------------------------------------------------


def close_until(date: datetime.date) -> None:
    Cooperative.objects.update(ledger_closed_until=date)


def test_an_expense_in_a_closed_period_is_refused_on_its_date(entrepreneur, activity):
    close_until(datetime.date(2026, 2, 28))
    with pytest.raises(DomainError, match="clôturée") as refused:
        report(entrepreneur, activity, date=datetime.date(2026, 2, 20))
    assert refused.value.field == "date"
    assert not Expense.objects.exists()


def test_validation_in_a_period_closed_meanwhile_writes_nothing(entrepreneur, activity, accountant):
    expense = submitted(report(entrepreneur, activity), entrepreneur)
    close_until(datetime.date(2026, 3, 5))
    with pytest.raises(DomainError, match="clôturée"):
        services.expense_validate(by=accountant, expense=expense)
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED and expense.validated_at is None
    assert not Entry.objects.exists() and not expense.events.filter(kind="validated").exists()
    assert not SectionMonth.objects.exists()


def test_a_payment_in_a_closed_period_writes_nothing(entrepreneur, activity, accountant):
    expense = validated(report(entrepreneur, activity), entrepreneur, accountant)
    close_until(datetime.date(2026, 3, 8))
    with pytest.raises(DomainError, match="clôturée") as refused:
        services.expense_pay(
            by=accountant, expense=expense, date=datetime.date(2026, 3, 8), method="transfer"
        )
    assert refused.value.field == "date"
    expense.refresh_from_db()
    assert (expense.status, expense.paid_on, expense.payment_method) == ("validated", None, "")
    assert not Entry.objects.filter(journal_id="BQ").exists()
    assert not ExpenseEvent.objects.filter(kind="paid").exists()


def test_a_supplier_invoice_refused_at_submission_leaves_neither_row_nor_file(
    coop, activity, accountant, settings, monkeypatch
):
    from pathlib import Path

    def refuse(**kwargs):
        raise DomainError("refusée")

    monkeypatch.setattr(services, "expense_submit", refuse)
    with pytest.raises(DomainError, match="refusée"):
        services.supplier_invoice_record(
            by=accountant,
            activity=activity,
            receipt=pdf("facture.pdf"),
            date=datetime.date(2026, 3, 3),
            category="subcontracting",
            description="Impression",
            supplier="Imprimerie Alpine",
            supplier_invoice_number="F-1",
            amount_ttc=Decimal("120.00"),
            vat=Decimal("20.00"),
        )
    assert not Expense.objects.exists()
    assert not [path for path in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if path.is_file()]
