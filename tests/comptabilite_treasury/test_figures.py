"""The dashboard's figures against a case computed by hand, their query budget, and the staff overview."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptabilite import treasury
from comptabilite.ledger.bulk import BulkLedger
from comptabilite.ledger.posting import EntrySpec, Line, sections_for
from comptabilite.models import AlertKind, Forecast, SectionMonth, TreasuryAlert
from tests.comptabilite_treasury.conftest import TODAY, issue_on, pay_on, post_expense

D = Decimal


def test_dashboard_figures_match_the_hand_computed_case(hand_case, activity):
    board = treasury.dashboard(activity, 2026)
    ytd = board.year_to_date
    assert (ytd.turnover, ytd.expenses, ytd.contribution, ytd.salary_cost) == (
        D("1000.00"),
        D("100.00"),
        D("120.00"),
        D("1150.00"),
    )
    # 1000 − 100 − 120 − 1150
    assert ytd.result == D("-370.00")
    # cash 600 − 600, collected VAT 100 (the payment's share), deductible VAT 20,
    # owed: supplier 120 + payslip 1150 − net paid 600, contribution 120
    assert board.treasury_now == D("0") - D("100") + D("20") - D("670") - D("120") == D("-870.00")
    assert board.treasury_opening == D("0.00")
    assert [month.treasury_end for month in board.months] == [
        D("0.00"),
        D("0.00"),
        D("-120.00"),
        D("380.00"),
        D("-870.00"),
        D("-870.00"),
        None,
        None,
        None,
        None,
        None,
        None,
    ]
    may = board.months[4]
    assert (may.expenses, may.salary_cost, may.result) == (D("100.00"), D("1150.00"), D("-1250.00"))
    assert board.unpaid_count == 1 and board.unpaid_amount == D("600.00")
    assert board.unpaid[0].pk == hand_case.pk
    assert board.forecast_total is None and board.drift is None


def test_alert_figures_match_the_dashboard(hand_case, activity, other_activity):
    """The alerts' single SQL statement and the dashboard's ORM queries: the same treasury and drift."""
    Forecast.objects.create(activity=activity, year=2026, month=1, turnover=D("500.00"))
    Forecast.objects.create(activity=activity, year=2026, month=4, turnover=D("250.50"))
    Forecast.objects.create(activity=activity, year=2026, month=12, turnover=D("9999.00"))  # not completed
    board = treasury.dashboard(activity, 2026, today=TODAY)
    figures = treasury.alert_figures(today=TODAY)
    mine = figures[activity.pk]
    assert mine.treasury == board.treasury_now == D("-870.00")
    assert mine.turnover == board.drift.actual and mine.forecast == board.drift.forecast == D("750.50")
    assert mine.drift == board.drift.percent
    assert other_activity.pk not in figures  # nothing posted: no summary, no figures
    assert treasury.alert_figures(today=TODAY, section_ids=[sections_for(activity.pk)[0]]) == {
        activity.pk: mine
    }
    assert treasury.alert_figures(today=TODAY, activity_ids=[activity.pk, other_activity.pk]) == {
        activity.pk: mine
    }
    assert treasury.alert_figures(today=TODAY, activity_ids=[]) == {}


def test_treasury_changes_the_moment_a_payment_is_posted(
    coop, time_machine, entrepreneur, accountant, activity, customer
):
    invoice = issue_on(time_machine, datetime.date(2026, 6, 1), entrepreneur, accountant, activity, customer)
    before = treasury.dashboard(activity, 2026)
    assert before.treasury_now == D("-120.00")  # the contribution is owed at once
    assert before.unpaid_amount == D("1200.00")
    pay_on(time_machine, TODAY, accountant, invoice, "1200.00")
    after = treasury.dashboard(activity, 2026)
    # 1,200 received, of which 200 is VAT now due: 1,000 more available
    assert after.treasury_now - before.treasury_now == D("1000.00")
    assert after.unpaid_count == 0


def test_a_previous_year_gives_the_opening_treasury_of_the_next(
    coop, time_machine, entrepreneur, accountant, activity, customer
):
    invoice = issue_on(time_machine, datetime.date(2025, 11, 3), entrepreneur, accountant, activity, customer)
    pay_on(time_machine, datetime.date(2025, 12, 1), accountant, invoice, "1200.00")
    last_year = treasury.dashboard(activity, 2025)
    assert last_year.treasury_year_end == D("880.00")
    assert last_year.year_to_date.turnover == D("1000.00")
    assert all(month.elapsed for month in last_year.months)
    this_year = treasury.dashboard(activity, 2026)
    assert this_year.treasury_opening == D("880.00") == this_year.treasury_now
    assert this_year.year_to_date.turnover == D("0.00")
    assert this_year.years[0] == 2025 and this_year.years[-1] == 2027
    # nothing posted this year: the alerts and the overview carry last year's treasury too
    assert treasury.alert_figures(today=TODAY)[activity.pk].treasury == D("880.00")
    (row,) = [row for row in treasury.overview(2026, today=TODAY) if row.pk == activity.pk]
    assert (row.treasury, row.turnover) == (D("880.00"), D("0.00"))


def test_forecast_against_actual_and_drift_on_completed_months(hand_case, activity):
    for month in range(1, 13):
        Forecast.objects.create(
            activity=activity, year=2026, month=month, turnover=D("400.00"), expenses=D("50"), salary=D("200")
        )
    board = treasury.dashboard(activity, 2026)
    assert board.forecast_total.turnover == D("4800.00")
    assert board.forecast_total.salary == D("2400.00")
    # January to May are over (June is in progress): 1,000 made against 5 × 400 = 2,000 forecast
    assert board.drift.months == 5
    assert (board.drift.actual, board.drift.forecast, board.drift.percent) == (
        D("1000.00"),
        D("2000.00"),
        D("-50.0"),
    )
    march = board.months[2]
    assert march.turnover_gap == D("600.00")
    assert board.months[6].turnover_gap is None  # July has not begun


def test_no_drift_without_a_forecast_of_past_months(hand_case, activity):
    Forecast.objects.create(activity=activity, year=2026, month=9, turnover=D("5000.00"))
    board = treasury.dashboard(activity, 2026)
    assert board.has_forecast and board.drift is None


def test_an_activity_without_any_entry_shows_zeros(coop, activity):
    board = treasury.dashboard(activity, 2026)
    assert board.treasury_now == D("0.00") and board.year_to_date.result == D("0.00")
    assert board.months[0].treasury_end == D("0.00") and board.months[11].treasury_end is None


# --- query budget ---------------------------------------------------------------------------------------


def _bulk_entries(activity, count: int) -> None:
    """``count`` small cash sales spread over 2017–2026 on the activity's section (bulk loader)."""
    section, _structure = sections_for(activity.pk)
    ledger = BulkLedger(validate=False)
    for index in range(count):
        day = datetime.date(2017 + index % 10, 1 + index % 12, 1 + index % 28)
        ledger.add(
            EntrySpec(
                journal="OD",
                date=day,
                label=f"Vente {index}",
                lines=[Line("512", section, debit=D("10.00")), Line("706", section, credit=D("10.00"))],
            )
        )
    ledger.flush()


def _dashboard_queries(activity) -> int:
    with CaptureQueriesContext(connection) as captured:
        board = treasury.dashboard(activity, 2026)
        board.unpaid_amount, board.treasury_year_end  # noqa: B018
    return len(captured)


@pytest.mark.django_db
def test_dashboard_queries_do_not_grow_with_entries(coop, entrepreneur, activity, other_activity):
    _bulk_entries(activity, 1)
    _bulk_entries(other_activity, 1000)
    few, many = _dashboard_queries(activity), _dashboard_queries(other_activity)
    assert few == many <= 12
    assert few == 4  # summaries, forecasts, unpaid invoices, alerts
    assert treasury.dashboard(other_activity, 2017).year_to_date.turnover == D("1000.00")  # 100 × 10


def test_dashboard_page_query_budget_at_1_and_1000_entries(
    coop, entrepreneur, activity, other_activity, manager
):
    from tests.conftest import client_for

    _bulk_entries(activity, 1)
    _bulk_entries(other_activity, 1000)
    client = client_for(manager)
    counts = []
    for target in (activity, other_activity):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/gestion/tresorerie/activites/{target.pk}/")
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 12, counts


# --- the overview -------------------------------------------------------------------------------------


def test_overview_rows_carry_the_dashboard_figures(
    hand_case, activity, other_activity, time_machine, accountant
):
    post_expense(other_activity, datetime.date(2026, 2, 1), ht="50.00", vat="10.00")
    TreasuryAlert.objects.create(
        activity=other_activity,
        kind=AlertKind.TREASURY,
        raised_at=datetime.datetime(2026, 2, 2, tzinfo=datetime.UTC),
        message="x",
    )
    rows = {row.code: row for row in treasury.overview_details(treasury.overview(2026, today=TODAY))}
    mine = rows["ACT00001"]
    board = treasury.dashboard(activity, 2026)
    assert (mine.turnover, mine.result, mine.treasury) == (
        board.year_to_date.turnover,
        board.year_to_date.result,
        board.treasury_now,
    )
    assert mine.last_payment == datetime.date(2026, 4, 6)
    assert not mine.alert_treasury and not mine.alert_drift
    other = rows["ACT00002"]
    assert (other.turnover, other.result, other.treasury) == (D("0.00"), D("-50.00"), D("-50.00"))
    assert other.alert_treasury and other.last_payment is None
    assert [member.last_name for member in mine.members] == ["Faure"]


def test_overview_of_a_past_year_takes_the_treasury_on_31_december(hand_case, activity):
    (row,) = [row for row in treasury.overview(2025, today=TODAY) if row.pk == activity.pk]
    assert (row.turnover, row.treasury) == (D("0.00"), D("0.00"))
    assert treasury.overview_date(2025, TODAY) == datetime.date(2025, 12, 31)


def test_overview_filters(hand_case, activity, other_activity):
    post_expense(other_activity, datetime.date(2026, 2, 1), ht="50.00", vat="10.00")
    codes = lambda **kw: [a.code for a in treasury.overview(2026, today=TODAY, **kw)]  # noqa: E731
    assert codes(search="menuis") == ["ACT00002"]
    assert codes(search="faure") == ["ACT00001"]
    assert codes(treasury_below=D("-100")) == ["ACT00001"]
    assert codes(treasury_below=D("0")) == ["ACT00001", "ACT00002"]
    assert codes(alert_only=True) == []


def test_overview_summary_rows_are_summed_not_multiplied_by_members(hand_case, activity, other_entrepreneur):
    from entrepreneurs.models import ActivityMembership

    ActivityMembership.objects.create(activity=activity, entrepreneur=other_entrepreneur.entrepreneur)
    (row,) = [row for row in treasury.overview(2026, today=TODAY, search="a") if row.pk == activity.pk]
    assert row.turnover == D("1000.00") and row.treasury == D("-870.00")


def _overview_queries(count_activities: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        rows = treasury.overview_details(treasury.overview(2026, today=TODAY))
    assert len(rows) == count_activities
    return len(captured)


def _activities_with_summaries(count: int, entrepreneur, start: int = 0):
    from entrepreneurs.models import Activity, ActivityMembership

    activities = [
        Activity.objects.create(code=f"BULK{index:04d}", name=f"Activité {index}")
        for index in range(start, start + count)
    ]
    for activity in activities:
        ActivityMembership.objects.create(activity=activity, entrepreneur=entrepreneur.entrepreneur)
        _bulk_entries(activity, 24)
    return activities


def test_overview_query_count_is_the_same_for_1_and_30_activities(coop, entrepreneur):
    _activities_with_summaries(1, entrepreneur)
    one = _overview_queries(1)
    _activities_with_summaries(29, entrepreneur, start=1)
    thirty = _overview_queries(30)
    assert one == thirty == 6  # activities, monthly and yearly summaries, alerts; members, last payments
    assert SectionMonth.objects.count() >= 30 * 20
