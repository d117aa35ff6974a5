"""Expense pages: the portal's "Mes dépenses" (draft, submit, follow) and the back-office's list, validation
queue and one-screen review (validate or return with a comment, record the payment).

Portal views read through ``selectors_expenses.access_expense(user, pk, own=True)``: another entrepreneur's
ids answer 404. Receipts are private files: they are only ever served by the two ``*_receipt`` views, after
the same access check, never by a public URL.
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from comptabilite import mileage
from comptabilite import selectors_expenses as selectors
from comptabilite.forms_expenses import (
    ExpenseForm,
    ExpensePaymentForm,
    ReturnForm,
    SupplierInvoiceForm,
    ValidateForm,
)
from comptabilite.models import ExpenseCategory, ExpenseStatus
from comptabilite.services import expenses as services
from comptabilite.tables_expenses import (
    ExpenseFilter,
    ExpenseQueueTable,
    ExpenseTable,
    PortalExpenseFilter,
    PortalExpenseTable,
    is_returned,
)
from comptabilite.views._common import PER_PAGE, csv_amount, csv_date, csv_query, csv_response, members_of
from coodyssee.errors import DomainError
from coodyssee.money import to_decimal
from coodyssee.permissions import has_perm, permission
from coodyssee.templatetags.money import format_euros
from entrepreneurs.models import Activity, Entrepreneur

PORTAL = "portal.expenses"
TO_PAY_SHOWN = 10


# --- shared ---------------------------------------------------------------------------------------


def _receipt_response(request, expense):
    """The stored receipt, inline with ``?apercu=1`` (preview), else as a download."""
    if not expense.receipt:
        raise Http404
    name = os.path.basename(expense.receipt.name)
    try:
        handle = expense.receipt.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=services.receipt_content_type(name),
        as_attachment=not request.GET.get("apercu"),
        filename=name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _detail_context(expense) -> dict:
    detail = selectors.expense_detail(expense)
    return {
        "expense": detail,
        "events": list(detail.events.all()),
        "entries": list(detail.entries.all()),
        "is_returned": is_returned(detail),
        "is_mileage": detail.category == ExpenseCategory.MILEAGE,
        "receipt_name": os.path.basename(detail.receipt.name) if detail.receipt else "",
        "receipt_is_image": services.receipt_content_type(detail.receipt.name).startswith("image/")
        if detail.receipt
        else False,
    }


def _form_page(request, form, *, expense=None, status=200):
    return render(
        request,
        "comptabilite/expenses/form.html",
        {
            "form": form,
            "expense": expense,
            "receipt_name": os.path.basename(expense.receipt.name) if expense and expense.receipt else "",
            "scale": [(label, mileage.SCALE[power]) for power, label in mileage.POWER_CHOICES],
            "lost_file": request.method == "POST" and bool(request.FILES.get("receipt")) and form.errors,
        },
        status=status,
    )


# --- portal ---------------------------------------------------------------------------------------


@permission(PORTAL)
def portal_list(request):
    expenses = PortalExpenseFilter(request.GET, queryset=selectors.expenses_for(request.user, own=True))
    table = PortalExpenseTable(expenses.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    own = selectors.expenses_for(request.user, own=True)
    return render(
        request,
        "comptabilite/expenses/portal_list.html",
        {
            "filter": expenses,
            "table": table,
            "returned": list(own.filter(status=ExpenseStatus.DRAFT).exclude(return_comment="")[:50]),
            "to_be_paid": list(
                own.filter(status=ExpenseStatus.VALIDATED).order_by("validated_at", "pk")[:50]
            ),
        },
    )


@permission(PORTAL)
def portal_create(request):
    activities = selectors.own_activities(request.user).order_by("code")
    available = list(activities)
    if not available:
        messages.warning(
            request, _("Aucune activité n'est encore rattachée à votre fiche : contactez l'équipe d'appui.")
        )
        return redirect("portal:expenses")
    several = len(available) > 1
    form = ExpenseForm(
        request.POST or None,
        request.FILES or None,
        activities=activities if several else None,
        initial=ExpenseForm.new_initial(),
    )
    if request.method == "POST" and form.is_valid():
        activity = form.cleaned_data["activity"] if several else available[0]
        try:
            expense = services.expense_create(
                by=request.user, activity=activity, receipt=form.cleaned_data["receipt"], **form.values()
            )
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(
                request, _("Dépense enregistrée en brouillon. Soumettez-la quand elle est prête.")
            )
            return redirect("portal:expense", pk=expense.pk)
    return _form_page(request, form, status=400 if form.errors else 200)


@permission(PORTAL)
def portal_detail(request, pk):
    expense = selectors.access_expense(request.user, pk, own=True)
    context = _detail_context(expense) | {"space": "portal"}
    context["can_edit"] = context["expense"].status == ExpenseStatus.DRAFT
    return render(request, "comptabilite/expenses/portal_detail.html", context)


@permission(PORTAL)
def portal_edit(request, pk):
    expense = selectors.access_expense(request.user, pk, own=True)
    if expense.status != ExpenseStatus.DRAFT:
        messages.error(request, _("Seule une dépense en brouillon se modifie."))
        return redirect("portal:expense", pk=expense.pk)
    form = ExpenseForm(
        request.POST or None,
        request.FILES or None,
        initial=ExpenseForm.initial_for(expense),
        has_receipt=bool(expense.receipt),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.expense_update(
                by=request.user,
                expense=expense,
                receipt=form.cleaned_data["receipt"],
                remove_receipt=form.cleaned_data.get("remove_receipt", False),
                **form.values(),
            )
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Brouillon enregistré."))
            return redirect("portal:expense", pk=expense.pk)
    return _form_page(request, form, expense=expense, status=400 if form.errors else 200)


@require_POST
@permission(PORTAL)
def portal_submit(request, pk):
    expense = selectors.access_expense(request.user, pk, own=True)
    try:
        services.expense_submit(by=request.user, expense=expense)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Dépense soumise à l'équipe d'appui pour validation."))
    return redirect("portal:expense", pk=expense.pk)


@require_POST
@permission(PORTAL)
def portal_delete(request, pk):
    expense = selectors.access_expense(request.user, pk, own=True)
    try:
        services.expense_delete_draft(by=request.user, expense=expense)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("portal:expense", pk=expense.pk)
    messages.success(request, _("Brouillon supprimé."))
    return redirect("portal:expenses")


@permission(PORTAL)
def portal_receipt(request, pk):
    return _receipt_response(request, selectors.access_expense(request.user, pk, own=True))


@permission(PORTAL)
def mileage_preview(request):
    """The allowance of the trip being typed (htmx), counted after the person's validated trips."""
    amount = None
    try:
        distance = to_decimal(request.GET.get("distance_km") or "")
        power = int(request.GET.get("fiscal_power") or 0)
        year = int((request.GET.get("date") or "")[:4] or timezone.localdate().year)
    except (TypeError, ValueError, InvalidOperation):
        distance, power, year = Decimal(0), 0, 0
    entrepreneur = getattr(request.user, "entrepreneur", None)
    if distance > 0 and power in mileage.SCALE and year and entrepreneur is not None:
        before = services.mileage_counted_km(
            entrepreneur_id=entrepreneur.pk,
            year=year,
            fiscal_power=power,
            exclude_pk=_int_or_none(request.GET.get("expense")),
        )
        amount = mileage.trip_allowance(distance, power, before_km=before)
        return render(
            request, "comptabilite/expenses/_mileage_preview.html", {"amount": amount, "before": before}
        )
    return render(request, "comptabilite/expenses/_mileage_preview.html", {"amount": None})


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- back-office ----------------------------------------------------------------------------------


def _expenses_csv(expenses):
    return csv_response(
        "depenses.csv",
        [
            "Date",
            "Type",
            "État",
            "Activité",
            "Entrepreneur·e",
            "Catégorie",
            "Compte",
            "Description",
            "Fournisseur",
            "N° de facture",
            "Montant HT",
            "TVA",
            "Montant TTC",
            "Distance (km)",
            "Puissance (CV)",
            "Soumise le",
            "Validée le",
            "Payée le",
            "Moyen de paiement",
            "Référence du paiement",
        ],
        (
            [
                csv_date(expense.date),
                expense.get_kind_display(),
                expense.get_status_display(),
                expense.activity.code,
                str(expense.entrepreneur),
                expense.get_category_display(),
                expense.account_code,
                expense.description,
                expense.supplier,
                expense.supplier_invoice_number,
                csv_amount(expense.amount_ht),
                csv_amount(expense.vat),
                csv_amount(expense.amount_ttc),
                f"{expense.distance_km}".replace(".", ",") if expense.distance_km else "",
                expense.fiscal_power or "",
                csv_date(timezone.localtime(expense.submitted_at) if expense.submitted_at else None),
                csv_date(timezone.localtime(expense.validated_at) if expense.validated_at else None),
                csv_date(expense.paid_on),
                expense.payment_method,
                expense.payment_reference,
            ]
            for expense in expenses
        ),
    )


@permission("expenses.view")
def expense_list(request):
    expenses = ExpenseFilter(request.GET, queryset=selectors.expenses_for(request.user))
    if request.GET.get("format") == "csv":
        return _expenses_csv(expenses.qs.iterator(chunk_size=2000))
    table = ExpenseTable(expenses.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "comptabilite/expenses/list.html",
        {
            "filter": expenses,
            "table": table,
            "csv_query": csv_query(request.GET),
            "queue_count": selectors.awaiting_validation_count(),
            "can_record": has_perm(request.user, "expenses.validate"),
        },
    )


@permission("expenses.view")
def expense_queue(request):
    table = ExpenseQueueTable(selectors.validation_queue())
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "comptabilite/expenses/queue.html",
        {
            "table": table,
            "queue_count": table.paginator.count,
            "to_pay": list(selectors.awaiting_payment()[:TO_PAY_SHOWN]),
            "to_pay_count": selectors.awaiting_payment().count(),
        },
    )


def _backoffice_page(
    request, expense, *, validate_form=None, return_form=None, payment_form=None, status=200
):
    context = _detail_context(expense)
    detail = context["expense"]
    user = request.user
    can_validate = detail.status == ExpenseStatus.SUBMITTED and has_perm(user, "expenses.validate")
    can_pay = detail.status == ExpenseStatus.VALIDATED and has_perm(user, "expenses.pay")
    context |= {
        "space": "backoffice",
        "can_validate": can_validate,
        "can_pay": can_pay,
        "validate_form": validate_form or ValidateForm(),
        "return_form": return_form or ReturnForm(),
        "payment_form": payment_form or ExpensePaymentForm(initial=ExpensePaymentForm.initial_for()),
        "queue_count": selectors.awaiting_validation_count(),
        "members": members_of(detail.activity) if detail.activity_id else [],
    }
    return render(request, "comptabilite/expenses/detail.html", context, status=status)


@permission("expenses.validate")
def supplier_invoice_create(request):
    """Type a supplier invoice received for an activity: stored with its file and put straight in the
    validation queue (a draft the entrepreneur never saw would wait for nobody)."""
    form = SupplierInvoiceForm(
        request.POST or None,
        request.FILES or None,
        activities=Activity.objects.order_by("code"),
        entrepreneurs=Entrepreneur.objects.filter(activity_memberships__isnull=False)
        .distinct()
        .order_by("last_name", "first_name"),
        initial=SupplierInvoiceForm.new_initial(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            expense = services.supplier_invoice_record(
                by=request.user,
                activity=form.cleaned_data["activity"],
                receipt=form.cleaned_data["receipt"],
                **form.values(),
            )
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Facture fournisseur enregistrée, en attente de validation."))
            return redirect("backoffice:expense", pk=expense.pk)
    return render(
        request,
        "comptabilite/expenses/supplier_form.html",
        {"form": form, "lost_file": request.method == "POST" and bool(request.FILES.get("receipt"))},
        status=400 if form.errors else 200,
    )


@permission("expenses.view")
def expense_detail(request, pk):
    return _backoffice_page(request, selectors.access_expense(request.user, pk))


@require_POST
@permission("expenses.validate")
def expense_validate(request, pk):
    expense = selectors.access_expense(request.user, pk)
    form = ValidateForm(request.POST)
    form.is_valid()
    try:
        expense = services.expense_validate(by=request.user, expense=expense)
    except DomainError as error:
        error.attach_to(form)
        return _backoffice_page(request, expense, validate_form=form, status=400)
    messages.success(
        request,
        _("Dépense validée et comptabilisée : %(amount)s.") % {"amount": format_euros(expense.amount_ttc)},
    )
    return _after_review(request, expense)


@require_POST
@permission("expenses.validate")
def expense_return(request, pk):
    expense = selectors.access_expense(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            expense = services.expense_return(
                by=request.user, expense=expense, comment=form.cleaned_data["comment"]
            )
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Dépense renvoyée en brouillon avec votre commentaire."))
            return _after_review(request, expense)
    return _backoffice_page(request, expense, return_form=form, status=400)


def _after_review(request, expense):
    """Back to the queue while it holds more expenses, so staff go through it in one run."""
    if selectors.validation_queue().exists():
        return redirect("backoffice:expense_queue")
    return redirect("backoffice:expense", pk=expense.pk)


@require_POST
@permission("expenses.pay")
def expense_pay(request, pk):
    expense = selectors.access_expense(request.user, pk)
    form = ExpensePaymentForm(request.POST)
    if form.is_valid():
        try:
            services.expense_pay(by=request.user, expense=expense, **form.cleaned_data)
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Paiement enregistré et comptabilisé."))
            return redirect(f"{reverse('backoffice:expense', args=[expense.pk])}#paiement")
    return _backoffice_page(request, expense, payment_form=form, status=400)


@permission("expenses.view")
def expense_receipt(request, pk):
    return _receipt_response(request, selectors.access_expense(request.user, pk))
