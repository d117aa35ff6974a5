"""Monthly statements: figures of a hand-computed month, the stored PDF, the monthly run (twice), the e-mail
(once), and the fixed monthly contribution."""

from __future__ import annotations

import datetime
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from comptabilite import statements
from comptabilite.contribution import entry_key, fixed_contributions_due, post_fixed_contributions
from comptabilite.models import ContributionRule, Entry, EntryLine, MonthlyStatement
from comptabilite.tasks import generate_monthly_statements
from coodyssee.errors import DomainError
from coodyssee.models import Cooperative
from coodyssee.pdf import pdf_to_png_pages, pdf_to_text, sha256_hex
from tests.comptabilite_statements.conftest import march_case, present

pytestmark = pytest.mark.django_db
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None, reason="poppler-utils absent"
)
D = Decimal
NBSP = "\u00a0"


def sent() -> list:
    """The statements' e-mails (other e-mails, such as a treasury alert, may leave too)."""
    return [message for message in mail.outbox if "relevé mensuel" in message.subject]


def test_figures_of_a_hand_computed_month(coop, activity):
    march_case(activity)
    figures = statements.statement_figures(activity.pk, 2026, 3)
    # February: cash 1,000 − VAT 200 − contribution 120.
    assert figures.opening_treasury == D("680.00")
    assert (figures.turnover, figures.other_income, figures.expenses) == (
        D("2000.00"),
        D("0.00"),
        D("100.00"),
    )
    assert (figures.contribution, figures.salary_cost) == (D("240.00"), D("1420.00"))
    assert figures.result == D("240.00")  # 2,000 − 100 − 240 − 1,420
    # cash 2,400 − 780, − VAT 400, + deductible 20, − payables (401: 120, 431: 640), − contribution 240
    assert figures.treasury_change == D("240.00")
    assert figures.closing_treasury == D("920.00")
    assert (figures.year_turnover, figures.year_contribution) == (D("3000.00"), D("360.00"))
    assert figures.year_result == D("1120.00")
    groups = {group.key: [line.account for line in group.lines] for group in figures.groups}
    assert groups == {
        "income": ["706"],
        "expenses": ["606"],
        "contribution": ["6586"],
        "salary": ["6411", "645"],
        "bank": ["512", "512"],
        "customers": ["411", "411"],
        "payables": ["401", "421", "431", "421"],
        "vat": ["44571", "44566"],
    }
    assert figures.line_count == 15  # nothing of April, nothing of the structure's 7586


@needs_poppler
def test_an_activity_without_any_entry_gets_an_empty_statement(coop, activity):
    figures = statements.statement_figures(activity.pk, 2026, 3)
    assert figures.closing_treasury == figures.result == D("0.00")
    assert figures.groups == []
    statement, created = statements.statement_generate(
        activity_id=activity.pk, year=2026, month=3, notify=False
    )
    assert created
    text = pdf_to_text(statements.statement_pdf_bytes(statement))
    assert "Aucune écriture sur votre activité ce mois-ci." in text


@needs_poppler
def test_statement_pdf_is_stored_once_with_its_hash(coop, activity, tmp_path):
    march_case(activity)
    statement, created = statements.statement_generate(
        activity_id=activity.pk, year=2026, month=3, notify=False
    )
    assert created
    data = statements.statement_pdf_bytes(statement)
    assert data.startswith(b"%PDF")
    assert statement.pdf_sha256 == sha256_hex(data)
    assert statement.pdf.name.startswith("statements/")
    assert statement.figures["result"] == "240.00" and statement.figures["closing_treasury"] == "920.00"
    text = pdf_to_text(data).replace(NBSP, " ")
    for expected in (
        "RELEVÉ MENSUEL",
        "Mars 2026",
        "ACT00001",
        "Graphisme",
        "Lucie Faure",
        "680,00",
        "920,00",
        "1 420,00",
        "L7332-3",
        "Coopérative de test",
    ):
        assert expected in text, expected
    # Looked at by a person when it changes: tests/comptabilite_statements/statement-*.png is not kept.
    pages = pdf_to_png_pages(data, tmp_path, prefix="statement", dpi=60)
    assert len(pages) == 2 and pages[0].stat().st_size > 10_000  # the summary, then the lines

    again, created = statements.statement_generate(activity_id=activity.pk, year=2026, month=3)
    assert not created and again.pk == statement.pk
    assert statements.statement_pdf_bytes(again) == data


def test_a_tampered_pdf_is_refused(coop, activity):
    statement, _created = statements.statement_generate(
        activity_id=activity.pk, year=2026, month=3, notify=False
    )
    Path(statement.pdf.path).write_bytes(b"%PDF-1.7 altered")
    with pytest.raises(statements.StoredStatementError):
        statements.statement_pdf_bytes(statement)


def test_a_month_not_over_has_no_statement(coop, activity):
    with pytest.raises(DomainError, match="n'est pas terminé"):
        statements.statement_generate(activity_id=activity.pk, year=2026, month=4)
    assert statements.previous_month() == (2026, 3)
    assert statements.previous_month(datetime.date(2026, 1, 1)) == (2025, 12)


def test_who_gets_a_statement(coop, activity, other_activity, other_entrepreneur):
    from entrepreneurs.models import Activity

    gone = Activity.objects.create(code="ACT00003", name="Partie")
    assert statements.activities_to_state(2026, 3) == sorted([activity.pk, other_activity.pk])
    present(other_entrepreneur, until=datetime.date(2026, 2, 27))  # left before March
    assert statements.activities_to_state(2026, 3) == [activity.pk]
    march_case(gone)  # no member, but movements in March
    assert statements.activities_to_state(2026, 3) == sorted([activity.pk, gone.pk])
    assert statements.activities_to_state(2024, 12) == []  # before anyone entered


def test_the_monthly_run_twice_creates_and_emails_once(
    coop, activity, other_activity, django_capture_on_commit_callbacks
):
    march_case(activity)
    with django_capture_on_commit_callbacks(execute=True):
        result = generate_monthly_statements.delay().get()
    assert result == {"year": 2026, "month": 3, "fixed_contributions": 0, "activities": 2}
    assert MonthlyStatement.objects.count() == 2
    assert len(sent()) == 2
    message = next(m for m in sent() if m.to == ["lucie@test.fr"])
    assert "Mars 2026" in message.subject and "Graphisme" in message.subject
    assert "240,00" in message.body.replace(NBSP, " ")
    (name, content, mimetype) = message.attachments[0]
    assert (
        name == "releve-ACT00001-2026-03.pdf"
        and content.startswith(b"%PDF")
        and mimetype == "application/pdf"
    )
    first = {s.pk: (s.pdf.name, s.pdf_sha256, s.emailed_at) for s in MonthlyStatement.objects.all()}

    with django_capture_on_commit_callbacks(execute=True):
        generate_monthly_statements.delay(2026, 3).get()
    assert {s.pk: (s.pdf.name, s.pdf_sha256, s.emailed_at) for s in MonthlyStatement.objects.all()} == first
    assert len(sent()) == 2


def test_an_email_that_failed_leaves_on_the_next_run(coop, activity, django_capture_on_commit_callbacks):
    with (
        mock.patch("comptabilite.statements.EmailMessage.send", side_effect=ConnectionError("SMTP down")),
        pytest.raises(ConnectionError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        generate_monthly_statements.delay(2026, 3).get()
    statement = MonthlyStatement.objects.get()
    assert statement.emailed_at is None and len(sent()) == 0
    with django_capture_on_commit_callbacks(execute=True):
        generate_monthly_statements.delay(2026, 3).get()
    statement.refresh_from_db()
    assert statement.emailed_at is not None and len(sent()) == 1
    assert statements.statement_email_send(statement.pk) is False  # a duplicated task sends nothing
    assert len(sent()) == 1


def test_command_takes_a_month_and_says_what_it_did(
    coop, activity, other_activity, django_capture_on_commit_callbacks
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("monthly_statements", "--month", "2026-02", stdout=out)
    assert "2 relevé(s) établi(s), 0 déjà établi(s)" in out.getvalue()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("monthly_statements", "--month", "2026-02", stdout=out)
    assert "0 relevé(s) établi(s), 2 déjà établi(s)" in out.getvalue()
    assert MonthlyStatement.objects.filter(year=2026, month=2).count() == 2
    assert len(sent()) == 2  # once each
    call_command("monthly_statements", stdout=StringIO())  # the month before today: March
    assert MonthlyStatement.objects.filter(year=2026, month=3).count() == 2
    with pytest.raises(CommandError, match="n'est pas terminé"):
        call_command("monthly_statements", "--month", "2026-04")
    with pytest.raises(CommandError, match="AAAA-MM"):
        call_command("monthly_statements", "--month", "mars")


def test_beat_runs_the_statements_on_the_first_of_the_month(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["comptabilite-monthly-statements"]
    assert schedule["task"] == "comptabilite.generate_monthly_statements"
    assert schedule["schedule"].day_of_month == {1}


# --- fixed monthly contribution --------------------------------------------------------------------------


def _rule(activity=None, *, fixed="30.00", rate="12.00", starts=datetime.date(2025, 1, 1), ends=None):
    return ContributionRule.objects.create(
        activity=activity, rate=D(rate), fixed_monthly=D(fixed), starts_on=starts, ends_on=ends
    )


def test_fixed_contribution_is_posted_once_per_activity_and_month(coop, activity, other_activity):
    _rule()
    entries = post_fixed_contributions(year=2026, month=3)
    assert len(entries) == 2
    entry = next(e for e in entries if e.key == entry_key(activity.pk, 2026, 3))
    assert entry.key == f"fixed-contribution:{activity.pk}:2026-03"
    assert (entry.journal_id, entry.date) == ("OD", datetime.date(2026, 3, 31))
    lines = list(entry.lines.select_related("section").order_by("position"))
    assert [(row.account_id, row.debit, row.credit) for row in lines] == [
        ("6586", D("30.00"), D("0.00")),
        ("7586", D("0.00"), D("30.00")),
    ]
    assert lines[0].section.activity_id == activity.pk and lines[1].section.activity_id is None
    assert post_fixed_contributions(year=2026, month=3) == []
    assert Entry.objects.filter(source="fixed_contribution").count() == 2
    figures = statements.statement_figures(activity.pk, 2026, 3)
    assert figures.contribution == D("30.00") and figures.closing_treasury == D("-30.00")


def test_the_activity_rule_wins_over_the_cooperative_default(coop, activity, other_activity):
    _rule(fixed="30.00")
    _rule(activity, fixed="50.00", starts=datetime.date(2026, 3, 1))
    _rule(other_activity, fixed="0.00", rate="8.00")  # its own rule has no fixed part: exempted
    due = {item.activity_id: item.amount for item in fixed_contributions_due(2026, 3)}
    assert due == {activity.pk: D("50.00")}
    assert {item.activity_id: item.amount for item in fixed_contributions_due(2026, 2)} == {
        activity.pk: D("30.00")
    }


def test_rule_dates_and_presence_decide(coop, activity, other_activity, other_entrepreneur):
    _rule(fixed="30.00", starts=datetime.date(2026, 2, 1), ends=datetime.date(2026, 2, 28))
    present(other_entrepreneur, since=datetime.date(2026, 2, 20))
    assert {item.activity_id for item in fixed_contributions_due(2026, 2)} == {activity.pk, other_activity.pk}
    assert fixed_contributions_due(2026, 3) == []  # the rule ended
    assert fixed_contributions_due(2026, 1) == []  # not begun
    present(other_entrepreneur, since=datetime.date(2025, 1, 6), until=datetime.date(2026, 1, 31))
    assert {item.activity_id for item in fixed_contributions_due(2026, 2)} == {activity.pk}


def test_a_closed_month_gets_no_fixed_contribution(coop, activity):
    _rule()
    Cooperative.objects.update(ledger_closed_until=datetime.date(2026, 3, 31))
    assert post_fixed_contributions(year=2026, month=3) == []
    assert not Entry.objects.filter(source="fixed_contribution").exists()


def test_the_monthly_run_posts_fixed_contributions_before_the_statements(
    coop, activity, django_capture_on_commit_callbacks
):
    _rule()
    with django_capture_on_commit_callbacks(execute=True):
        assert generate_monthly_statements.delay(2026, 3).get()["fixed_contributions"] == 1
        assert generate_monthly_statements.delay(2026, 3).get()["fixed_contributions"] == 0
    assert EntryLine.objects.filter(entry__source="fixed_contribution").count() == 2
    statement = MonthlyStatement.objects.get()
    assert statement.figures["contribution"] == "30.00"
    assert len(sent()) == 1


def test_two_runs_racing_on_the_same_month_keep_one_statement(coop, activity):
    from tests.comptabilite_statements.access import make_statement

    real = statements.statement_figures

    def other_worker_finishes_first(*args):
        make_statement(activity, 2026, 3)  # committed by the other run while this one computes
        return real(*args)

    with mock.patch("comptabilite.statements.statement_figures", side_effect=other_worker_finishes_first):
        statement, created = statements.statement_generate(activity_id=activity.pk, year=2026, month=3)
    assert not created
    assert MonthlyStatement.objects.filter(activity=activity, year=2026, month=3).count() == 1
    assert statement.pdf.name == MonthlyStatement.objects.get().pdf.name
