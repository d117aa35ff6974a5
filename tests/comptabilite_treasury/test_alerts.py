"""Treasury alerts: raised after the posting that crosses the threshold or on a drift from the forecast,
e-mailed once to the entrepreneur and their referent, cleared when the condition is gone; checked after
commit only, once per transaction, never per entry of the bulk loader."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from comptabilite import alerts
from comptabilite.ledger.bulk import BulkLedger
from comptabilite.ledger.posting import EntrySpec, Line, sections_for
from comptabilite.models import AlertKind, Forecast, TreasuryAlert
from comptabilite.services.forecasts import forecast_save
from comptabilite.tasks import treasury_alerts_check_daily
from coodyssee.models import Cooperative
from tests.comptabilite_treasury.conftest import TODAY, issue_on, pay_on, post_expense
from tests.conftest import client_for

D = Decimal


@pytest.fixture
def followed(entrepreneur, officer):
    record = entrepreneur.entrepreneur
    record.referent = officer
    record.save()
    return record


def _open(activity, kind=AlertKind.TREASURY):
    return TreasuryAlert.objects.filter(activity=activity, kind=kind, cleared_at__isnull=True)


def test_falling_under_the_threshold_raises_one_alert_emailed_once(
    coop, activity, followed, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_expense(activity, datetime.date(2026, 6, 1))
    alert = _open(activity).get()
    assert alert.value == D("-100.00") and "sous le seuil" in alert.message
    assert alert.emailed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lucie@test.fr"] and message.cc == [officer.email]
    assert "ACT00001" in message.subject and alert.message in message.body

    # Still under the threshold: no second alert, no second e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        post_expense(activity, datetime.date(2026, 6, 2))
    assert TreasuryAlert.objects.count() == 1 and len(mail.outbox) == 1
    assert alerts.deliver_alert_email(alert.pk) is False  # a re-run of the task sends nothing


def test_the_alert_clears_when_treasury_comes_back_and_a_new_fall_raises_again(
    coop,
    time_machine,
    entrepreneur,
    accountant,
    activity,
    customer,
    followed,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice = issue_on(
            time_machine, datetime.date(2026, 6, 1), entrepreneur, accountant, activity, customer
        )
    assert _open(activity).exists()  # the contribution (−120) is owed before anything is received
    with django_capture_on_commit_callbacks(execute=True):
        pay_on(time_machine, TODAY, accountant, invoice, "1200.00")
    assert not _open(activity).exists()
    assert TreasuryAlert.objects.get().cleared_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        post_expense(activity, TODAY, ht="1500.00", vat="300.00")
    assert _open(activity).count() == 1 and TreasuryAlert.objects.count() == 2
    assert len(mail.outbox) == 2


def test_the_threshold_is_the_cooperatives(coop, activity, django_capture_on_commit_callbacks):
    Cooperative.objects.update(treasury_alert_threshold=D("-500.00"))
    with django_capture_on_commit_callbacks(execute=True):
        post_expense(activity, TODAY)
    assert not TreasuryAlert.objects.exists()


def test_drift_from_the_forecast_raises_and_clears(
    hand_case, activity, entrepreneur, followed, django_capture_on_commit_callbacks
):
    # 1,000 made from January to May; 5 × 400 = 2,000 expected: −50 %, beyond the 30 % tolerated.
    for month in range(1, 13):
        Forecast.objects.create(activity=activity, year=2026, month=month, turnover=D("400.00"))
    alerts.check_activities([activity.pk])
    drift = _open(activity, AlertKind.DRIFT).get()
    assert drift.value == D("-50.0") and "-50,0 %" in drift.message
    # A forecast closer to what happened (5 × 220 = 1,100: −9.1 %) clears it, after commit.
    months = {month: {"turnover": D("220.00")} for month in range(1, 13)}
    with django_capture_on_commit_callbacks(execute=True):
        forecast_save(by=entrepreneur, activity=activity, year=2026, months=months)
    assert not _open(activity, AlertKind.DRIFT).exists()


def test_no_drift_alert_without_a_forecast_of_past_months(hand_case, activity):
    Forecast.objects.create(activity=activity, year=2026, month=10, turnover=D("90000.00"))
    alerts.check_activities([activity.pk])
    assert not _open(activity, AlertKind.DRIFT).exists()


def test_a_rolled_back_posting_checks_nothing(coop, activity, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                post_expense(activity, TODAY)
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert callbacks == [] and not TreasuryAlert.objects.exists()


def test_one_check_per_transaction_however_many_entries(coop, activity, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for day in range(1, 6):
            post_expense(activity, datetime.date(2026, 6, day))
    # the first callback checked every section; the others found nothing left to check
    assert _open(activity).get().value == D("-500.00")


def test_suspended_and_the_bulk_loader_do_not_check(coop, activity, django_capture_on_commit_callbacks):
    section, _structure = sections_for(activity.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with alerts.suspended():
            post_expense(activity, TODAY)
        ledger = BulkLedger(validate=False)
        for day in range(1, 20):
            ledger.add(
                EntrySpec(
                    journal="OD",
                    date=datetime.date(2026, 5, day),
                    label="x",
                    lines=[Line("606", section, debit=D("1")), Line("512", section, credit=D("1"))],
                )
            )
        ledger.flush()
    assert callbacks == [] and not TreasuryAlert.objects.exists()
    # a loader checks once at the end
    assert len(alerts.check_activities().raised) == 1


def test_the_daily_task_is_idempotent(hand_case, activity, other_activity):
    post_expense(other_activity, TODAY)
    assert treasury_alerts_check_daily() == 2  # both activities under 0
    assert treasury_alerts_check_daily() == 0
    assert TreasuryAlert.objects.filter(cleared_at__isnull=True).count() == 2


def test_a_check_costs_the_same_queries_for_1_and_30_activities(coop, entrepreneur):
    from entrepreneurs.models import Activity

    def captured_sql(count):
        ids = list(Activity.objects.order_by("pk").values_list("pk", flat=True)[:count])
        with CaptureQueriesContext(connection) as captured:
            alerts.check_activities(ids)
        return [query["sql"] for query in captured]

    def check_queries(count):
        return len(captured_sql(count))

    def _selects(count):
        return [sql for sql in captured_sql(count) if sql.startswith("SELECT")]

    for index in range(30):
        activity = Activity.objects.create(code=f"Q{index:03d}", name="x")
        post_expense(activity, TODAY)
    alerts.check_activities()  # raise them all first: then the checks below change nothing
    # figures with their forecasts, cooperative, open alerts; nothing to write, so no transaction
    one, thirty = check_queries(1), check_queries(30)
    assert one == thirty == 3
    assert len(_selects(1)) == len(_selects(30)) == 3


def test_staff_home_and_portal_show_the_alert(
    coop, activity, entrepreneur, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_expense(activity, TODAY)
    home = client_for(manager).get("/gestion/").content.decode()
    assert 'data-testid="home-treasury-alerts"' in home and "ACT00001" in home
    portal = client_for(entrepreneur).get("/portail/").content.decode()
    assert 'data-testid="treasury-alert-banner"' in portal
    page = client_for(entrepreneur).get("/portail/tresorerie/").content.decode()
    assert 'data-testid="treasury-alert-banner"' in page and "sous le seuil" in page


def test_a_rolled_back_savepoint_leaves_nothing_to_check_and_loses_no_check(
    coop, activity, other_activity, django_capture_on_commit_callbacks
):
    with alerts.suspended():
        post_expense(other_activity, TODAY)  # under the threshold, not checked yet
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                post_expense(other_activity, TODAY)
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
        post_expense(activity, TODAY)
    assert _open(activity).exists()
    assert not _open(other_activity).exists()  # its posting was rolled back: its section was not checked
