"""The demo's ledger: the 2017 report's figures come out of the lines, every entry balances, the summaries
agree with the lines, and the demo persona's dashboard has something to show."""

from __future__ import annotations

import datetime
import io
import time
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from comptabilite.ledger import summaries
from comptabilite.models import (
    AnalyticSection,
    Entry,
    EntryLine,
    Expense,
    ExpenseStatus,
    Invoice,
    InvoiceStatus,
    Payment,
    SectionMonth,
)
from comptabilite.stats import mutualisation
from coodyssee.demo import load_demo
from coodyssee.money import ZERO
from entrepreneurs.models import PRESENT_STATUSES, Entrepreneur

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)
LUCIE = "entrepreneur@demo.coodyssee.fr"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module, removed afterwards; yields how long ``load_demo`` took."""
    import time_machine
    from django.db import transaction

    with (
        django_db_blocker.unblock(),
        time_machine.travel(
            datetime.datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False
        ),
        transaction.atomic(),
    ):
        started = time.perf_counter()
        load_demo()
        yield time.perf_counter() - started
        transaction.set_rollback(True)


def _lines(**filters):
    """The year's movements: its opening entries (à-nouveaux) carry earlier years' balances."""
    lines = EntryLine.objects.filter(**filters).exclude(journal_id="AN")
    return lines.order_by().values_list("account_id", "debit", "credit")


def test_the_2017_mutualisation_comes_out_of_the_ledger(demo):
    assert mutualisation(2017) == {
        "total": "103333.00",
        "contributors": 103,
        "contributors_2000_to_4000": 13,
        "contributors_under_300": 26,
    }
    charge = sum((debit - credit for _a, debit, credit in _lines(account_id="6586", date__year=2017)), ZERO)
    income = sum((credit - debit for _a, debit, credit in _lines(account_id="7586", date__year=2017)), ZERO)
    assert charge == income == Decimal("103333.00")


def test_the_2017_net_vat_of_the_activities_is_the_report_s(demo):
    net = ZERO
    for account, debit, credit in _lines(date__year=2017, section__activity__isnull=False):
        if account.startswith("4457") or account.startswith("4456"):
            net += credit - debit
    assert net == Decimal("114329.00")


def test_the_activities_2017_social_contributions_are_the_report_s(demo):
    lines = _lines(account_id="431", date__year=2017, section__activity__isnull=False)
    assert sum((credit for _account, _debit, credit in lines), ZERO) == Decimal("180133.00")


def test_2017_has_about_25000_lines(demo):
    count = EntryLine.objects.filter(date__year=2017).count()
    assert 22_000 <= count <= 28_000


def test_every_entry_balances(demo):
    debit, credit = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    for entry, line_debit, line_credit in EntryLine.objects.order_by().values_list(
        "entry_id", "debit", "credit"
    ):
        debit[entry] += line_debit
        credit[entry] += line_credit
    assert debit == credit
    assert sum(debit.values(), ZERO) == sum(credit.values(), ZERO) > 0
    assert set(debit) == set(Entry.objects.values_list("pk", flat=True))


def test_the_summaries_agree_with_the_lines(demo):
    assert summaries.rebuild(apply=False) == []
    out = io.StringIO()
    call_command("rebuild_ledger_summaries", "--check", stdout=out)
    assert "conformes" in out.getvalue()


def test_every_issued_document_and_payment_is_posted_once(demo):
    issued = set(Invoice.objects.filter(status=InvoiceStatus.ISSUED).values_list("pk", flat=True))
    sales = list(
        Entry.objects.filter(source__in=("invoice", "credit_note")).values_list("invoice_id", flat=True)
    )
    assert sorted(sales) == sorted(issued)
    payments = set(Payment.objects.active().values_list("pk", flat=True))
    bank = list(Entry.objects.filter(source="payment").values_list("payment_id", flat=True))
    assert sorted(bank) == sorted(payments)
    posted = Expense.objects.filter(status__in=(ExpenseStatus.VALIDATED, ExpenseStatus.PAID))
    assert Entry.objects.filter(source="expense").count() == posted.count()
    assert Entry.objects.filter(source="expense_payment").count() == posted.filter(status="paid").count()
    assert not Entry.objects.filter(date__gt=TODAY).exists()


def _treasury(section_id) -> Decimal:
    from comptabilite.treasury import alert_figures

    (figures,) = alert_figures(today=TODAY, section_ids=[section_id]).values()
    return figures.treasury


def test_past_years_are_closed_and_each_year_opens_from_the_previous(demo):
    from coodyssee.models import Cooperative

    assert Cooperative.objects.get().ledger_closed_until == datetime.date(2025, 12, 31)
    first = Entry.objects.order_by("date").values_list("date__year", flat=True).first()
    opened = sorted(Entry.objects.filter(journal_id="AN").values_list("year", flat=True))
    assert opened == list(range(first + 1, TODAY.year + 1))
    # the à-nouveaux change no treasury: the 2017 activity overview sums the same as its lines
    from comptabilite import treasury

    rows = treasury.overview(2017, today=TODAY)
    assert sum((row.turnover for row in rows), ZERO) == Decimal("979000.00")


def test_the_demo_entrepreneur_s_dashboard_is_alive(demo):
    lucie = Entrepreneur.objects.get(user__email=LUCIE)
    section = AnalyticSection.objects.get(activity__members=lucie).pk
    year = SectionMonth.objects.filter(section_id=section, year=TODAY.year)
    assert sum((m.turnover for m in year), ZERO) > 5_000
    assert sum((m.expenses for m in year), ZERO) > 0
    assert sum(1 for m in year if m.salary_cost > 0) >= 10
    assert _treasury(section) > 0
    assert Invoice.objects.filter(entrepreneur=lucie, status=InvoiceStatus.ISSUED, amount_paid=0).exists()
    states = set(Expense.objects.filter(entrepreneur=lucie).values_list("status", flat=True))
    assert states >= {ExpenseStatus.DRAFT, ExpenseStatus.SUBMITTED, ExpenseStatus.PAID}
    assert Expense.objects.filter(entrepreneur=lucie, status=ExpenseStatus.DRAFT).exclude(return_comment="")


def test_the_staff_have_expenses_to_validate(demo):
    queue = Expense.objects.filter(status=ExpenseStatus.SUBMITTED)
    assert len(set(queue.values_list("entrepreneur_id", flat=True))) >= 4


def test_most_treasuries_are_positive_and_a_few_raise_alerts(demo):
    people = Entrepreneur.objects.filter(status__in=PRESENT_STATUSES, ref__startswith="COO-")
    sections = AnalyticSection.objects.filter(activity__members__in=people, activity__kind="individual")
    treasuries = [_treasury(pk) for pk in sections.values_list("pk", flat=True)]
    below = sum(1 for value in treasuries if value < 0)
    assert len(treasuries) > 100
    assert 3 <= below <= len(treasuries) // 4


def test_a_second_load_adds_nothing(demo):
    before = (Entry.objects.count(), EntryLine.objects.count(), Expense.objects.count())
    load_demo()
    assert (Entry.objects.count(), EntryLine.objects.count(), Expense.objects.count()) == before


def test_load_demo_time_is_reported(demo, capsys):
    lines = EntryLine.objects.count()
    with capsys.disabled():
        print(f"\nload_demo: {demo:.1f} s for {lines} ledger lines")


def test_every_demo_expense_has_the_history_its_state_tells(demo):
    from comptabilite.models import ExpenseEvent

    kinds = defaultdict(list)
    for expense_id, kind in ExpenseEvent.objects.order_by("at", "pk").values_list("expense_id", "kind"):
        kinds[expense_id].append(kind)
    for expense in Expense.objects.all():
        expected = ["created"]
        expected += ["submitted"] if expense.submitted_at else []
        expected += ["returned"] if expense.return_comment else []
        expected += ["validated"] if expense.validated_at else []
        expected += ["paid"] if expense.paid_on else []
        assert kinds[expense.pk] == expected, expense.pk
    paid = ExpenseEvent.objects.filter(kind="paid").order_by("pk").first()
    entry = Entry.objects.get(expense_id=paid.expense_id, source="expense_payment")
    assert paid.data["entry"] == entry.fec_number and paid.actor is not None
