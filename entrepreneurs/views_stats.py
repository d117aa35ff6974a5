"""Headcount statistics of a year for the support team: key figures, monthly table, chart, CSV."""

from __future__ import annotations

import csv
import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from coodyssee.charts import Series, bar_line_chart
from coodyssee.permissions import permission
from entrepreneurs import stats

FIRST_YEAR, LAST_YEAR = 1900, 2999  # stats.headcount() works with the year before: keep dates valid


def _years_with_data(dates: list[stats.JourneyDates], today: datetime.date) -> list[int]:
    """From the first entry's year to this year (or the last dated movement, if planned later)."""
    years = [d.entry.year for d in dates] + [d.exit.year for d in dates if d.exit is not None]
    if not years:
        return [today.year]
    return list(range(min(min(years), today.year), max(max(years), today.year) + 1))


def _monthly_rows(year: int, figures: dict, today: datetime.date) -> list[dict]:
    rows, this_month = [], today.replace(day=1)
    for month, row in enumerate(figures["monthly"], start=1):
        first_day = datetime.date(year, month, 1)
        rows.append(
            {
                **row,
                "label": capfirst(date_format(first_day, "F")),
                "short_label": date_format(first_day, "N"),
                # A month not over yet only counts the movements recorded so far.
                "period": "future" if first_day > today else "current" if first_day == this_month else "past",
            }
        )
    return rows


def _charts(year: int, rows: list[dict]) -> dict:
    labels = [row["short_label"] for row in rows]
    bars = [
        Series(_("Entrées"), [row["entries"] for row in rows], color="#2d6a4f"),
        Series(_("Sorties"), [-row["exits"] for row in rows], color="#9b2226"),
    ]
    line = Series(_("Effectif en fin de mois"), [row["headcount"] for row in rows], color="#1d3557")
    options = {
        "title": _("Effectif et mouvements mois par mois en %(year)s") % {"year": year},
        "bar_axis_label": _("Entrées et sorties du mois"),
        "line_axis_label": _("Effectif en fin de mois"),
        "line_band": True,
        "stacked": True,
    }
    return {
        "wide": bar_line_chart(
            labels, bars, line, width=640, height=420, chart_id="headcount-chart", **options
        ),
        "narrow": bar_line_chart(
            labels, bars, line, width=400, height=460, font_size=14, chart_id="headcount-chart-sm", **options
        ),
    }


def _csv_response(year: int, rows: list[dict], figures: dict) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="effectif-{year}.csv"'
    response.write("\ufeff")  # the byte order mark tells Excel the file is UTF-8
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Mois"), _("Entrées"), _("Sorties"), _("Effectif")])
    for row in rows:
        writer.writerow([row["label"], row["entries"], -row["exits"], row["headcount"]])
    writer.writerow([_("Total"), figures["entries"], -figures["exits"], figures["end_of_year"]])
    return response


@permission("stats.view")
def headcount_stats(request, year=None):
    today = timezone.localdate()
    year = today.year if year is None else year
    if not FIRST_YEAR < year <= LAST_YEAR:
        raise Http404
    # One query for every journey, shared by the figures, the table, the chart and the year list.
    dates = stats.journey_dates()
    figures = stats.headcount(year, dates)
    rows = _monthly_rows(year, figures, today)
    if request.GET.get("format") == "csv":
        return _csv_response(year, rows, figures)
    years = _years_with_data(dates, today)
    return render(
        request,
        "entrepreneurs/stats.html",
        {
            "year": year,
            "years": years,
            "previous_year": year - 1 if year - 1 >= years[0] else None,
            "next_year": year + 1 if year + 1 <= years[-1] else None,
            "figures": figures,
            "change": figures["end_of_year"] - figures["start_of_year"],
            "sessions": stats.info_sessions(year),
            "rows": rows,
            "ongoing": year >= today.year,
            "today": today,
            "charts": _charts(year, rows),
        },
    )
