"""Tables and filters of the monthly statements lists. Cells read the row and its joined activity only."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import Q
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptabilite.models import MonthlyStatement
from comptabilite.statements import month_label
from coodyssee.templatetags.money import format_euros

NUMBER = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}
TABLE_ATTRS = {"class": "table table-hover align-middle"}
WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}


def _amount(record: MonthlyStatement, key: str) -> str:
    value = (record.figures or {}).get(key)
    if value is None:
        return "—"
    text = format_euros(value)
    return format_html('<span class="text-danger">{}</span>', text) if text.startswith("-") else text


class _StatementTable(tables.Table):
    period = tables.Column(verbose_name=_("Mois"), empty_values=(), order_by=("year", "month"))
    result = tables.Column(verbose_name=_("Résultat du mois"), empty_values=(), orderable=False, attrs=NUMBER)
    treasury = tables.Column(
        verbose_name=_("Trésorerie en fin de mois"), empty_values=(), orderable=False, attrs=NUMBER
    )
    generated_at = tables.DateTimeColumn(verbose_name=_("Établi le"), format="d/m/Y", attrs=WIDE_ONLY)
    download = tables.Column(
        verbose_name="", empty_values=(), orderable=False, attrs={"td": {"class": "text-end"}}
    )

    url_name = ""

    class Meta:
        model = MonthlyStatement
        fields = ()
        attrs = TABLE_ATTRS
        order_by = ("-period",)

    def render_period(self, record):
        return month_label(record.year, record.month)

    def render_result(self, record):
        return _amount(record, "result")

    def render_treasury(self, record):
        return _amount(record, "closing_treasury")

    def render_download(self, record):
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>',
            reverse(self.url_name, args=[record.pk]),
            gettext("PDF"),
        )


class StaffStatementTable(_StatementTable):
    activity = tables.Column(verbose_name=_("Activité"), order_by=("activity__code",))
    emailed_at = tables.DateTimeColumn(
        verbose_name=_("Envoyé le"), format="d/m/Y", default="—", attrs=WIDE_ONLY
    )
    url_name = "backoffice:monthly_statement_pdf"

    class Meta(_StatementTable.Meta):
        sequence = ("period", "activity", "result", "treasury", "generated_at", "emailed_at", "download")

    def render_activity(self, record):
        return f"{record.activity.code} — {record.activity.name}"


class PortalStatementTable(_StatementTable):
    activity = tables.Column(verbose_name=_("Activité"), accessor="activity__name", orderable=False)
    url_name = "portal:monthly_statement_pdf"

    class Meta(_StatementTable.Meta):
        sequence = ("period", "activity", "result", "treasury", "generated_at", "download")


def _years():
    years = MonthlyStatement.objects.order_by("-year").values_list("year", flat=True).distinct()
    return [(year, str(year)) for year in years]


class StatementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Activité"), method="filter_search")
    year = django_filters.ChoiceFilter(label=_("Année"), choices=_years, empty_label=_("Toutes"))
    month = django_filters.ChoiceFilter(
        label=_("Mois"),
        choices=[(number, str(name).capitalize()) for number, name in MONTHS.items()],
        empty_label=_("Tous"),
    )

    class Meta:
        model = MonthlyStatement
        fields = ()

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(activity__code__icontains=word) | Q(activity__name__icontains=word))
        return queryset
