"""Treasury pages: an activity's dashboard (portal "Ma trésorerie" and back-office), the entrepreneur's
forecast, and the staff overview of every activity with its filters and CSV export.

The figures come from ``comptabilite.treasury`` (monthly summaries of the ledger, a fixed number of
queries); activities are fetched through ``treasury.access_activity``: another entrepreneur's id answers 404.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from comptabilite import treasury
from comptabilite.forms_treasury import ForecastForm
from comptabilite.models import Forecast
from comptabilite.services.forecasts import YEARS_AHEAD, YEARS_BEHIND, forecast_save
from comptabilite.tables_treasury import OverviewFilter, OverviewTable, alert_labels, members_label
from comptabilite.views._common import PER_PAGE, csv_amount, csv_date, csv_query, csv_response
from coodyssee.charts import Series, bar_line_chart, format_number
from coodyssee.errors import DomainError
from coodyssee.permissions import permission
from entrepreneurs.models import Activity

FIRST_YEAR = 2000
TURNOVER_COLOR = "#2d6a4f"
CHARGES_COLOR = "#9b2226"
FORECAST_COLOR = "#adb5bd"
TREASURY_COLOR = "#1d3557"


def _year(request, *, default: int, latest: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except (TypeError, ValueError):
        return default
    return year if FIRST_YEAR <= year <= latest else default


def _whole_euros(value) -> str:
    return format_number(round(Decimal(str(value))), 0)


# --- charts ------------------------------------------------------------------------------------------------


def _charts(board: treasury.Dashboard) -> dict:
    """The month-by-month chart (turnover up, charges down, end-of-month treasury as a line) and, with a
    forecast, the forecast-against-actual chart; each in a wide and a narrow (phone) version."""
    labels = [month.short_label for month in board.months]
    shown = [month.elapsed for month in board.months]

    def actual(values):
        return [value if visible else None for value, visible in zip(values, shown, strict=True)]

    title = _("Trésorerie %(year)s, mois par mois") % {"year": board.year}
    bars = [
        Series(_("Chiffre d'affaires HT"), actual([m.turnover for m in board.months]), color=TURNOVER_COLOR),
        Series(
            _("Dépenses, contribution et salaires"),
            actual([-m.charges for m in board.months]),
            color=CHARGES_COLOR,
        ),
    ]
    line = Series(
        _("Trésorerie en fin de mois"), [m.treasury_end for m in board.months], color=TREASURY_COLOR
    )
    charts = {
        "wide": bar_line_chart(
            labels, [Series(s.name, s.values, s.color, show_values=False) for s in bars], line,
            title=title, stacked=True, width=760, height=340, value_format=_whole_euros,
        ),
        "narrow": bar_line_chart(
            labels, [Series(s.name, s.values, s.color, show_values=False) for s in bars],
            Series(line.name, line.values, line.color, show_values=False),
            title=title, stacked=True, width=390, height=330, font_size=12, value_format=_whole_euros,
        ),
    }  # fmt: skip
    if board.has_forecast:
        forecast_title = _("Chiffre d'affaires %(year)s : prévu et réalisé") % {"year": board.year}
        forecast_bars = [
            Series(
                _("Prévu"),
                [m.forecast.turnover if m.forecast else None for m in board.months],
                color=FORECAST_COLOR,
                show_values=False,
            ),
            Series(
                _("Réalisé"),
                actual([m.turnover for m in board.months]),
                color=TURNOVER_COLOR,
                show_values=False,
            ),
        ]
        # full card width (the monthly chart has two thirds of it): a wider box keeps the same text size
        charts["forecast_wide"] = bar_line_chart(
            labels, forecast_bars, title=forecast_title, width=1120, height=300, value_format=_whole_euros
        )
        charts["forecast_narrow"] = bar_line_chart(
            labels, forecast_bars, title=forecast_title, width=390, height=300, font_size=12,
            value_format=_whole_euros,
        )  # fmt: skip
    return charts


def _dashboard_context(activity, year: int, *, space: str) -> dict:
    board = treasury.dashboard(activity, year)
    return {
        "board": board,
        "activity": activity,
        "charts": _charts(board),
        "space": space,
        "has_other_income": any(month.other_income for month in board.months),
        "invoice_url": "portal:invoice" if space == "portal" else "backoffice:invoice",
    }


# --- portal --------------------------------------------------------------------------------------------


@permission("portal.treasury")
def portal_dashboard(request, pk=None):
    """ "Ma trésorerie": the dashboard of the person's activity (a selector when they have several)."""
    activities = list(treasury.activities_for(request.user, own=True).order_by("code"))
    today = timezone.localdate()
    if pk is not None:
        activity = next((candidate for candidate in activities if candidate.pk == pk), None)
        if activity is None:
            raise Http404
    elif not activities:
        return render(request, "comptabilite/treasury/no_activity.html")
    else:
        activity = activities[0]
    year = _year(request, default=today.year, latest=today.year + YEARS_AHEAD)
    context = _dashboard_context(activity, year, space="portal") | {
        "activities": activities,
        "can_edit_forecast": today.year - YEARS_BEHIND <= year <= today.year + YEARS_AHEAD,
    }
    return render(request, "comptabilite/treasury/dashboard.html", context)


@permission("portal.treasury")
def portal_forecast(request, pk):
    """The twelve months of turnover, expenses and salary the entrepreneur expects, in one form."""
    activity = treasury.access_activity(request.user, pk, write=True)
    today = timezone.localdate()
    year = _year(request, default=today.year, latest=today.year + YEARS_AHEAD)
    dashboard_url = f"{reverse('portal:treasury_activity', args=[activity.pk])}?year={year}"
    forecasts = list(Forecast.objects.filter(activity=activity, year=year))
    form = ForecastForm(request.POST or None, forecasts=forecasts)
    if request.method == "POST" and form.is_valid():
        try:
            forecast_save(by=request.user, activity=activity, year=year, months=form.months())
        except DomainError as error:
            error.attach_to(form)
        else:
            messages.success(request, _("Prévisions %(year)s enregistrées.") % {"year": year})
            return redirect(dashboard_url)
    return render(
        request,
        "comptabilite/treasury/forecast_form.html",
        {
            "activity": activity,
            "year": year,
            "form": form,
            "years": list(range(today.year - YEARS_BEHIND, today.year + YEARS_AHEAD + 1)),
            "dashboard_url": dashboard_url,
            "space": "portal",
        },
    )


# --- back-office -----------------------------------------------------------------------------------------


@permission("treasury.view")
def activity_dashboard(request, pk):
    activity = treasury.access_activity(request.user, pk)
    today = timezone.localdate()
    year = _year(request, default=today.year, latest=today.year + YEARS_AHEAD)
    members = list(activity.members.select_related("referent").order_by("last_name", "first_name"))
    context = _dashboard_context(activity, year, space="backoffice") | {"members": members}
    return render(request, "comptabilite/treasury/dashboard.html", context)


def _overview_csv(rows, year: int, as_of):
    return csv_response(
        f"tresorerie-activites-{year}.csv",
        [
            "Code",
            "Activité",
            "Entrepreneur·es",
            f"CA HT {year} (depuis janvier)",
            f"Résultat {year}",
            f"Trésorerie au {as_of:%d/%m/%Y}",
            "Dernier paiement",
            "Alertes",
        ],
        (
            [
                row.code,
                row.name,
                members_label(row),
                csv_amount(row.turnover),
                csv_amount(row.result),
                csv_amount(row.treasury),
                csv_date(row.last_payment),
                ", ".join(alert_labels(row)),
            ]
            for row in rows
        ),
    )


@permission("treasury.view")
def overview(request):
    """Every activity: turnover and result of the year, treasury, last payment, alerts; sortable,
    filterable, exported as CSV (the rows filtered, in the order shown)."""
    today = timezone.localdate()
    year = _year(request, default=today.year, latest=today.year)
    as_of = treasury.overview_date(year, today)
    filters = OverviewFilter(request.GET, queryset=Activity.objects.all())
    rows = treasury.overview(
        year, today=today, activities=filters.qs, treasury_below=filters.treasury_threshold
    )
    table = OverviewTable(rows, year=year)
    export = request.GET.get("format") == "csv"
    if export or "last_payment" in request.GET.get("sort", ""):
        treasury.overview_details(rows)  # every row: the export, or a sort on the date
    if export:
        RequestConfig(request, paginate=False).configure(table)
        return _overview_csv([row.record for row in table.rows], year, as_of)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    treasury.overview_details([row.record for row in table.paginated_rows])
    return render(
        request,
        "comptabilite/treasury/overview.html",
        {
            "filter": filters,
            "table": table,
            "year": year,
            "years": treasury.overview_years(today),
            "as_of": as_of,
            "is_current_year": year == today.year,
            "open_alerts": treasury.open_alerts().count(),
            "csv_query": csv_query(request.GET),
        },
    )
