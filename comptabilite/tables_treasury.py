"""The staff overview of every activity's treasury: its table (django-tables2, sorted and paged in the
database) and its filters (django-filter) on the annotated queryset of ``comptabilite.treasury.overview``."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
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
    figures come from aggregations that a database sort would not make cheaper).

    django-tables2 sorts, pages and draws the header; the body of the page shown is rendered here, in Python
    (``body_html``, from the same ``render_*`` methods): its per-cell machinery (a signature inspection and
    template nodes per cell) was half of the page's time at 1,000 activities.
    """

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
        template_name = "comptabilite/treasury/overview_table.html"

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

    # Every ``render_*`` takes the record: ``body_html`` calls them directly.

    def render_turnover(self, record):
        return format_euros(record.turnover)

    def render_result(self, record):
        return format_html(
            '<span class="{}">{}</span>',
            "text-danger" if record.result < 0 else "",
            format_euros(record.result),
        )

    def render_treasury(self, record):
        return format_html(
            '<span class="fw-medium {}">{}</span>',
            "text-danger" if record.treasury < 0 else "",
            format_euros(record.treasury),
        )

    def render_last_payment(self, record):
        return f"{record.last_payment:%d/%m/%Y}" if record.last_payment else "—"

    def render_alert(self, record):
        return format_html_join(
            " ",
            '<span class="badge treasury-alert-badge treasury-alert-{}">{}</span>',
            ((kind, AlertKind(kind).label) for kind in record.alerts),
        )

    def body_html(self):
        """The ``<tr>`` of the page shown (or the empty text), cells rendered by the ``render_*`` methods."""
        records = [row.record for row in self.paginated_rows]
        if not records:
            return format_html('<tr><td colspan="{}">{}</td></tr>', len(self.columns), self.empty_text)
        # as_html() escapes the attribute values
        cells = [
            (column.attrs["td"].as_html(), getattr(self, f"render_{column.name}")) for column in self.columns
        ]
        html = []
        for record in records:
            html.append("<tr>")
            for attrs, render in cells:
                html.append(f"<td {attrs}>{conditional_escape(render(record))}</td>")
            html.append("</tr>")
        return mark_safe("".join(html))  # noqa: S308 - attributes and cells escaped above


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
