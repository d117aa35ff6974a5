"""Reads of the invoicing app, always scoped by the person reading.

The support team sees every activity; an entrepreneur sees the activities they are a member of, and
nothing else: ``access_*`` answers 404 for anything outside (no hint whether it exists) and 403
(``PermissionDenied``) to a person who may read but not write. Lists run a fixed number of queries
whatever their length (``select_related`` and database annotations, no per-row lookups).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import DecimalField, ExpressionWrapper, F, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from comptabilite.models import (
    Customer,
    DocumentEvent,
    DocumentKind,
    DunningLog,
    DunningStatus,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    Quote,
)
from coodyssee.permissions import has_perm
from entrepreneurs.models import Activity

_AMOUNT = DecimalField(max_digits=14, decimal_places=2)
AMOUNT_DUE = ExpressionWrapper(F("total_ttc") - F("amount_credited") - F("amount_paid"), output_field=_AMOUNT)


def _can_read(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active) and (
        has_perm(user, "invoicing.view") or has_perm(user, "portal.invoicing")
    )


def _sees_everything(user) -> bool:
    return has_perm(user, "invoicing.view")


def activities_for(user) -> QuerySet[Activity]:
    """The activities whose documents this person may see."""
    if not _can_read(user):
        return Activity.objects.none()
    if _sees_everything(user):
        return Activity.objects.all()
    return Activity.objects.filter(memberships__entrepreneur__user=user).distinct()


def _scoped(queryset: QuerySet, user) -> QuerySet:
    if not _can_read(user):
        return queryset.none()
    if _sees_everything(user):
        return queryset
    return queryset.filter(activity__in=Activity.objects.filter(memberships__entrepreneur__user=user))


def _check_write(user) -> None:
    if not has_perm(user, "invoicing.draft"):
        raise PermissionDenied("invoicing.draft")


# --- customers ---------------------------------------------------------------------------------


def customers_for(user, *, activity: Activity | None = None, search: str = "") -> QuerySet[Customer]:
    queryset = _scoped(Customer.objects.select_related("activity"), user)
    if activity is not None:
        queryset = queryset.filter(activity=activity)
    for word in search.split():
        queryset = queryset.filter(name__icontains=word)
    return queryset.order_by("name", "pk")


def access_customer(user, pk: int, *, write: bool = False) -> Customer:
    try:
        customer = customers_for(user).get(pk=pk)
    except Customer.DoesNotExist:
        raise Http404 from None
    if write:
        _check_write(user)
    return customer


# --- invoices and credit notes -----------------------------------------------------------------


def invoices_for(
    user,
    *,
    kind: str | None = None,
    status: str | None = None,
    activity: Activity | None = None,
    year: int | None = None,
) -> QuerySet[Invoice]:
    """Documents this person may see, each with ``amount_due`` and its activity, customer, entrepreneur."""
    queryset = _scoped(
        Invoice.objects.select_related("activity", "customer", "entrepreneur", "credited_invoice"), user
    ).annotate(due=AMOUNT_DUE)
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if activity is not None:
        queryset = queryset.filter(activity=activity)
    if year:
        queryset = queryset.filter(date__year=year)
    return queryset.order_by(F("date").desc(nulls_first=True), "-sequence", "-pk")


def access_invoice(user, pk: int, *, write: bool = False) -> Invoice:
    """The document, or 404 outside the person's activities; ``write`` needs the drafting right (403)."""
    try:
        invoice = invoices_for(user).get(pk=pk)
    except Invoice.DoesNotExist:
        raise Http404 from None
    if write:
        _check_write(user)
    return invoice


def invoice_detail(invoice: Invoice) -> Invoice:
    """The document with its lines, active payments, credit notes, reminders and history, in 6 queries."""
    return (
        Invoice.objects.select_related(
            "activity", "customer", "entrepreneur", "credited_invoice", "quote", "issued_by", "controlled_by"
        )
        .annotate(due=AMOUNT_DUE)
        .prefetch_related(
            Prefetch("lines", queryset=InvoiceLine.objects.order_by("position", "pk")),
            Prefetch(
                "payments", queryset=Payment.objects.select_related("recorded_by").order_by("date", "pk")
            ),
            Prefetch(
                "credit_notes", queryset=Invoice.objects.filter(status=InvoiceStatus.ISSUED).order_by("date")
            ),
            Prefetch(
                "reminders", queryset=DunningLog.objects.select_related("level").order_by("prepared_on")
            ),
            Prefetch("events", queryset=DocumentEvent.objects.select_related("actor").order_by("at", "pk")),
        )
        .get(pk=invoice.pk)
    )


def document_history(
    *, invoice: Invoice | None = None, quote: Quote | None = None
) -> QuerySet[DocumentEvent]:
    """What the UI shows as the document's history (created, submitted, returned with comment, …)."""
    queryset = DocumentEvent.objects.select_related("actor").order_by("at", "pk")
    return queryset.filter(invoice=invoice) if invoice is not None else queryset.filter(quote=quote)


def control_queue() -> QuerySet[Invoice]:
    """Documents waiting for the support team's control, oldest submission first (one query)."""
    return (
        Invoice.objects.filter(status=InvoiceStatus.SUBMITTED)
        .select_related("activity", "customer", "entrepreneur", "submitted_by", "credited_invoice")
        .order_by("submitted_at", "pk")
    )


def ready_to_issue() -> QuerySet[Invoice]:
    """Documents accepted by the control and not issued yet."""
    return (
        Invoice.objects.filter(status=InvoiceStatus.CONTROLLED)
        .select_related("activity", "customer", "entrepreneur", "controlled_by")
        .order_by("controlled_at", "pk")
    )


def _open_invoices() -> QuerySet[Invoice]:
    return (
        Invoice.objects.filter(kind=DocumentKind.INVOICE, status=InvoiceStatus.ISSUED)
        .annotate(due=AMOUNT_DUE)
        .filter(due__gt=0)
        .select_related("activity", "customer", "entrepreneur")
    )


def overdue_invoices(today: datetime.date | None = None, *, user=None) -> QuerySet[Invoice]:
    """Issued invoices past their due date and not fully paid, most overdue first.

    Scoped to ``user`` when given (an entrepreneur sees their own).
    """
    today = today or timezone.localdate()
    queryset = _open_invoices().filter(due_date__lt=today).order_by("due_date", "pk")
    return _scoped(queryset, user) if user is not None else queryset


def unpaid_for_entrepreneur(user) -> QuerySet[Invoice]:
    """The issued invoices of the person's activities that still wait for money, oldest due first."""
    return (
        _scoped(_open_invoices(), user)
        .filter(activity__memberships__entrepreneur__user=user)
        .order_by("due_date", "pk")
    )


def reminders_to_send() -> QuerySet[DunningLog]:
    """Reminders prepared and not sent yet, for the staff's dunning page."""
    return (
        DunningLog.objects.filter(status=DunningStatus.PREPARED)
        .select_related("invoice__activity", "invoice__customer", "level")
        .order_by("prepared_on", "pk")
    )


# --- quotes ------------------------------------------------------------------------------------


def quotes_for(user, *, status: str | None = None, activity: Activity | None = None) -> QuerySet[Quote]:
    queryset = _scoped(Quote.objects.select_related("activity", "customer", "entrepreneur"), user)
    if status:
        queryset = queryset.filter(status=status)
    if activity is not None:
        queryset = queryset.filter(activity=activity)
    return queryset.order_by("-date", "-sequence")


def access_quote(user, pk: int, *, write: bool = False) -> Quote:
    try:
        quote = quotes_for(user).get(pk=pk)
    except Quote.DoesNotExist:
        raise Http404 from None
    if write:
        _check_write(user)
    return quote
