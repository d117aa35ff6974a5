"""Back-office pages of invoicing: every activity's documents, the control queue and its one-screen
control, issue, credit notes, sending, payments, overdue invoices, reminders, customers.

Views declare the space's action (``invoicing.view`` for drafting pages: only the staff hold it) or the
step's own (``invoicing.control``, ``invoicing.issue``, ``payments.record``, ``dunning.run``); the services
check the finer right again (``invoicing.draft`` on the activity) and raise ``PermissionDenied``.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from comptabilite import selectors, services
from comptabilite.filters import CustomerFilter, InvoiceFilter
from comptabilite.forms import (
    ActivityForm,
    ControlForm,
    CreditLineFormSet,
    CreditNoteForm,
    CustomerForm,
    PaymentCancelForm,
    PaymentForm,
    ReminderSelectionForm,
    SendForm,
    plain_quantity,
)
from comptabilite.models import DunningLevel, DunningLog, DunningStatus, InvoiceStatus, Payment, PaymentStatus
from comptabilite.tables import (
    InvoiceTable,
    OverdueTable,
    QueueTable,
    StaffCustomerTable,
    customer_name,
)
from comptabilite.views._common import (
    PER_PAGE,
    activities_with_members,
    chosen_activity,
    create_draft,
    csv_amount,
    csv_date,
    csv_query,
    csv_response,
    document_context,
    edit_draft,
    preview_totals,
    safe_next,
)
from coodyssee.errors import DomainError
from coodyssee.permissions import has_perm, permission

# --- documents list ------------------------------------------------------------------------------


def _invoices_csv(documents):
    today = timezone.localdate()
    return csv_response(
        "factures.csv",
        [
            "Numéro",
            "Type",
            "État",
            "Date",
            "Échéance",
            "Activité",
            "Entrepreneur·e",
            "Client",
            "Total HT",
            "TVA",
            "Total TTC",
            "Encaissé",
            "Reste dû",
            "Paiement",
        ],
        (
            [
                doc.number,
                doc.get_kind_display(),
                doc.get_status_display(),
                csv_date(doc.date),
                csv_date(doc.due_date),
                doc.activity.code,
                str(doc.entrepreneur),
                customer_name(doc),
                csv_amount(doc.total_ht),
                csv_amount(doc.total_vat),
                csv_amount(doc.total_ttc),
                csv_amount(doc.amount_paid),
                csv_amount(doc.due) if doc.is_issued and not doc.is_credit_note else "",
                _payment_label(doc.payment_status(today)),
            ]
            for doc in documents
        ),
    )


def _payment_label(status) -> str:
    return str(PaymentStatus(status).label) if status else ""


@permission("invoicing.view")
def invoice_list(request):
    documents = InvoiceFilter(request.GET, queryset=selectors.invoices_for(request.user))
    if request.GET.get("format") == "csv":
        return _invoices_csv(documents.qs.iterator(chunk_size=2000))
    table = InvoiceTable(documents.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "comptabilite/invoice_list.html",
        {"filter": documents, "table": table, "csv_query": csv_query(request.GET)},
    )


# --- drafting ------------------------------------------------------------------------------------


@permission("invoicing.view")
def invoice_create(request):
    """A draft for an activity chosen first (``?activity=``), by a member of the support team."""
    activities = activities_with_members(request.user)
    activity = chosen_activity(request, activities)
    if activity is None:
        return render(
            request, "comptabilite/activity_choose.html", {"form": ActivityForm(activities=activities)}
        )
    return create_draft(request, activity, space="backoffice", saved_message=_("Brouillon enregistré."))


@permission("invoicing.view")
def invoice_edit(request, pk):
    return edit_draft(request, pk, space="backoffice")


@require_POST
@permission("invoicing.view")
def invoice_totals(request):
    return preview_totals(request)


@require_POST
@permission("invoicing.view")
def invoice_submit(request, pk):
    invoice = selectors.access_invoice(request.user, pk, write=True)
    try:
        services.invoice_submit(by=request.user, invoice=invoice)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Document soumis au contrôle."))
    return redirect("backoffice:invoice", pk=invoice.pk)


@require_POST
@permission("invoicing.view")
def invoice_delete(request, pk):
    invoice = selectors.access_invoice(request.user, pk, write=True)
    try:
        services.invoice_delete_draft(by=request.user, invoice=invoice)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("backoffice:invoice", pk=invoice.pk)
    messages.success(request, _("Brouillon supprimé."))
    return redirect("backoffice:invoices")


# --- the document's page -------------------------------------------------------------------------


def _invoice_page(request, invoice, *, send_form=None, payment_form=None, cancel_form=None, status=200):
    context = document_context(invoice)
    detail = context["invoice"]
    user = request.user
    can_pay = has_perm(user, "payments.record") and detail.is_issued and not detail.is_credit_note
    context |= {
        "space": "backoffice",
        "can_edit": detail.status == InvoiceStatus.DRAFT and has_perm(user, "invoicing.draft"),
        "can_control": detail.status == InvoiceStatus.SUBMITTED and has_perm(user, "invoicing.control"),
        "can_issue": detail.status == InvoiceStatus.CONTROLLED and has_perm(user, "invoicing.issue"),
        "can_credit": detail.is_issued and not detail.is_credit_note and has_perm(user, "invoicing.control"),
        "can_send": detail.is_issued and has_perm(user, "invoicing.draft"),
        "can_pay": can_pay,
        "send_form": send_form or (SendForm(initial=_send_initial(detail)) if detail.is_issued else None),
        "payment_form": payment_form
        or (
            PaymentForm(initial=PaymentForm.initial_for(detail))
            if can_pay and detail.amount_due > 0
            else None
        ),
        "cancel_form": cancel_form or PaymentCancelForm(),
    }
    return render(request, "comptabilite/invoice_detail.html", context, status=status)


def _send_initial(invoice) -> dict:
    return {
        "to": invoice.buyer_email or invoice.customer.email,
        "subject": _("%(document)s de %(seller)s")
        % {"document": str(invoice), "seller": invoice.seller_name},
        "message": render_to_string("comptabilite/email/invoice_message.txt", {"invoice": invoice}).strip(),
    }


@permission("invoicing.view")
def invoice_detail(request, pk):
    return _invoice_page(request, selectors.access_invoice(request.user, pk))


@require_POST
@permission("invoicing.view")
def invoice_send(request, pk):
    invoice = selectors.access_invoice(request.user, pk, write=True)
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            event = services.invoice_send(
                by=request.user,
                invoice=invoice,
                to=form.addresses(),
                subject=form.cleaned_data["subject"],
                message=form.cleaned_data["message"],
            )
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(
                request, _("Envoi par e-mail à %(to)s en cours.") % {"to": ", ".join(event.data["to"])}
            )
            return redirect("backoffice:invoice", pk=invoice.pk)
    return _invoice_page(request, invoice, send_form=form, status=400)


@require_POST
@permission("payments.record")
def payment_record(request, pk):
    invoice = selectors.access_invoice(request.user, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.payment_record(by=request.user, invoice=invoice, **form.cleaned_data)
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Paiement enregistré."))
            return redirect(f"{reverse('backoffice:invoice', args=[invoice.pk])}#paiements")
    return _invoice_page(request, invoice, payment_form=form, status=400)


@require_POST
@permission("payments.record")
def payment_cancel(request, pk):
    payment = get_object_or_404(
        Payment.objects.filter(invoice__in=selectors.invoices_for(request.user)).select_related("invoice"),
        pk=pk,
    )
    form = PaymentCancelForm(request.POST)
    if form.is_valid():
        try:
            services.payment_cancel(by=request.user, payment=payment, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Paiement annulé : la facture est de nouveau due."))
    else:
        messages.error(request, _("Indiquez le motif de l'annulation."))
    return redirect(f"{reverse('backoffice:invoice', args=[payment.invoice_id])}#paiements")


# --- control and issue ---------------------------------------------------------------------------


@permission("invoicing.view")
def control_queue(request):
    queue = selectors.control_queue()
    table = QueueTable(queue)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "comptabilite/control_queue.html",
        {
            "table": table,
            "ready": list(selectors.ready_to_issue()),
            "can_issue": has_perm(request.user, "invoicing.issue"),
        },
    )


@permission("invoicing.control")
def invoice_control(request, pk):
    """One screen: the document, the checklist, a comment; accept (then issue) or return to draft."""
    invoice = selectors.access_invoice(request.user, pk)
    if invoice.status != InvoiceStatus.SUBMITTED and request.method == "GET":
        messages.info(request, _("Ce document n'attend pas de contrôle."))
        return redirect("backoffice:invoice", pk=invoice.pk)
    form = ControlForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = request.POST.get("decision") == "accept"
        try:
            services.invoice_control(
                by=request.user,
                invoice=invoice,
                accept=accept,
                checklist=form.ticked(),
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            error.attach_to(form)
        else:
            if accept:
                messages.success(request, _("Contrôle accepté : le document peut être émis."))
                return redirect("backoffice:invoice", pk=invoice.pk)
            messages.success(request, _("Document renvoyé en brouillon avec votre commentaire."))
            return redirect("backoffice:control_queue")
    context = document_context(invoice) | {
        "form": form,
        "space": "backoffice",
        "queue_count": selectors.control_queue().count(),
    }
    return render(request, "comptabilite/invoice_control.html", context, status=400 if form.errors else 200)


@require_POST
@permission("invoicing.issue")
def invoice_issue(request, pk):
    invoice = selectors.access_invoice(request.user, pk)
    try:
        invoice = services.invoice_issue(by=request.user, invoice=invoice)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(document)s émis(e).") % {"document": invoice})
    return HttpResponseRedirect(safe_next(request, reverse("backoffice:invoice", args=[invoice.pk])))


@permission("invoicing.control")
def credit_note_create(request, pk):
    """A credit note of an issued invoice: all of it, or the ticked lines (quantities and prices editable)."""
    invoice = selectors.access_invoice(request.user, pk)
    if not invoice.is_issued or invoice.is_credit_note:
        messages.error(request, _("Un avoir corrige une facture émise."))
        return redirect("backoffice:invoice", pk=invoice.pk)
    form = CreditNoteForm(request.POST or None)
    lines = CreditLineFormSet(
        request.POST or None,
        prefix="credit",
        initial=[
            {
                "credited_line_id": line.pk,
                "include": True,
                "description": line.description,
                "quantity": plain_quantity(line.quantity),
                "unit_price": line.unit_price,
                "vat_rate": line.vat_rate,
            }
            for line in invoice.lines.order_by("position", "pk")
        ],
    )
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        partial = form.cleaned_data["mode"] == CreditNoteForm.PARTIAL
        chosen = [
            {name: value for name, value in line.cleaned_data.items() if name != "include"}
            for line in lines.forms
            if line.cleaned_data.get("include")
        ]
        try:
            credit_note = services.credit_note_create(
                by=request.user,
                invoice=invoice,
                lines=chosen if partial else None,
                subject=form.cleaned_data["subject"],
                notes=form.cleaned_data["notes"],
            )
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(
                request, _("Avoir créé en brouillon : vérifiez-le, soumettez-le puis émettez-le.")
            )
            return redirect("backoffice:invoice", pk=credit_note.pk)
    return render(
        request,
        "comptabilite/credit_note_form.html",
        {"invoice": invoice, "form": form, "lines": lines},
        status=400 if form.errors else 200,
    )


# --- overdue invoices and reminders --------------------------------------------------------------


@permission("invoicing.view")
def overdue_list(request):
    overdue = selectors.overdue_invoices()
    table = OverdueTable(overdue)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(request, "comptabilite/overdue_list.html", {"table": table})


def _dunning_page(request, *, form=None, status=200):
    to_send = selectors.reminders_to_send()
    since = timezone.now() - datetime.timedelta(days=30)
    context = {
        "levels": list(DunningLevel.objects.order_by("days_after_due")),
        "form": form or ReminderSelectionForm(queryset=to_send),
        "to_send": list(to_send),
        "sent": list(
            DunningLog.objects.filter(status=DunningStatus.SENT, sent_at__gte=since)
            .select_related("invoice__activity", "level", "sent_by")
            .order_by("-sent_at")[:100]
        ),
        "today": timezone.localdate(),
    }
    return render(request, "comptabilite/dunning.html", context, status=status)


@permission("dunning.run")
def dunning(request):
    return _dunning_page(request)


@require_POST
@permission("dunning.run")
def dunning_prepare(request):
    prepared = services.dunning_prepare(today=timezone.localdate())
    if prepared:
        messages.success(
            request,
            ngettext("%(count)s relance préparée.", "%(count)s relances préparées.", len(prepared))
            % {"count": len(prepared)},
        )
    else:
        messages.info(request, _("Aucune nouvelle relance à préparer aujourd'hui."))
    return redirect("backoffice:dunning")


@require_POST
@permission("dunning.run")
def dunning_send(request):
    form = ReminderSelectionForm(request.POST, queryset=selectors.reminders_to_send())
    if not form.is_valid():
        return _dunning_page(request, form=form, status=400)
    sent = 0
    # No bulk service: each reminder is its own transaction, so one refusal does not block the others.
    for log in form.cleaned_data["logs"]:
        try:
            services.dunning_send(log=log, by=request.user)
        except DomainError as error:
            messages.error(request, f"{log.invoice.number} : {error.message}")
        else:
            sent += 1
    if sent:
        messages.success(
            request,
            ngettext("%(count)s relance envoyée.", "%(count)s relances envoyées.", sent) % {"count": sent},
        )
    return redirect("backoffice:dunning")


# --- customers -----------------------------------------------------------------------------------


@permission("invoicing.view")
def customer_list(request):
    customers = CustomerFilter(request.GET, queryset=selectors.customers_for(request.user))
    table = StaffCustomerTable(customers.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(request, "comptabilite/customer_list.html", {"filter": customers, "table": table})


@permission("invoicing.view")
def customer_detail(request, pk):
    customer = selectors.access_customer(request.user, pk)
    documents = selectors.invoices_for(request.user).filter(customer=customer)[:100]
    return render(
        request,
        "comptabilite/customer_detail.html",
        {"customer": customer, "documents": documents, "space": "backoffice"},
    )


@permission("invoicing.view")
def customer_create(request):
    activities = activities_with_members(request.user)
    initial = {"activity": request.GET.get("activity")} if request.GET.get("activity") else None
    form = CustomerForm(request.POST or None, activities=activities, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(
                by=request.user, activity=form.cleaned_data["activity"], **form.values()
            )
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Client %(name)s enregistré.") % {"name": customer.name})
            fallback = reverse("backoffice:customer", args=[customer.pk])
            return HttpResponseRedirect(_with_customer(safe_next(request, fallback), customer, fallback))
    return render(
        request,
        "comptabilite/customer_form.html",
        {"form": form, "space": "backoffice", "next": safe_next(request, "")},
    )


def _with_customer(url: str, customer, fallback: str) -> str:
    """Back to the document form that asked for a new customer, with it chosen."""
    if url == fallback:
        return url
    return f"{url}{'&' if '?' in url else '?'}customer={customer.pk}"


@permission("invoicing.view")
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
            return redirect("backoffice:customer", pk=customer.pk)
    return render(
        request,
        "comptabilite/customer_form.html",
        {"form": form, "customer": customer, "space": "backoffice"},
    )
