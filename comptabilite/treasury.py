"""Treasury figures of an activity, and of every activity at once, read from the monthly section summaries.

Never from the ledger lines: ``SectionMonth`` holds, per analytic section and month, the movements of each
family of accounts and is updated in the transaction that posts an entry, so every figure here is a sum of a
few rows per month and is right the moment an entry is posted.

Definitions, used by the dashboards, the staff overview and the alerts alike:

- result = turnover + other income − expenses − contribution − salary cost;
- treasury available at a date = Σ, over every month up to that date, of
  cash − collected VAT + deductible VAT − payables − contribution: the money in the bank for the activity,
  minus the VAT it owes, minus what it owes suppliers, staff and social bodies, minus its contribution.
  The summaries are monthly, so "up to today" means up to the end of the current month;
- year to date = the months of the year up to the current month (the whole year for a past year);
- drift = year-to-date turnover against the turnover forecast for the same months, on the *completed*
  months only (a month in progress would always look behind its forecast). None without a forecast.

Query budget: ``dashboard`` runs 4 queries whatever the number of entries; ``overview`` runs 4 (the
activities, the year's monthly summaries and the earlier yearly ones each aggregated by section, the open
alerts) and ``overview_details``
2 more for the rows shown (members, last payment), whatever the number of activities and years.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3

from comptabilite.ledger import chart
from comptabilite.ledger.posting import OPENING_JOURNAL, journal_code
from comptabilite.models import (
    AlertKind,
    AnalyticSection,
    DocumentKind,
    Entry,
    EntryLine,
    Forecast,
    Invoice,
    InvoiceStatus,
    SectionMonth,
    SectionYear,
    TreasuryAlert,
)
from coodyssee.money import CENT, ZERO
from coodyssee.permissions import check_perm, has_perm
from entrepreneurs.models import Activity, ActivityMembership, Entrepreneur

AMOUNT = DecimalField(max_digits=16, decimal_places=2)
FIGURES = ("turnover", "other_income", "expenses", "contribution", "salary_cost")
TREASURY_COLUMNS = ("cash", "vat_collected", "vat_deductible", "payables")  # and contribution, a figure
HUNDRED = Decimal(100)
PERCENT = Decimal("0.1")


# --- expressions over SectionMonth (``prefix`` reaches it through a relation) ------------------------------


def treasury_expression(prefix: str = "") -> ExpressionWrapper:
    """Treasury movement of a summary row: cash − collected VAT + deductible VAT − payables − contribution."""

    def column(name):
        return F(f"{prefix}{name}")

    return ExpressionWrapper(
        column("cash")
        - column("vat_collected")
        + column("vat_deductible")
        - column("payables")
        - column("contribution"),
        output_field=AMOUNT,
    )


def result_expression(prefix: str = "") -> ExpressionWrapper:
    def column(name):
        return F(f"{prefix}{name}")

    return ExpressionWrapper(
        column("turnover")
        + column("other_income")
        - column("expenses")
        - column("contribution")
        - column("salary_cost"),
        output_field=AMOUNT,
    )


def opening_year(year: int) -> Coalesce:
    """The year of the latest opening entries (à-nouveaux) up to ``year``, 0 without any: the summaries
    before it are summed up by them. A subquery, so it costs no query of its own."""
    latest = (
        Entry.objects.filter(journal_id=OPENING_JOURNAL, year__lte=year).order_by("-year").values("year")[:1]
    )
    return Coalesce(Subquery(latest), Value(0))


def since_opening(year: int, prefix: str = "") -> Q:
    """Summary rows from the latest opening entries (à-nouveaux) of a year up to ``year``, which sum up
    everything before them — or every row when the ledger has none (see comptabilite.ledger.opening).
    A subquery, so it costs no query of its own."""
    return Q(**{f"{prefix}year__gte": opening_year(year)})


def until(day: datetime.date, prefix: str = "") -> Q:
    """Summary rows of the months up to ``day``'s month, included (an opening's month 0 too)."""
    return (
        Q(**{f"{prefix}year__lt": day.year})
        | Q(**{f"{prefix}year": day.year, f"{prefix}month__lte": day.month})
    ) & since_opening(day.year, prefix)


def treasury_flow(row) -> Decimal:
    """The treasury movement of one summary row (a ``SectionMonth`` or a dict of its columns)."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return get("cash") - get("vat_collected") + get("vat_deductible") - get("payables") - get("contribution")


def drift_percent(actual: Decimal, forecast: Decimal | None) -> Decimal | None:
    """``(actual − forecast) / forecast`` in percent, to a tenth; None without a positive forecast."""
    if forecast is None or forecast <= 0:
        return None
    return ((actual - forecast) * HUNDRED / forecast).quantize(PERCENT)


def elapsed_months(year: int, today: datetime.date) -> int:
    """How many months of ``year`` have begun by ``today`` (12 for a past year, 0 for a future one)."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month


def completed_months(year: int, today: datetime.date) -> int:
    """How many months of ``year`` are over by ``today`` (the months the drift compares)."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month - 1


def month_label(month: int, *, short: bool = False) -> str:
    return str((MONTHS_3 if short else MONTHS)[month]).capitalize()


# --- who sees which activity ---------------------------------------------------------------------------


def activities_for(user, *, own: bool = False) -> QuerySet[Activity]:
    """The activities whose treasury this person may read: every one for the support team, their own for
    an entrepreneur (and with ``own``, the portal's view, for anyone), none for anyone else."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Activity.objects.none()
    if has_perm(user, "treasury.view") and not own:
        return Activity.objects.all()
    if has_perm(user, "portal.treasury"):
        mine = ActivityMembership.objects.filter(entrepreneur__user=user).values("activity_id")
        return Activity.objects.filter(pk__in=mine)
    return Activity.objects.none()


def access_activity(user, pk: int, *, write: bool = False) -> Activity:
    """The activity, or 404 outside the person's activities. ``write`` (the forecast) is for its members
    only: 403 to the support team, who read every dashboard but do not write an entrepreneur's forecast."""
    if write:
        check_perm(user, "portal.treasury")
    queryset = activities_for(user, own=write)
    try:
        return queryset.get(pk=pk)
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- one activity's dashboard ---------------------------------------------------------------------------


@dataclass
class Totals:
    turnover: Decimal = ZERO
    other_income: Decimal = ZERO
    expenses: Decimal = ZERO
    contribution: Decimal = ZERO
    salary_cost: Decimal = ZERO

    @property
    def result(self) -> Decimal:
        return self.turnover + self.other_income - self.expenses - self.contribution - self.salary_cost

    @property
    def charges(self) -> Decimal:
        return self.expenses + self.contribution + self.salary_cost

    def add(self, other: Totals) -> None:
        for name in FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ForecastMonth:
    turnover: Decimal = ZERO
    expenses: Decimal = ZERO
    salary: Decimal = ZERO


@dataclass
class Month(Totals):
    month: int = 1
    label: str = ""
    short_label: str = ""
    treasury_change: Decimal = ZERO
    treasury_end: Decimal | None = None  # None for a month not begun yet
    elapsed: bool = False
    completed: bool = False
    forecast: ForecastMonth | None = None

    @property
    def turnover_gap(self) -> Decimal | None:
        if self.forecast is None or not self.elapsed:
            return None
        return self.turnover - self.forecast.turnover


@dataclass
class Drift:
    actual: Decimal
    forecast: Decimal
    percent: Decimal
    months: int  # completed months compared

    @property
    def sign(self) -> str:
        return "+" if self.percent > 0 else ""


@dataclass
class Dashboard:
    activity: Activity
    year: int
    today: datetime.date
    months: list[Month]
    year_to_date: Totals
    treasury_now: Decimal
    treasury_opening: Decimal
    first_year: int
    unpaid: list[Invoice]
    alerts: list[TreasuryAlert]
    forecast_total: ForecastMonth | None
    drift: Drift | None
    years: list[int] = field(default_factory=list)

    @property
    def unpaid_count(self) -> int:
        return len(self.unpaid)

    @property
    def unpaid_amount(self) -> Decimal:
        return sum((invoice.due for invoice in self.unpaid), ZERO)

    @property
    def treasury_year_end(self) -> Decimal | None:
        ends = [month.treasury_end for month in self.months if month.treasury_end is not None]
        return ends[-1] if ends else None

    @property
    def has_forecast(self) -> bool:
        return self.forecast_total is not None

    @property
    def is_current_year(self) -> bool:
        return self.year == self.today.year


def unpaid_invoices(activity_id: int) -> QuerySet[Invoice]:
    """Issued invoices of the activity with an amount still due (from the invoices, not the ledger)."""
    from comptabilite.selectors import AMOUNT_DUE

    return (
        Invoice.objects.filter(
            activity_id=activity_id, kind=DocumentKind.INVOICE, status=InvoiceStatus.ISSUED
        )
        .annotate(due=AMOUNT_DUE)
        .filter(due__gt=0)
        .select_related("customer")
        .order_by("due_date", "pk")
    )


def open_alerts(activity_ids=None) -> QuerySet[TreasuryAlert]:
    queryset = TreasuryAlert.objects.filter(cleared_at__isnull=True)
    if activity_ids is not None:
        queryset = queryset.filter(activity_id__in=activity_ids)
    return queryset.select_related("activity").order_by("-raised_at", "pk")


def dashboard(activity: Activity, year: int, *, today: datetime.date | None = None) -> Dashboard:
    """Everything the treasury dashboard of ``activity`` shows for ``year``, in 4 queries: the summaries,
    the forecasts, the unpaid invoices, the open alerts."""
    today = today or timezone.localdate()
    # Every summary row of the activity (13 a year at most) in one query, with the year of the opening
    # entries that start each sum (see ``since_opening``): the cumulated figures are added up here.
    summaries = (
        SectionMonth.objects.filter(section__activity_id=activity.pk)
        .annotate(start_opening=opening_year(year), start_now=opening_year(today.year))
        .values("year", "month", *FIGURES, *TREASURY_COLUMNS, "start_opening", "start_now")
    )
    rows, opening, now, first_year = {}, ZERO, ZERO, None
    for row in summaries:
        row_year, row_month = row["year"], row["month"]
        if row_year == year:
            rows[row_month] = row
        if row_year >= row["start_opening"] and (row_year < year or (row_year == year and row_month == 0)):
            opening += treasury_flow(row)
        if row_year >= row["start_now"] and (
            row_year < today.year or (row_year == today.year and row_month <= today.month)
        ):
            now += treasury_flow(row)
        first_year = row_year if first_year is None else min(first_year, row_year)
    forecasts = {
        forecast.month: ForecastMonth(forecast.turnover, forecast.expenses, forecast.salary)
        for forecast in Forecast.objects.filter(activity_id=activity.pk, year=year)
    }
    unpaid = list(unpaid_invoices(activity.pk))
    alerts = list(open_alerts([activity.pk]))

    elapsed, completed = elapsed_months(year, today), completed_months(year, today)
    running = opening
    months, year_to_date = [], Totals()
    for number in range(1, 13):
        row = rows.get(number)
        month = Month(
            month=number,
            label=month_label(number),
            short_label=month_label(number, short=True),
            elapsed=number <= elapsed,
            completed=number <= completed,
            forecast=forecasts.get(number),
        )
        if row is not None:
            for name in FIGURES:
                setattr(month, name, row[name])
            month.treasury_change = treasury_flow(row)
        if month.elapsed:
            running += month.treasury_change
            month.treasury_end = running
            year_to_date.add(month)
        months.append(month)

    forecast_total = None
    if forecasts:
        forecast_total = ForecastMonth(
            turnover=sum((f.turnover for f in forecasts.values()), ZERO),
            expenses=sum((f.expenses for f in forecasts.values()), ZERO),
            salary=sum((f.salary for f in forecasts.values()), ZERO),
        )
    drift = None
    # Same comparison as ``alert_figures``: every completed month's turnover against the forecast of those
    # months, when the forecast covers at least one of them.
    compared = [month for month in months if month.completed]
    if any(month.forecast is not None for month in compared):
        actual = sum((month.turnover for month in compared), ZERO)
        expected = sum((month.forecast.turnover for month in compared if month.forecast), ZERO)
        percent = drift_percent(actual, expected)
        if percent is not None:
            drift = Drift(actual=actual, forecast=expected, percent=percent, months=len(compared))

    first_year = first_year or year
    return Dashboard(
        activity=activity,
        year=year,
        today=today,
        months=months,
        year_to_date=year_to_date,
        treasury_now=now,
        treasury_opening=opening,
        first_year=first_year,
        unpaid=unpaid,
        alerts=alerts,
        forecast_total=forecast_total,
        drift=drift,
        years=list(range(min(first_year, year, today.year), max(year, today.year + 1) + 1)),
    )


# --- every activity: the staff overview -------------------------------------------------------------------


def overview_date(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day the overview's treasury is taken: today for the current year, the 31st December before."""
    today = today or timezone.localdate()
    return today if year >= today.year else datetime.date(year, 12, 31)


@dataclass
class OverviewRow:
    """One activity of the staff overview. ``members`` and ``last_payment`` are filled by
    ``overview_details`` for the rows that need them (the page shown, the CSV, a sort on the date)."""

    pk: int
    code: str
    name: str
    section_id: int | None
    turnover: Decimal = ZERO
    result: Decimal = ZERO
    treasury: Decimal = ZERO
    alerts: tuple[str, ...] = ()
    members: list[Entrepreneur] = field(default_factory=list)
    last_payment: datetime.date | None = None
    detailed: bool = False

    @property
    def alert_treasury(self) -> bool:
        return AlertKind.TREASURY in self.alerts

    @property
    def alert_drift(self) -> bool:
        return AlertKind.DRIFT in self.alerts

    @property
    def has_alert(self) -> bool:
        return bool(self.alerts)


def overview(
    year: int,
    *,
    today: datetime.date | None = None,
    activities: QuerySet[Activity] | None = None,
    search: str = "",
    alert_only: bool = False,
    treasury_below: Decimal | None = None,
) -> list[OverviewRow]:
    """Every activity (of ``activities``, already filtered or not) with its year-to-date ``turnover`` and
    ``result``, its ``treasury`` at ``overview_date`` and its open alerts, by code; in 4 queries whatever
    the number of activities and of years: the activities, the monthly summaries of the year and the
    yearly ones before it (each aggregated by section), the open alerts. The treasury filter applies to
    the computed figure, in Python.
    """
    today = today or timezone.localdate()
    as_of = overview_date(year, today)
    activities = filter_search(activities if activities is not None else Activity.objects.all(), search)
    if alert_only:
        activities = filter_alert_only(activities)
    rows = [
        OverviewRow(pk=pk, code=code, name=name, section_id=section_id)
        for pk, code, name, section_id in activities.order_by("code").values_list(
            "pk", "code", "name", "section"
        )
    ]
    if not rows:
        return rows
    last_month = as_of.month if year <= today.year else 0  # a future year has no "to date" yet
    year_to_date = Q(year=year, month__lte=last_month)
    # Grouped by section, each table alone (no join): the activities above carry their section's id. The
    # months of the year (and of ``as_of``'s), then the whole years before ``as_of`` from ``SectionYear``:
    # twelve times fewer rows than summing every month since the first posting.
    figures = {
        row["section_id"]: row
        for row in SectionMonth.objects.filter(year__in={year, as_of.year})
        .order_by()
        .values("section_id")
        .annotate(
            # names of their own: ``turnover`` would hide the column the result expression reads
            ytd_turnover=Sum("turnover", filter=year_to_date, output_field=AMOUNT),
            ytd_result=Sum(result_expression(), filter=year_to_date, output_field=AMOUNT),
            treasury_at=Sum(
                treasury_expression(), filter=Q(year=as_of.year, month__lte=as_of.month), output_field=AMOUNT
            ),
        )
    }
    earlier = (
        SectionYear.objects.filter(Q(year__lt=as_of.year) & since_opening(as_of.year))
        .order_by()
        .values("section_id")
        .annotate(treasury=Sum(treasury_expression(), output_field=AMOUNT))
        .values_list("section_id", "treasury")
    )
    alerts: dict[int, list[str]] = {}
    for activity_id, kind in (
        TreasuryAlert.objects.filter(cleared_at__isnull=True)
        .order_by("kind")
        .values_list("activity_id", "kind")
    ):
        alerts.setdefault(activity_id, []).append(kind)
    carried = dict(earlier)
    for row in rows:
        found = figures.get(row.section_id)
        if found is not None:
            # to the cent: SQLite sums decimals as floats
            row.turnover = (found["ytd_turnover"] or ZERO).quantize(CENT)
            row.result = (found["ytd_result"] or ZERO).quantize(CENT)
            row.treasury = (found["treasury_at"] or ZERO).quantize(CENT)
        row.treasury += (carried.get(row.section_id) or ZERO).quantize(CENT)
        row.alerts = tuple(alerts.get(row.pk, ()))
    if treasury_below is not None:
        rows = [row for row in rows if row.treasury < treasury_below]
    return rows


def overview_details(rows: list[OverviewRow]) -> list[OverviewRow]:
    """Fill ``members`` and ``last_payment`` of ``rows`` (those not filled yet), in 2 queries.

    The last payment is read from the ledger: the latest customer receipt (411 credited in the bank journal)
    of the activity's section whose payment was not cancelled. A payment's entry is dated with the payment,
    so this is the latest ``Payment.date`` of the activity's invoices; the index on (section, date) finds it
    in a few rows per activity, where the payments would have to be joined to every invoice.
    """
    todo = [row for row in rows if not row.detailed]
    if not todo:
        return rows
    by_pk = {row.pk: row for row in todo}
    memberships = (
        ActivityMembership.objects.filter(activity_id__in=list(by_pk))
        .select_related("entrepreneur")
        .order_by("entrepreneur__last_name", "entrepreneur__first_name", "pk")
    )
    for membership in memberships:
        by_pk[membership.activity_id].members.append(membership.entrepreneur)
    sections = {row.section_id: row for row in todo if row.section_id is not None}
    if sections:
        receipts = EntryLine.objects.filter(
            section=OuterRef("pk"),
            journal_id=journal_code("bank"),
            account_id=chart.CUSTOMERS,
            credit__gt=0,
            entry__payment__cancelled_at__isnull=True,
        ).order_by("-date")
        latest = AnalyticSection.objects.filter(pk__in=list(sections)).annotate(
            last_payment=Subquery(receipts.values("date")[:1])
        )
        for section_id, last_payment in latest.values_list("pk", "last_payment"):
            sections[section_id].last_payment = last_payment
    for row in todo:
        row.detailed = True
    return rows


def filter_search(queryset: QuerySet[Activity], words: str) -> QuerySet[Activity]:
    """Activities whose code, name or a member's name contains every word."""
    for word in words.split():
        members = ActivityMembership.objects.filter(
            Q(entrepreneur__first_name__icontains=word) | Q(entrepreneur__last_name__icontains=word)
        ).values("activity_id")
        queryset = queryset.filter(Q(code__icontains=word) | Q(name__icontains=word) | Q(pk__in=members))
    return queryset


def filter_alert_only(queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    return queryset.filter(
        Exists(TreasuryAlert.objects.filter(activity=OuterRef("pk"), cleared_at__isnull=True))
    )


def overview_years(today: datetime.date | None = None) -> list[int]:
    """Years the overview offers: from the first summarised year to the current one (one query)."""
    today = today or timezone.localdate()
    first = (  # the index on the year: the first row of an activity, not a scan of every month
        SectionMonth.objects.filter(section__activity__isnull=False)
        .order_by("year")
        .values_list("year", flat=True)
        .first()
    )
    first = min(first or today.year, today.year)
    return list(range(today.year, first - 1, -1))


# --- figures the alerts compare, for many activities at once ----------------------------------------


@dataclass
class AlertFigures:
    activity_id: int
    treasury: Decimal
    turnover: Decimal  # of the completed months of the current year
    forecast: Decimal | None  # their forecast turnover, None when no forecast covers them

    @property
    def drift(self) -> Decimal | None:
        return drift_percent(self.turnover, self.forecast)


# The alert figures in one SQL statement, after every posting: the ORM spends four times longer composing
# this query than the database answering it. Same definitions as ``treasury_expression`` and ``until``
# (``test_alert_figures_match_the_dashboard`` holds them together).
TREASURY_SQL = "m.cash - m.vat_collected + m.vat_deductible - m.payables - m.contribution"
# The years before the current one from ``SectionYear`` (those since the latest opening entries), the
# current year's months from ``SectionMonth``.
ALERT_FIGURES_SQL = f"""SELECT s.activity_id, SUM(t.treasury), SUM(t.turnover),
       (SELECT SUM(f.turnover) FROM comptabilite_forecast f
        WHERE f.activity_id = s.activity_id AND f.year = %(year)s AND f.month <= %(completed)s)
FROM (
    SELECT m.section_id, {TREASURY_SQL} AS treasury, 0 AS turnover
    FROM comptabilite_sectionyear m
    WHERE m.year < %(year)s
      AND m.year >= COALESCE((SELECT MAX(e.year) FROM comptabilite_entry e
                              WHERE e.journal_id = %(opening)s AND e.year <= %(year)s), 0) {{sections}}
    UNION ALL
    SELECT m.section_id,
           CASE WHEN m.month <= %(month)s THEN {TREASURY_SQL} ELSE 0 END,
           CASE WHEN m.month <= %(completed)s THEN m.turnover ELSE 0 END
    FROM comptabilite_sectionmonth m
    WHERE m.year = %(year)s {{sections}}
) t
JOIN comptabilite_analyticsection s ON s.id = t.section_id
WHERE s.activity_id IS NOT NULL {{activities}}
GROUP BY s.activity_id
"""  # noqa: S608 - only fixed text and placeholders are formatted in (alert_figures)


def _cents(value) -> Decimal | None:
    """A sum as the database returns it (SQLite: a float) to the cent."""
    return None if value is None else Decimal(value).quantize(CENT)


def alert_figures(
    *, today: datetime.date | None = None, activity_ids=None, section_ids=None
) -> dict[int, AlertFigures]:
    """``{activity id: AlertFigures}`` of the activities given by id or by section (every activity with a
    summary when neither is given), in ONE query whatever their number."""
    today = today or timezone.localdate()
    params = {
        "year": today.year,
        "month": today.month,
        "completed": completed_months(today.year, today),
        "opening": OPENING_JOURNAL,
    }
    where = {"sections": "", "activities": ""}
    for key, column, ids in (
        ("activities", "s.activity_id", activity_ids),
        ("sections", "m.section_id", section_ids),
    ):
        if ids is not None:
            ids = sorted({int(pk) for pk in ids})
            if not ids:
                return {}
            names = [f"{key}{index}" for index in range(len(ids))]
            params.update(zip(names, ids, strict=True))
            where[key] = f"AND {column} IN ({', '.join(f'%({name})s' for name in names)})"
    with connection.cursor() as cursor:
        cursor.execute(ALERT_FIGURES_SQL.format(**where), params)
        rows = cursor.fetchall()
    return {
        activity_id: AlertFigures(
            activity_id=activity_id,
            treasury=_cents(treasury) or ZERO,
            turnover=_cents(turnover) or ZERO,
            forecast=_cents(forecast),  # None: no forecast covers the completed months
        )
        for activity_id, treasury, turnover, forecast in rows
    }
