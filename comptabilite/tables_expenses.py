"""Tables (django-tables2) and filters (django-filter) of the expenses pages. Every cell reads the row's own
fields or the relations the selectors joined already: no query per row."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptabilite.models import Expense, ExpenseCategory, ExpenseKind, ExpenseStatus
from comptabilite.tables import TABLE_ATTRS, WIDE_ONLY, activity_cell
from coodyssee.templatetags.money import format_euros
from entrepreneurs.forms import DateInput
from entrepreneurs.models import Activity

NUMBER = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end text-nowrap"}}
WIDE_NOWRAP = {
    "th": {"class": "d-none d-md-table-cell"},
    "td": {"class": "d-none d-md-table-cell text-nowrap"},
}
RETURNED = "returned"
STATUS_CHOICES = [*ExpenseStatus.choices, (RETURNED, _("renvoyée, à corriger"))]
# Reuses the invoicing badges' colours: draft grey, waiting orange, accepted teal, done green.
_BADGES = {
    ExpenseStatus.DRAFT: "invoice-draft",
    ExpenseStatus.SUBMITTED: "invoice-submitted",
    ExpenseStatus.VALIDATED: "invoice-controlled",
    ExpenseStatus.PAID: "payment-paid",
}


def is_returned(expense: Expense) -> bool:
    return expense.status == ExpenseStatus.DRAFT and bool(expense.return_comment)


def expense_status_badge(expense: Expense) -> str:
    if is_returned(expense):
        return format_html('<span class="badge invoice-returned">{}</span>', gettext("à corriger"))
    # "soumise à validation" is too long for a badge in a phone's table.
    label = (
        gettext("en validation")
        if expense.status == ExpenseStatus.SUBMITTED
        else expense.get_status_display()
    )
    return format_html('<span class="badge {}">{}</span>', _BADGES.get(expense.status, ""), label)


def expense_kind_label(expense: Expense) -> str:
    return expense.get_kind_display().capitalize()


def _description(expense: Expense, url_name: str, *, with_kind: bool = False, phone_date: bool = False):
    """The description linked to the expense's page, over a muted line: supplier or trip (and, on a phone,
    the date, whose column is hidden there)."""
    details = [expense_kind_label(expense)] if with_kind else []
    if expense.category == ExpenseCategory.MILEAGE and expense.distance_km:
        details.append(
            gettext("%(km)s km, %(cv)s CV")
            % {"km": f"{expense.distance_km.normalize():f}".replace(".", ","), "cv": expense.fiscal_power}
        )
    elif expense.supplier:
        details.append(expense.supplier)
    date = ""
    if phone_date:
        separator = " · " if details else ""
        date = format_html(
            '<span class="d-md-none">{}{}</span>', date_format(expense.date, "d/m/Y"), separator
        )
    line = format_html('<div class="small text-body-secondary">{}{}</div>', date, " · ".join(details))
    return format_html(
        '<a href="{}" class="fw-medium">{}</a>{}',
        reverse(url_name, args=[expense.pk]),
        expense.description,
        line if details or date else "",
    )


class _ExpenseTable(tables.Table):
    url_name = "backoffice:expense"

    date = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y", attrs=WIDE_NOWRAP)
    description = tables.Column(verbose_name=_("Dépense"), order_by=("description",))
    kind = tables.Column(verbose_name=_("Type"), attrs=WIDE_ONLY)
    category = tables.Column(verbose_name=_("Catégorie"), attrs=WIDE_ONLY)
    amount_ttc = tables.Column(verbose_name=_("Montant TTC"), attrs=NUMBER)
    status = tables.Column(verbose_name=_("État"), order_by=("status", "-submitted_at"))

    def render_description(self, record):
        return _description(record, self.url_name, phone_date=True)

    def render_kind(self, record):
        return expense_kind_label(record)

    def render_category(self, record):
        return record.get_category_display().capitalize()

    def render_amount_ttc(self, value):
        return format_euros(value)

    def render_status(self, record):
        return expense_status_badge(record)


class ExpenseTable(_ExpenseTable):
    """The staff's list of every activity's expenses."""

    activity = tables.Column(verbose_name=_("Activité"), order_by=("activity__code",), empty_values=())

    class Meta:
        model = Expense
        fields = ("date", "activity", "description", "kind", "category", "amount_ttc", "status")
        sequence = ("date", "activity", "description", "kind", "category", "amount_ttc", "status")
        attrs = TABLE_ATTRS
        empty_text = _("Aucune dépense ne correspond à ces critères.")

    def render_activity(self, record):
        return activity_cell(record)


class PortalExpenseTable(_ExpenseTable):
    url_name = "portal:expense"

    class Meta:
        model = Expense
        fields = ("date", "description", "kind", "category", "amount_ttc", "status")
        sequence = ("date", "description", "kind", "category", "amount_ttc", "status")
        attrs = TABLE_ATTRS
        empty_text = _("Aucune dépense pour l'instant.")


class ExpenseQueueTable(tables.Table):
    """Expenses waiting for validation, oldest submission first (the order of the selector)."""

    submitted_at = tables.DateTimeColumn(
        verbose_name=_("Soumise le"), format="d/m/Y H:i", orderable=False, attrs=WIDE_NOWRAP
    )
    activity = tables.Column(verbose_name=_("Activité"), orderable=False, empty_values=())
    description = tables.Column(verbose_name=_("Dépense"), orderable=False)
    date = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y", orderable=False, attrs=WIDE_NOWRAP)
    amount_ttc = tables.Column(verbose_name=_("Montant TTC"), attrs=NUMBER, orderable=False)
    receipt = tables.Column(verbose_name=_("Justificatif"), orderable=False, empty_values=(), attrs=WIDE_ONLY)
    # On a phone the description's link opens the same page: the button column goes.
    review = tables.Column(
        verbose_name="",
        accessor="pk",
        orderable=False,
        attrs={"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "text-end d-none d-md-table-cell"}},
    )

    class Meta:
        model = Expense
        fields = ("submitted_at", "activity", "description", "date", "amount_ttc", "receipt")
        attrs = TABLE_ATTRS
        empty_text = _("Aucune dépense n'attend de validation.")

    def render_activity(self, record):
        return activity_cell(record)

    def render_description(self, record):
        return _description(record, "backoffice:expense", with_kind=True)

    def render_amount_ttc(self, value):
        return format_euros(value)

    def render_receipt(self, record):
        if record.receipt:
            return format_html(
                '<a href="{}?apercu=1" target="_blank" rel="noopener">{}</a>',
                reverse("backoffice:expense_receipt", args=[record.pk]),
                gettext("Voir"),
            )
        if record.category == ExpenseCategory.MILEAGE:
            return gettext("barème km")
        return format_html('<span class="text-danger">{}</span>', gettext("manquant"))

    def render_review(self, record):
        return format_html(
            '<a class="btn btn-sm btn-primary" href="{}">{}</a>',
            reverse("backoffice:expense", args=[record.pk]),
            gettext("Examiner"),
        )


# --- filters --------------------------------------------------------------------------------------


class _ExpenseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("État"), choices=STATUS_CHOICES, method="filter_status", empty_label=_("Tous")
    )
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=ExpenseKind.choices, empty_label=_("Tous"))

    def filter_status(self, queryset, name, value):
        if value == RETURNED:
            return queryset.filter(status=ExpenseStatus.DRAFT).exclude(return_comment="")
        return queryset.filter(status=value)


class ExpenseFilter(_ExpenseFilter):
    """The staff's list: by status, activity, kind, category and date."""

    q = django_filters.CharFilter(label=_("Recherche"), method="filter_search")
    activity = django_filters.ModelChoiceFilter(
        label=_("Activité"), queryset=Activity.objects.order_by("code"), empty_label=_("Toutes")
    )
    category = django_filters.ChoiceFilter(
        label=_("Catégorie"), choices=ExpenseCategory.choices, empty_label=_("Toutes")
    )
    start = django_filters.DateFilter(label=_("Du"), field_name="date", lookup_expr="gte", widget=DateInput())
    end = django_filters.DateFilter(label=_("Au"), field_name="date", lookup_expr="lte", widget=DateInput())

    class Meta:
        model = Expense
        fields = ["q", "status", "activity", "kind", "category", "start", "end"]

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(description__icontains=word)
                | Q(supplier__icontains=word)
                | Q(supplier_invoice_number__icontains=word)
                | Q(entrepreneur__last_name__icontains=word)
            )
        return queryset


class PortalExpenseFilter(_ExpenseFilter):
    year = django_filters.NumberFilter(label=_("Année"), field_name="date", lookup_expr="year")

    class Meta:
        model = Expense
        fields = ["status", "kind", "year"]
