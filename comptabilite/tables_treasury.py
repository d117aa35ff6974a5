"""The staff overview of every activity's treasury: its table (django-tables2, sorted and paged in the
database) and its filters (django-filter) on the annotated queryset of ``comptabilite.treasury.overview``."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from comptabilite.forms import AmountInput
from comptabilite.models import AlertKind
from comptabilite.tables import NUMBER, TABLE_ATTRS
from comptabilite.treasury import filter_alert_only, filter_search
from coodyssee.templatetags.money import format_euros
from entrepreneurs.models import Activity

WIDE_ONLY = {"th": {"class": "d-none d-lg-table-cell"}, "td": {"class": "d-none d-lg-table-cell"}}
NUMBER_WIDE = {
    "th": {"class": "text-end d-none d-md-table-cell"},
    "td": {"class": "text-end text-nowrap d-none d-md-table-cell"},
}


def members_label(row) -> str:
    return ", ".join(str(member) for member in row.members)


def alert_labels(row) -> list[str]:
    return [str(AlertKind(kind).label) for kind in row.alerts]


class OverviewTable(tables.Table):
    """Rows of ``treasury.overview`` (a list, sorted in Python: 1,000 rows sort in a few milliseconds, and the
    figures come from one aggregation that a database sort would not make cheaper)."""

    code = tables.Column(verbose_name=_("Code"), attrs={"td": {"class": "text-nowrap"}})
    name = tables.Column(verbose_name=_("Activité"))
    members = tables.Column(
        verbose_name=_("Entrepreneur·es"), empty_values=(), orderable=False, attrs=WIDE_ONLY
    )
    turnover = tables.Column(verbose_name=_("CA HT"), attrs=NUMBER_WIDE)
    result = tables.Column(verbose_name=_("Résultat"), attrs=NUMBER_WIDE)
    treasury = tables.Column(verbose_name=_("Trésorerie"), attrs=NUMBER)
    last_payment = tables.DateColumn(
        verbose_name=_("Dernier paiement"), format="d/m/Y", attrs=WIDE_ONLY, order_by=("last_payment", "code")
    )
    alert = tables.Column(
        verbose_name=_("Alerte"), empty_values=(), accessor="has_alert", order_by=("-has_alert", "code")
    )

    class Meta:
        attrs = TABLE_ATTRS | {"data-testid": "treasury-overview"}
        empty_text = _("Aucune activité ne correspond à ces critères.")
        order_by = ("code",)

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def _url(self, record) -> str:
        return f"{reverse('backoffice:treasury_activity', args=[record.pk])}?year={self.year}"

    def render_code(self, record):
        return format_html('<a href="{}" class="fw-medium">{}</a>', self._url(record), record.code)

    def render_name(self, record):
        return format_html('<a href="{}" class="link-body-emphasis">{}</a>', self._url(record), record.name)

    def render_members(self, record):
        return members_label(record) or "—"

    def render_turnover(self, value):
        return format_euros(value)

    def render_result(self, value):
        return format_html(
            '<span class="{}">{}</span>', "text-danger" if value < 0 else "", format_euros(value)
        )

    def render_treasury(self, value):
        return format_html(
            '<span class="fw-medium {}">{}</span>', "text-danger" if value < 0 else "", format_euros(value)
        )

    def render_alert(self, record):
        return format_html_join(
            " ",
            '<span class="badge treasury-alert-badge treasury-alert-{}">{}</span>',
            ((kind, AlertKind(kind).label) for kind in record.alerts),
        )


class OverviewFilter(django_filters.FilterSet):
    """Filters of the overview, on the activities; the treasury threshold applies to the computed figure
    (``treasury.overview(treasury_below=…)``). The year is chosen apart: it changes figures, not rows."""

    q = django_filters.CharFilter(label=_("Activité ou entrepreneur·e"), method="filter_q")
    alert = django_filters.BooleanFilter(
        label=_("Avec une alerte"), method="filter_alert", widget=forms.CheckboxInput
    )
    treasury_below = django_filters.NumberFilter(
        label=_("Trésorerie sous (€)"), method="filter_nothing", widget=AmountInput(), localize=True
    )

    class Meta:
        model = Activity
        fields = ["q", "alert", "treasury_below"]

    def filter_q(self, queryset, name, value):
        return filter_search(queryset, value)

    def filter_alert(self, queryset, name, value):
        return filter_alert_only(queryset) if value else queryset

    def filter_nothing(self, queryset, name, value):
        return queryset

    @property
    def treasury_threshold(self):
        return self.form.cleaned_data.get("treasury_below") if self.is_valid() else None
