"""Portal pages of invoicing ("Mes factures"): the entrepreneur's customers, quotes and invoices.

Everything goes through the selectors scoped by the person (``invoices_for``, ``access_invoice``…): another
entrepreneur's ids answer 404. Controlling and issuing are back-office actions this space never offers.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from comptabilite import selectors, services
from comptabilite.filters import PortalCustomerFilter, PortalInvoiceFilter, QuoteFilter
from comptabilite.forms import (
    ActivityForm,
    CustomerForm,
    QuoteForm,
    QuoteStatusForm,
    line_initial,
)
from comptabilite.models import InvoiceStatus, QuoteStatus
from comptabilite.services.quotes import DEFAULT_VALIDITY_DAYS
from comptabilite.tables import PortalCustomerTable, PortalInvoiceTable, QuoteTable
from comptabilite.views._common import (
    PER_PAGE,
    activities_with_members,
    attach_errors,
    chosen_activity,
    create_draft,
    document_context,
    edit_draft,
    line_formset,
    preview_totals,
    safe_next,
)
from coodyssee.errors import DomainError
from coodyssee.permissions import permission

ACTION = "portal.invoicing"


def _no_activity(request):
    messages.warning(
        request, _("Aucune activité n'est encore rattachée à votre fiche : contactez l'équipe d'appui.")
    )
    return redirect("portal:invoices")


def _activity_or_chooser(request, template_title: str):
    """The activity of a new document: the person's only one, the one chosen, or a chooser page."""
    activities = activities_with_members(request.user)
    activity = chosen_activity(request, activities)
    if activity is not None:
        return activity, None
    if not activities.exists():
        return None, _no_activity(request)
    return None, render(
        request,
        "comptabilite/activity_choose.html",
        {"form": ActivityForm(activities=activities), "title": template_title, "space": "portal"},
    )


# --- invoices ------------------------------------------------------------------------------------


@permission(ACTION)
def invoice_list(request):
    user = request.user
    documents = PortalInvoiceFilter(request.GET, queryset=selectors.invoices_for(user))
    table = PortalInvoiceTable(documents.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    unpaid = list(selectors.unpaid_for_entrepreneur(user))
    return render(
        request,
        "comptabilite/portal/invoice_list.html",
        {
            "filter": documents,
            "table": table,
            "returned": list(
                selectors.invoices_for(user, status=InvoiceStatus.DRAFT).exclude(return_comment="")
            ),
            "unpaid": unpaid,
            "unpaid_total": sum((invoice.due for invoice in unpaid), 0),
            "today": timezone.localdate(),
        },
    )


@permission(ACTION)
def invoice_create(request):
    activity, response = _activity_or_chooser(request, _("Nouvelle facture"))
    if response is not None:
        return response
    return create_draft(
        request,
        activity,
        space="portal",
        saved_message=_("Brouillon enregistré. Soumettez-le au contrôle quand il est prêt."),
    )


@permission(ACTION)
def invoice_detail(request, pk):
    invoice = selectors.access_invoice(request.user, pk)
    context = document_context(invoice) | {
        "space": "portal",
        "can_edit": invoice.status == InvoiceStatus.DRAFT,
    }
    return render(request, "comptabilite/portal/invoice_detail.html", context)


@permission(ACTION)
def invoice_edit(request, pk):
    return edit_draft(request, pk, space="portal")


@require_POST
@permission(ACTION)
def invoice_totals(request):
    return preview_totals(request)


@require_POST
@permission(ACTION)
def invoice_submit(request, pk):
    invoice = selectors.access_invoice(request.user, pk, write=True)
    try:
        services.invoice_submit(by=request.user, invoice=invoice)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Facture soumise à l'équipe d'appui pour contrôle."))
    return redirect("portal:invoice", pk=invoice.pk)


@require_POST
@permission(ACTION)
def invoice_delete(request, pk):
    invoice = selectors.access_invoice(request.user, pk, write=True)
    try:
        services.invoice_delete_draft(by=request.user, invoice=invoice)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("portal:invoice", pk=invoice.pk)
    messages.success(request, _("Brouillon supprimé."))
    return redirect("portal:invoices")


# --- customers -----------------------------------------------------------------------------------


@permission(ACTION)
def customer_list(request):
    customers = PortalCustomerFilter(request.GET, queryset=selectors.customers_for(request.user))
    table = PortalCustomerTable(customers.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(request, "comptabilite/portal/customer_list.html", {"filter": customers, "table": table})


@permission(ACTION)
def customer_detail(request, pk):
    customer = selectors.access_customer(request.user, pk)
    return render(
        request,
        "comptabilite/customer_detail.html",
        {
            "customer": customer,
            "documents": selectors.invoices_for(request.user).filter(customer=customer)[:100],
            "quotes": selectors.quotes_for(request.user).filter(customer=customer)[:100],
            "space": "portal",
        },
    )


@permission(ACTION)
def customer_create(request):
    activities = activities_with_members(request.user)
    if not activities.exists():
        return _no_activity(request)
    several = activities.count() > 1
    initial = {"activity": request.GET.get("activity")} if request.GET.get("activity") else None
    form = CustomerForm(request.POST or None, activities=activities if several else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        activity = form.cleaned_data["activity"] if several else activities.get()
        try:
            customer = services.customer_create(by=request.user, activity=activity, **form.values())
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Client %(name)s enregistré.") % {"name": customer.name})
            fallback = reverse("portal:customer", args=[customer.pk])
            target = safe_next(request, fallback)
            if target != fallback:
                target = f"{target}{'&' if '?' in target else '?'}customer={customer.pk}"
            return HttpResponseRedirect(target)
    return render(
        request,
        "comptabilite/customer_form.html",
        {"form": form, "space": "portal", "next": safe_next(request, "")},
    )


@permission(ACTION)
def customer_edit(request, pk):
    customer = selectors.access_customer(request.user, pk, write=True)
    form = CustomerForm(request.POST or None, initial=CustomerForm.initial_for(customer))
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(by=request.user, customer=customer, **form.values())
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Client enregistré."))
            return redirect("portal:customer", pk=customer.pk)
    return render(
        request, "comptabilite/customer_form.html", {"form": form, "customer": customer, "space": "portal"}
    )


# --- quotes --------------------------------------------------------------------------------------


@permission(ACTION)
def quote_list(request):
    quotes = QuoteFilter(request.GET, queryset=selectors.quotes_for(request.user))
    table = QuoteTable(quotes.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(request, "comptabilite/portal/quote_list.html", {"filter": quotes, "table": table})


@permission(ACTION)
def quote_create(request):
    activity, response = _activity_or_chooser(request, _("Nouveau devis"))
    if response is not None:
        return response
    today = timezone.localdate()
    form = QuoteForm(
        request.POST or None,
        activity=activity,
        initial={
            "date": today,
            "valid_until": today + datetime.timedelta(days=DEFAULT_VALIDITY_DAYS),
            "customer": request.GET.get("customer"),
        },
    )
    lines = line_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        kept, origins = lines.lines()
        try:
            quote = services.quote_create(by=request.user, activity=activity, lines=kept, **form.cleaned_data)
        except DomainError as error:
            attach_errors(error, form, lines, origins)
        else:
            messages.success(request, _("Devis %(number)s enregistré.") % {"number": quote.number})
            return redirect("portal:quote", pk=quote.pk)
    return render(
        request,
        "comptabilite/portal/quote_form.html",
        {"form": form, "lines": lines, "activity": activity, "space": "portal"},
    )


@permission(ACTION)
def quote_detail(request, pk):
    quote = selectors.access_quote(request.user, pk)
    return render(
        request,
        "comptabilite/portal/quote_detail.html",
        {
            "quote": quote,
            "lines": list(quote.lines.order_by("position", "pk")),
            "events": list(selectors.document_history(quote=quote)),
            "invoices": list(selectors.invoices_for(request.user).filter(quote=quote)),
            "space": "portal",
        },
    )


@permission(ACTION)
def quote_edit(request, pk):
    quote = selectors.access_quote(request.user, pk, write=True)
    if quote.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT):
        messages.error(request, _("Ce devis n'est plus modifiable."))
        return redirect("portal:quote", pk=quote.pk)
    form = QuoteForm(request.POST or None, activity=quote.activity, initial=QuoteForm.initial_for(quote))
    lines = line_formset(request.POST or None, initial=line_initial(quote))
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        kept, origins = lines.lines()
        try:
            services.quote_update(by=request.user, quote=quote, lines=kept, **form.cleaned_data)
        except DomainError as error:
            attach_errors(error, form, lines, origins)
        else:
            messages.success(request, _("Devis enregistré."))
            return redirect("portal:quote", pk=quote.pk)
    return render(
        request,
        "comptabilite/portal/quote_form.html",
        {"form": form, "lines": lines, "activity": quote.activity, "quote": quote, "space": "portal"},
    )


@require_POST
@permission(ACTION)
def quote_status(request, pk):
    quote = selectors.access_quote(request.user, pk, write=True)
    form = QuoteStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("État de devis inconnu."))
        return redirect("portal:quote", pk=quote.pk)
    try:
        quote = services.quote_set_status(by=request.user, quote=quote, status=form.cleaned_data["status"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Devis %(number)s : %(status)s.")
            % {"number": quote.number, "status": quote.get_status_display()},
        )
    return redirect("portal:quote", pk=quote.pk)


@require_POST
@permission(ACTION)
def quote_invoice(request, pk):
    quote = selectors.access_quote(request.user, pk, write=True)
    try:
        invoice = services.quote_to_invoice(by=request.user, quote=quote)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("portal:quote", pk=quote.pk)
    messages.success(
        request, _("Facture créée en brouillon depuis le devis : vérifiez-la puis soumettez-la.")
    )
    return redirect("portal:invoice", pk=invoice.pk)
