"""Expense pages: the portal's "Mes dépenses" (create with a receipt, errors on the form, submit, the
return comment), the back-office list, queue and review (validate, return, pay), receipts served only
after the access check, 404 for another entrepreneur on every id, and constant query counts."""

from __future__ import annotations

import datetime
import html
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptabilite.models import Entry, Expense, ExpenseStatus
from comptabilite.services import expenses as services
from coodyssee.models import Cooperative
from tests.comptabilite_expenses.conftest import (
    PDF_BYTES,
    PNG_BYTES,
    pdf,
    png,
    report,
    submitted,
    supplier_invoice,
    trip,
    validated,
)
from tests.conftest import client_for

D = Decimal
pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split())


def form_data(**values) -> dict:
    return {
        "kind": "report",
        "date": "2026-03-02",
        "category": "meals",
        "description": "Déjeuner avec un client",
        "supplier": "",
        "supplier_invoice_number": "",
        "due_date": "",
        "amount_ttc": "33,00",
        "vat": "3,00",
        "distance_km": "",
        "fiscal_power": "",
        "vehicle": "",
    } | values


# --- portal ---------------------------------------------------------------------------------------


def test_entrepreneur_creates_an_expense_with_its_receipt(entrepreneur, activity):
    client = client_for(entrepreneur)
    page = client.get(reverse("portal:expense_create"))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()
    response = client.post(reverse("portal:expense_create"), form_data(receipt=pdf("resto.pdf")))
    expense = Expense.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "portal:expense", args=[expense.pk]
    )
    assert (expense.activity, expense.amount_ttc, expense.vat, expense.amount_ht) == (
        activity,
        D("33.00"),
        D("3.00"),
        D("30.00"),
    )
    assert expense.receipt.name.endswith("resto.pdf")
    detail = text(client.get(response["Location"]))
    assert "Déjeuner avec un client" in detail and "33,00 €" in detail and "resto.pdf" in detail


def test_entrepreneur_with_two_activities_chooses_one(entrepreneur, activity):
    from tests.comptabilite_expenses.conftest import activity_of

    second = activity_of(entrepreneur, "EXP-C", "Photographie")
    client = client_for(entrepreneur)
    assert 'name="activity"' in client.get(reverse("portal:expense_create")).content.decode()
    client.post(reverse("portal:expense_create"), form_data(activity=second.pk, receipt=pdf()))
    assert Expense.objects.get().activity == second


def test_an_entrepreneur_cannot_create_for_another_activity(entrepreneur, activity, other_activity):
    from tests.comptabilite_expenses.conftest import activity_of

    activity_of(entrepreneur, "EXP-C", "Photographie")
    response = client_for(entrepreneur).post(
        reverse("portal:expense_create"), form_data(activity=other_activity.pk, receipt=pdf())
    )
    assert response.status_code == 400 and not Expense.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"vat": "40,00"}, "La TVA ne peut pas dépasser le montant TTC."),
        ({"receipt": "txt"}, "Le justificatif doit être un PDF, un JPEG ou un PNG."),
        ({"receipt": "big"}, "Le justificatif dépasse 10 Mo"),
        ({"kind": "supplier"}, "Indiquez le nom du fournisseur."),
        ({"category": "mileage"}, "Indiquez la distance parcourue"),
        ({"date": "2026-02-10"}, "La période est clôturée jusqu'au 28/02/2026"),
    ],
)
def test_refusals_are_shown_on_the_form(entrepreneur, activity, values, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    Cooperative.objects.update(ledger_closed_until=datetime.date(2026, 2, 28))
    uploads = {
        "txt": SimpleUploadedFile("notes.txt", b"bonjour"),
        "big": SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1)),
    }
    values = dict(values)
    values["receipt"] = uploads.get(values.get("receipt"), pdf())
    if values.get("category") == "mileage":
        values["vat"] = ""
    response = client_for(entrepreneur).post(reverse("portal:expense_create"), form_data(**values))
    assert response.status_code == 400
    assert message in text(response)
    assert not Expense.objects.exists()


def test_the_form_asks_again_for_the_file_after_an_error(entrepreneur, activity):
    response = client_for(entrepreneur).post(
        reverse("portal:expense_create"), form_data(vat="99", receipt=pdf())
    )
    assert "sélectionnez à nouveau votre justificatif" in text(response)


def test_editing_a_draft_replaces_fields_and_receipt(entrepreneur, activity):
    expense = report(entrepreneur, activity)
    client = client_for(entrepreneur)
    url = reverse("portal:expense_edit", args=[expense.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Cartouches d'encre" in html.unescape(page.content.decode())
    response = client.post(url, form_data(description="Encre et papier", receipt=png("photo.png")))
    assert response.status_code == 302
    expense.refresh_from_db()
    assert expense.description == "Encre et papier" and expense.receipt.name.endswith("photo.png")


def test_submit_then_staff_return_shows_the_comment_to_the_entrepreneur(entrepreneur, activity, accountant):
    expense = report(entrepreneur, activity)
    client = client_for(entrepreneur)
    assert client.post(reverse("portal:expense_submit", args=[expense.pk])).status_code == 302
    assert Expense.objects.get().status == ExpenseStatus.SUBMITTED
    staff = client_for(accountant)
    refused = staff.post(reverse("backoffice:expense_return", args=[expense.pk]), {"comment": ""})
    assert refused.status_code == 400 and "Ce champ est obligatoire." in text(refused)
    staff.post(
        reverse("backoffice:expense_return", args=[expense.pk]), {"comment": "Il manque le ticket de caisse."}
    )
    detail = client.get(reverse("portal:expense", args=[expense.pk]))
    assert 'data-testid="return-comment"' in detail.content.decode()
    assert "Il manque le ticket de caisse." in text(detail)
    listing = text(client.get(reverse("portal:expenses")))
    assert "1 dépense à corriger" in listing and "Il manque le ticket de caisse." in listing


def test_submitting_without_receipt_says_why(entrepreneur, activity):
    expense = report(entrepreneur, activity, receipt=None)
    client = client_for(entrepreneur)
    response = client.post(reverse("portal:expense_submit", args=[expense.pk]), follow=True)
    assert "Joignez le justificatif" in text(response)
    assert Expense.objects.get().status == ExpenseStatus.DRAFT


def test_deleting_a_draft(entrepreneur, activity):
    expense = report(entrepreneur, activity)
    response = client_for(entrepreneur).post(reverse("portal:expense_delete", args=[expense.pk]))
    assert response.status_code == 302 and not Expense.objects.exists()


def test_a_validated_expense_is_no_longer_editable_from_the_portal(entrepreneur, activity, accountant):
    expense = validated(report(entrepreneur, activity), entrepreneur, accountant)
    client = client_for(entrepreneur)
    assert client.get(reverse("portal:expense_edit", args=[expense.pk])).status_code == 302
    client.post(reverse("portal:expense_edit", args=[expense.pk]), form_data(description="Changée"))
    client.post(reverse("portal:expense_delete", args=[expense.pk]))
    expense.refresh_from_db()
    assert expense.description == "Cartouches d'encre" and expense.status == ExpenseStatus.VALIDATED
    detail = client.get(reverse("portal:expense", args=[expense.pk])).content.decode()
    assert reverse("portal:expense_edit", args=[expense.pk]) not in detail


def test_the_mileage_estimate(entrepreneur, activity, accountant):
    validated(trip(entrepreneur, activity, km="4500", power=3), entrepreneur, accountant)
    response = client_for(entrepreneur).get(
        reverse("portal:expense_mileage_preview"),
        {"distance_km": "1000", "fiscal_power": "3", "date": "2026-03-05"},
    )
    assert "422,50 €" in text(response) and "4500" in text(response).replace("\u202f", "").replace(" ", "")
    empty = client_for(entrepreneur).get(reverse("portal:expense_mileage_preview"), {"distance_km": "abc"})
    assert "Indiquez la distance" in text(empty)


def test_the_portal_creates_a_trip_without_receipt(entrepreneur, activity):
    client = client_for(entrepreneur)
    response = client.post(
        reverse("portal:expense_create"),
        form_data(
            category="mileage", amount_ttc="", vat="", distance_km="120", fiscal_power="5", vehicle="Clio"
        ),
    )
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert (expense.amount_ttc, expense.vat, expense.fiscal_power) == (D("76.32"), D("0.00"), 5)
    client.post(reverse("portal:expense_submit", args=[expense.pk]))
    assert Expense.objects.get().status == ExpenseStatus.SUBMITTED


# --- receipts and other people's ids --------------------------------------------------------------


def test_receipts_download_only_through_the_checked_views(
    entrepreneur, other_entrepreneur, activity, officer
):
    expense = report(entrepreneur, activity)
    own = client_for(entrepreneur).get(reverse("portal:expense_receipt", args=[expense.pk]))
    assert own.status_code == 200 and b"".join(own.streaming_content) == PDF_BYTES
    assert own["Content-Type"] == "application/pdf" and own["Content-Disposition"].startswith("attachment")
    assert own["X-Content-Type-Options"] == "nosniff"
    preview = client_for(officer).get(
        reverse("backoffice:expense_receipt", args=[expense.pk]), {"apercu": "1"}
    )
    assert preview.status_code == 200 and preview["Content-Disposition"].startswith("inline")
    assert (
        client_for(other_entrepreneur).get(reverse("portal:expense_receipt", args=[expense.pk])).status_code
        == 404
    )
    assert (
        client_for(other_entrepreneur)
        .get(reverse("backoffice:expense_receipt", args=[expense.pk]))
        .status_code
        == 403
    )
    # No public URL anywhere on the pages.
    page = client_for(entrepreneur).get(reverse("portal:expense", args=[expense.pk])).content.decode()
    assert "/media/" not in page and expense.receipt.name not in page


def test_a_png_receipt_is_served_as_an_image(entrepreneur, activity, accountant):
    expense = submitted(report(entrepreneur, activity, receipt=png()), entrepreneur)
    response = client_for(accountant).get(
        reverse("backoffice:expense_receipt", args=[expense.pk]), {"apercu": 1}
    )
    assert response["Content-Type"] == "image/png" and b"".join(response.streaming_content) == PNG_BYTES
    page = client_for(accountant).get(reverse("backoffice:expense", args=[expense.pk])).content.decode()
    assert "<img" in page and reverse("backoffice:expense_receipt", args=[expense.pk]) in page


def test_an_expense_without_receipt_answers_404_on_download(entrepreneur, activity):
    expense = trip(entrepreneur, activity)
    assert (
        client_for(entrepreneur).get(reverse("portal:expense_receipt", args=[expense.pk])).status_code == 404
    )


PORTAL_ID_VIEWS = [
    ("get", "portal:expense"),
    ("get", "portal:expense_edit"),
    ("post", "portal:expense_edit"),
    ("post", "portal:expense_submit"),
    ("post", "portal:expense_delete"),
    ("get", "portal:expense_receipt"),
]


@pytest.mark.parametrize(("method", "name"), PORTAL_ID_VIEWS)
def test_another_entrepreneur_gets_404_on_every_id(entrepreneur, other_entrepreneur, activity, method, name):
    expense = report(entrepreneur, activity)
    client = client_for(other_entrepreneur)
    url = reverse(name, args=[expense.pk])
    response = client.get(url) if method == "get" else client.post(url, form_data(receipt=pdf()))
    assert response.status_code == 404
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.DRAFT and expense.description == "Cartouches d'encre"


def test_another_entrepreneur_does_not_see_the_expense_in_their_list(
    entrepreneur, other_entrepreneur, activity
):
    report(entrepreneur, activity, description="Achat très secret")
    page = text(client_for(other_entrepreneur).get(reverse("portal:expenses")))
    assert "Achat très secret" not in page and "Aucune dépense" in page


@pytest.mark.parametrize(
    "name",
    [
        "backoffice:expense",
        "backoffice:expense_validate",
        "backoffice:expense_return",
        "backoffice:expense_pay",
    ],
)
def test_entrepreneurs_never_reach_the_backoffice_pages(entrepreneur, activity, name):
    expense = submitted(report(entrepreneur, activity), entrepreneur)
    assert client_for(entrepreneur).post(reverse(name, args=[expense.pk])).status_code == 403


# --- back-office ----------------------------------------------------------------------------------


def test_the_queue_lists_submitted_expenses_oldest_first(
    entrepreneur, other_entrepreneur, activity, other_activity, accountant, time_machine
):
    first = submitted(
        report(other_entrepreneur, other_activity, description="Plus ancienne"), other_entrepreneur
    )
    time_machine.shift(datetime.timedelta(hours=1))
    submitted(report(entrepreneur, activity, description="Plus récente"), entrepreneur)
    report(entrepreneur, activity, description="Brouillon invisible")
    page = text(client_for(accountant).get(reverse("backoffice:expense_queue")))
    assert page.index("Plus ancienne") < page.index("Plus récente")
    assert "Brouillon invisible" not in page and "(2)" in page
    assert first.pk


def test_validate_from_the_review_posts_the_entry(entrepreneur, activity, accountant):
    expense = submitted(supplier_invoice(entrepreneur, activity), entrepreneur)
    client = client_for(accountant)
    page = client.get(reverse("backoffice:expense", args=[expense.pk]))
    assert page.status_code == 200 and "Valider la dépense" in page.content.decode()
    response = client.post(reverse("backoffice:expense_validate", args=[expense.pk]))
    assert response.status_code == 302
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.VALIDATED
    assert Entry.objects.get(expense=expense).journal_id == "HA"
    after = text(client.get(reverse("backoffice:expense", args=[expense.pk])))
    assert "Enregistrer le paiement" in after and "HA" in after


def test_a_closed_period_refusal_is_shown_on_the_review(entrepreneur, activity, accountant):
    expense = submitted(report(entrepreneur, activity), entrepreneur)
    Cooperative.objects.update(ledger_closed_until=datetime.date(2026, 3, 5))
    response = client_for(accountant).post(reverse("backoffice:expense_validate", args=[expense.pk]))
    assert response.status_code == 400
    assert "La période est clôturée jusqu'au 05/03/2026" in text(response)
    assert Expense.objects.get().status == ExpenseStatus.SUBMITTED and not Entry.objects.exists()


def test_record_the_payment_from_the_review(entrepreneur, activity, accountant):
    expense = validated(report(entrepreneur, activity), entrepreneur, accountant)
    client = client_for(accountant)
    url = reverse("backoffice:expense_pay", args=[expense.pk])
    refused = client.post(url, {"date": "2026-03-11", "method": "transfer", "reference": ""})
    assert refused.status_code == 400 and "La date de paiement ne peut pas être dans le futur." in text(
        refused
    )
    response = client.post(url, {"date": "2026-03-09", "method": "transfer", "reference": "VIR-42"})
    assert response.status_code == 302
    expense.refresh_from_db()
    assert (expense.status, expense.payment_reference) == ("paid", "VIR-42")
    assert Entry.objects.filter(expense=expense, journal_id="BQ").count() == 1
    portal = text(client_for(entrepreneur).get(reverse("portal:expense", args=[expense.pk])))
    assert "60,00 € payés le 09/03/2026" in portal


def test_read_only_staff_see_but_do_not_validate(entrepreneur, activity, officer):
    expense = submitted(report(entrepreneur, activity), entrepreneur)
    client = client_for(officer)
    page = client.get(reverse("backoffice:expense", args=[expense.pk]))
    assert page.status_code == 200 and "Valider la dépense" not in page.content.decode()
    assert client.post(reverse("backoffice:expense_validate", args=[expense.pk])).status_code == 403
    assert client.post(reverse("backoffice:expense_pay", args=[expense.pk])).status_code == 403


def test_the_list_filters_and_exports(entrepreneur, other_entrepreneur, activity, other_activity, accountant):
    report(entrepreneur, activity, description="Encre")
    supplier_invoice(other_entrepreneur, other_activity)
    validated(trip(entrepreneur, activity, km="120", power=5), entrepreneur, accountant)
    client = client_for(accountant)
    page = text(client.get(reverse("backoffice:expenses"), {"kind": "supplier"}))
    assert "Impression des plaquettes" in page and "Encre" not in page
    page = text(client.get(reverse("backoffice:expenses"), {"activity": activity.pk, "status": "validated"}))
    assert "Rendez-vous client à Gap" in page and "Encre" not in page
    page = text(client.get(reverse("backoffice:expenses"), {"start": "2026-03-03", "end": "2026-03-03"}))
    assert "Impression des plaquettes" in page and "Encre" not in page
    export = client.get(reverse("backoffice:expenses"), {"format": "csv", "kind": "report"})
    rows = export.content.decode("utf-8-sig").splitlines()
    assert export["Content-Type"].startswith("text/csv") and len(rows) == 3
    assert rows[0].startswith("Date;Type;État;Activité")
    assert any("6251" in row and "76,32" in row and "120,0" in row for row in rows)


def test_navigation_has_the_expense_items(entrepreneur, accountant, activity):
    assert "Mes dépenses" in text(client_for(entrepreneur).get(reverse("portal:home")))
    backoffice = client_for(accountant).get(reverse("backoffice:home")).content.decode()
    assert backoffice.index("Facturation") < backoffice.index(">Dépenses<")


# --- query counts ---------------------------------------------------------------------------------


def _make(count, entrepreneur, activity, accountant):
    for index in range(count):
        expense = report(entrepreneur, activity, description=f"Dépense {index}")
        if index % 3:
            submitted(expense, entrepreneur)
        if index % 3 == 2:
            services.expense_validate(by=accountant, expense=expense)


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("persona", "url_name", "params"),
    [
        ("entrepreneur", "portal:expenses", {}),
        ("accountant", "backoffice:expenses", {}),
        ("accountant", "backoffice:expenses", {"format": "csv"}),
        ("accountant", "backoffice:expense_queue", {}),
    ],
)
def test_list_query_counts_do_not_grow_with_rows(
    request, persona, url_name, params, entrepreneur, activity, accountant
):
    client = client_for(request.getfixturevalue(persona))
    url = reverse(url_name)
    submitted(report(entrepreneur, activity), entrepreneur)  # shown by every list, the queue included
    one = _queries(client, url, params)
    _make(19, entrepreneur, activity, accountant)  # drafts, submitted and validated ones
    many = _queries(client, url, params)
    assert Expense.objects.count() == 20
    assert many == one, (one, many)


def test_detail_query_count_does_not_grow_with_history(entrepreneur, activity, accountant):
    expense = report(entrepreneur, activity)
    client = client_for(accountant)
    for _round in range(1):
        submitted(expense, entrepreneur)
        services.expense_return(by=accountant, expense=expense, comment="Encore")
    few = _queries(client, reverse("backoffice:expense", args=[expense.pk]))
    for _round in range(5):
        submitted(expense, entrepreneur)
        services.expense_return(by=accountant, expense=expense, comment="Encore")
    assert _queries(client, reverse("backoffice:expense", args=[expense.pk])) == few


# --- a supplier invoice typed by the support team -------------------------------------------------------

SUPPLIER_INVOICE = "/gestion/depenses/facture-fournisseur/"


def _supplier_invoice_post(activity, **values) -> dict:
    return {
        "activity": activity.pk,
        "supplier": "Papeterie Alpine",
        "supplier_invoice_number": "FA-2026-118",
        "date": "2026-03-05",
        "category": "supplies",
        "description": "Ramettes et encre",
        "amount_ttc": "120,00",
        "vat": "20,00",
        "due_date": "2026-04-04",
        "receipt": pdf("facture.pdf"),
    } | values


def test_staff_type_a_supplier_invoice_that_goes_to_the_validation_queue(
    coop, activity, accountant, entrepreneur
):
    client = client_for(accountant)
    page = text(client.get("/gestion/depenses/"))
    assert "Saisir une facture fournisseur" in page
    form = text(client.get(SUPPLIER_INVOICE))
    assert "indemnités kilométriques" not in form  # no mileage for an invoice
    response = client.post(SUPPLIER_INVOICE, _supplier_invoice_post(activity))
    expense = Expense.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/gestion/depenses/{expense.pk}/"
    assert (expense.kind, expense.status, expense.activity, expense.entrepreneur.user) == (
        "supplier",
        ExpenseStatus.SUBMITTED,
        activity,
        entrepreneur,
    )
    assert (expense.amount_ht, expense.vat, expense.created_by) == (D("100.00"), D("20.00"), accountant)
    assert expense.receipt.read() == PDF_BYTES
    assert list(expense.events.values_list("kind", flat=True)) == ["created", "submitted"]
    assert "Papeterie Alpine" in text(client.get("/gestion/depenses/a-valider/"))
    # the entrepreneur sees it among their expenses
    assert "Papeterie Alpine" in text(client_for(entrepreneur).get("/portail/depenses/"))


def test_a_refused_supplier_invoice_keeps_nothing_and_says_why(
    coop, activity, accountant, settings, other_entrepreneur
):
    from entrepreneurs.models import ActivityMembership

    client = client_for(accountant)
    for values, message in (
        ({"supplier_invoice_number": ""}, "Indiquez le numéro de la facture du fournisseur."),
        ({"date": "2026-03-20"}, "ne peut pas être dans le futur"),
        ({"receipt": ""}, "Ce champ est obligatoire."),
    ):
        response = client.post(SUPPLIER_INVOICE, _supplier_invoice_post(activity, **values))
        assert response.status_code == 400 and message in text(response)
    # a shared activity needs the person who spent
    ActivityMembership.objects.create(activity=activity, entrepreneur=other_entrepreneur.entrepreneur)
    response = client.post(SUPPLIER_INVOICE, _supplier_invoice_post(activity))
    assert response.status_code == 400 and "activité partagée" in text(response)
    assert not Expense.objects.exists()
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):  # no receipt file left behind
        assert not [path for path in Path(root).rglob("*") if path.is_file()]


def test_supplier_invoices_are_typed_by_the_accountant_and_the_manager_only(
    coop, activity, officer, entrepreneur
):
    assert "Saisir une facture fournisseur" not in text(client_for(officer).get("/gestion/depenses/"))
    for person in (officer, entrepreneur):
        assert client_for(person).get(SUPPLIER_INVOICE).status_code == 403
        assert client_for(person).post(SUPPLIER_INVOICE, _supplier_invoice_post(activity)).status_code == 403
    assert not Expense.objects.exists()
