"""Pieces shared by the back-office and portal pages of invoicing: forms with lines, the document's
page context, CSV, safe "next" links. No writes here: the views call the services."""

from __future__ import annotations

import csv
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from comptabilite import selectors, services
from comptabilite.forms import InvoiceForm, LineFormSet, line_initial
from comptabilite.models import CONTROL_CHECKLIST, Invoice, InvoiceStatus
from comptabilite.models.choices import DEFAULT_EARLY_PAYMENT_TEXT
from comptabilite.tables import document_label
from comptabilite.totals import LineInput, document_totals
from comptabilite.validation import LineError
from coodyssee.errors import DomainError
from coodyssee.selectors import cooperative_current
from entrepreneurs.models import Activity, Entrepreneur

LINES_PREFIX = "lines"
PER_PAGE = 50


# --- activity of a new document ------------------------------------------------------------------


def activities_with_members(user):
    """The activities this person may draft for, with their members (for the labels), in two queries."""
    return selectors.activities_for(user).prefetch_related("members").order_by("code")


def chosen_activity(request, activities) -> Activity | None:
    """The activity named by ``?activity=`` among ``activities`` (404 outside), or the only one."""
    value = request.GET.get("activity") or request.POST.get("activity")
    if value:
        try:
            return activities.get(pk=int(value))
        except (ValueError, Activity.DoesNotExist):
            raise Http404 from None
    only = list(activities[:2])
    return only[0] if len(only) == 1 else None


def new_invoice_initial(request) -> dict:
    """A new invoice starts with the cooperative's payment terms (and the customer just created, if any)."""
    coop = cooperative_current()
    return {
        "payment_terms_days": coop.payment_terms_days if coop else 30,
        "late_penalty_rate": coop.late_penalty_rate if coop else None,
        "vat_on_debits": bool(coop and coop.vat_on_debits),
        "early_payment_discount": DEFAULT_EARLY_PAYMENT_TEXT,
        "customer": request.GET.get("customer"),
    }


def members_of(activity: Activity) -> list[Entrepreneur]:
    return list(Entrepreneur.objects.filter(activity_memberships__activity=activity).order_by("last_name"))


# --- lines ---------------------------------------------------------------------------------------


def line_formset(data=None, *, initial=None):
    return LineFormSet(data, prefix=LINES_PREFIX, initial=initial)


def attach_errors(error: DomainError, form, formset, origins: list[int]) -> None:
    """Show a service's refusal where it belongs: on a line's field, above the lines, or on the form."""
    if isinstance(error, LineError) and 0 <= error.index < len(origins):
        line_form = formset.forms[origins[error.index]]
        line_form.add_error(error.line_field if error.line_field in line_form.fields else None, error.message)
    elif error.field == "lines":
        formset.non_form_errors().append(error.message)
    else:
        error.attach_to(form)


def preview_totals(request):
    """Totals of the lines being typed (htmx), computed with the same rounding as the services.

    Lines that do not parse yet are left out; the real totals are computed again on save.
    """
    formset = line_formset(request.POST)
    rows, lines = [], []
    for index, form in enumerate(formset.forms):
        total = None
        if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE"):
            data = form.cleaned_data
            line = LineInput(
                description=data["description"],
                quantity=data["quantity"],
                unit_price=data["unit_price"],
                vat_rate=data["vat_rate"],
            )
            lines.append(line)
            total = line.total_ht
        rows.append({"index": index, "total": total})
    totals = document_totals((line.vat_rate, line.total_ht) for line in lines)
    return render(
        request,
        "comptabilite/_totals_preview.html",
        {
            "rows": rows,
            "totals": totals,
            "has_zero_rate": any(line.vat_rate == Decimal(0) for line in lines),
        },
    )


# --- the document's page -------------------------------------------------------------------------


def document_context(invoice: Invoice) -> dict:
    """Everything the document's page shows, from ``selectors.invoice_detail`` (a fixed number of queries)."""
    detail = selectors.invoice_detail(invoice)
    today = timezone.localdate()
    return {
        "invoice": detail,
        "lines": list(detail.lines.all()),
        "payments": list(detail.payments.all()),
        "events": list(detail.events.all()),
        "reminders": list(detail.reminders.all()),
        "credit_notes": list(detail.credit_notes.all()),
        "payment_status": detail.payment_status(today),
        "checklist_labels": dict(CONTROL_CHECKLIST),
        "today": today,
        "is_returned": detail.status == InvoiceStatus.DRAFT and bool(detail.return_comment),
    }


def pdf_response(data: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{get_valid_filename(filename)}"'
    return response


def invoice_filename(invoice: Invoice) -> str:
    kind = "avoir" if invoice.is_credit_note else "facture"
    return f"{kind}-{invoice.number}.pdf" if invoice.number else f"apercu-{document_label(invoice)}.pdf"


# --- misc ----------------------------------------------------------------------------------------


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # BOM: spreadsheet programs then read the accents right
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return response


def csv_query(data) -> str:
    query = data.copy()
    query["format"] = "csv"
    query.pop("page", None)
    return query.urlencode()


def csv_amount(value) -> str:
    """An amount for a French spreadsheet: ``1234,56`` (no grouping, comma)."""
    return f"{value:.2f}".replace(".", ",") if value is not None else ""


def csv_date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def edit_draft(request, pk, *, space: str):
    """Edit a draft's header and lines, in the back-office or the portal (``space`` names the URLs)."""
    invoice = selectors.access_invoice(request.user, pk, write=True)
    if invoice.status != InvoiceStatus.DRAFT:
        messages.error(request, _("Seul un brouillon se modifie : ce document est en contrôle ou émis."))
        return redirect(f"{space}:invoice", pk=invoice.pk)
    initial = InvoiceForm.initial_for(invoice)
    if request.GET.get("customer"):
        initial["customer"] = request.GET["customer"]
    form = InvoiceForm(
        request.POST or None, activity=invoice.activity, initial=initial, lock_customer=invoice.is_credit_note
    )
    lines = line_formset(request.POST or None, initial=line_initial(invoice))
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        kept, origins = lines.lines()
        try:
            services.invoice_update(by=request.user, invoice=invoice, lines=kept, **form.cleaned_data)
        except DomainError as error:
            attach_errors(error, form, lines, origins)
        else:
            messages.success(request, _("Brouillon enregistré."))
            return redirect(f"{space}:invoice", pk=invoice.pk)
    return render(
        request,
        "comptabilite/invoice_form.html",
        {"form": form, "lines": lines, "activity": invoice.activity, "invoice": invoice, "space": space},
    )


def create_draft(request, activity: Activity, *, space: str, saved_message: str):
    """New draft for ``activity``: header and lines, in the back-office or the portal."""
    form = InvoiceForm(
        request.POST or None,
        activity=activity,
        members=members_of(activity),
        initial=new_invoice_initial(request),
    )
    lines = line_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        kept, origins = lines.lines()
        try:
            invoice = services.invoice_create(
                by=request.user, activity=activity, lines=kept, **form.cleaned_data
            )
        except DomainError as error:
            attach_errors(error, form, lines, origins)
        else:
            messages.success(request, saved_message)
            return redirect(f"{space}:invoice", pk=invoice.pk)
    return render(
        request,
        "comptabilite/invoice_form.html",
        {"form": form, "lines": lines, "activity": activity, "space": space},
    )
