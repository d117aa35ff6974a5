"""Filters of the invoicing lists (django-filter). Each works on a queryset the selectors scoped already."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptabilite.models import DocumentKind, InvoiceStatus, PaymentStatus, QuoteStatus
from entrepreneurs.forms import DateInput
from entrepreneurs.models import Activity, Entrepreneur

STATUS_CHOICES = [*InvoiceStatus.choices, ("returned", _("brouillon renvoyé, à corriger"))]


def _search_documents(queryset, words: str):
    for word in words.split():
        queryset = queryset.filter(
            Q(number__icontains=word) | Q(buyer_name__icontains=word) | Q(customer__name__icontains=word)
        )
    return queryset


def filter_payment_status(queryset, status: str, today):
    """Payment status computed in the database (same rule as ``Invoice.payment_status``)."""
    issued = queryset.filter(kind=DocumentKind.INVOICE, status=InvoiceStatus.ISSUED)
    if status == PaymentStatus.PAID:
        return issued.filter(due__lte=0)
    open_ = issued.filter(due__gt=0)
    if status == PaymentStatus.OVERDUE:
        return open_.filter(due_date__lt=today)
    current = open_.exclude(due_date__lt=today)
    if status == PaymentStatus.PARTLY_PAID:
        return current.filter(amount_paid__gt=0)
    return current.filter(amount_paid=0)


class _StatusFilters(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Numéro ou client"), method="filter_search")
    status = django_filters.ChoiceFilter(
        label=_("État"), choices=STATUS_CHOICES, method="filter_status", empty_label=_("Tous")
    )
    payment = django_filters.ChoiceFilter(
        label=_("Paiement"), choices=PaymentStatus.choices, method="filter_payment", empty_label=_("Tous")
    )

    def filter_search(self, queryset, name, value):
        return _search_documents(queryset, value)

    def filter_status(self, queryset, name, value):
        if value == "returned":
            return queryset.filter(status=InvoiceStatus.DRAFT).exclude(return_comment="")
        return queryset.filter(status=value)

    def filter_payment(self, queryset, name, value):
        return filter_payment_status(queryset, value, timezone.localdate())


class InvoiceFilter(_StatusFilters):
    """The staff's list of every activity's invoices and credit notes."""

    kind = django_filters.ChoiceFilter(label=_("Type"), choices=DocumentKind.choices, empty_label=_("Tous"))
    activity = django_filters.ModelChoiceFilter(
        label=_("Activité"), queryset=Activity.objects.order_by("code"), empty_label=_("Toutes")
    )
    entrepreneur = django_filters.ModelChoiceFilter(
        label=_("Entrepreneur·e"),
        queryset=Entrepreneur.objects.filter(invoices__isnull=False)
        .distinct()
        .order_by("last_name", "first_name"),
        empty_label=_("Tous"),
    )
    start = django_filters.DateFilter(label=_("Du"), field_name="date", lookup_expr="gte", widget=DateInput())
    end = django_filters.DateFilter(label=_("Au"), field_name="date", lookup_expr="lte", widget=DateInput())

    class Meta:
        fields = ["q", "status", "kind", "payment", "activity", "entrepreneur", "start", "end"]


class PortalInvoiceFilter(_StatusFilters):
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=DocumentKind.choices, empty_label=_("Tous"))
    year = django_filters.NumberFilter(label=_("Année"), field_name="date", lookup_expr="year")

    class Meta:
        fields = ["q", "status", "payment", "kind", "year"]


class PortalCustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Recherche"), method="filter_search")

    class Meta:
        fields = ["q"]

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(name__icontains=word) | Q(city__icontains=word) | Q(siren=word) | Q(email__icontains=word)
            )
        return queryset


class CustomerFilter(PortalCustomerFilter):
    activity = django_filters.ModelChoiceFilter(
        label=_("Activité"), queryset=Activity.objects.order_by("code"), empty_label=_("Toutes")
    )

    class Meta:
        fields = ["q", "activity"]


class QuoteFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Numéro ou client"), method="filter_search")
    status = django_filters.ChoiceFilter(label=_("État"), choices=QuoteStatus.choices, empty_label=_("Tous"))

    class Meta:
        fields = ["q", "status"]

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(number__icontains=word) | Q(customer__name__icontains=word) | Q(subject__icontains=word)
            )
        return queryset
