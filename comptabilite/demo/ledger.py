"""The demo's ledger, registered in ``coodyssee.demo.DEMO_STEPS`` after the invoices.

Consistent with the documents ``load_invoices`` wrote, and written with ``BulkLedger`` (one insert per
table, the monthly summaries updated once), numbered per journal and year in date order:

- every issued demo document (every year since 2009) with the live sales entry
  (``invoice_entry_spec``: contribution at the entrepreneur's own rate, else the cooperative's default —
  the rate of the annual report, so Σ 6586 of 2017 per entrepreneur gives the report's mutualisation
  figures), every payment with the live bank entry;
- the activities' expenses (``comptabilite.demo.expenses``), posted and paid with the live builders; the
  2017 purchases are sized so that the activities' net VAT of 2017 is the report's 114,329.00 €
  (Σ 4457 credit − debit − Σ 4456 debit − credit over the activities' sections; the structure's own
  purchases are not counted in it); in the current year a few expense reports are still drafts or wait
  in the staff's queue;
- salaries decided from each activity's treasury (``comptabilite.demo.payroll``), monthly in 2017 and the
  current year, yearly in the lighter history years; the 2017 contributions (431) of the activities'
  sections total the report's 180,133.00 € of social contributions (the structure's staff not counted).

About 25,000 lines for 2017 as the report counts, ~78,000 in all (~49,000 of them the documents').
The demo persona (Lucie Faure) buys little and is paid a fixed monthly salary, so that her dashboard
shows turnover, expenses, a salary each month, a positive treasury and unpaid invoices. Deterministic
(seeded, relative to today as the invoices are) and idempotent: a second run finds the demo expenses
and adds nothing.
"""

from __future__ import annotations

import datetime
import logging
import random
import time
from collections import Counter, defaultdict
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from comptabilite.demo import REF_PREFIX, _presences
from comptabilite.demo.expenses import Drawn, draw_year, pending, tune_vat
from comptabilite.demo.fastinsert import fast_insert
from comptabilite.demo.history import REPORT_YEAR, Presence
from comptabilite.demo.payroll import (
    Employee,
    decide,
    pay_days,
    salary_specs,
    set_charges,
    treasury_moves,
)
from comptabilite.ledger import chart
from comptabilite.ledger.automatic import (
    expense_entry_spec,
    expense_payment_spec,
)
from comptabilite.ledger.bulk import BulkLedger
from comptabilite.ledger.documents import activity_sections, document_specs
from comptabilite.ledger.posting import EntrySpec, structure_section_id
from comptabilite.models import (
    DocumentKind,
    Entry,
    EntryLine,
    Expense,
    ExpenseEvent,
    ExpenseEventKind,
    ExpenseStatus,
    Invoice,
    InvoiceStatus,
    Payment,
)
from coodyssee.models import User
from coodyssee.money import ZERO
from coodyssee.selectors import cooperative_current
from entrepreneurs.models import PRESENT_STATUSES, Activity

logger = logging.getLogger(__name__)

SEED = 4343
VAT_NET_2017 = Decimal("114329.00")
SOCIAL_CONTRIBUTIONS_2017 = Decimal("180133.00")
LUCIE_EMAIL = "entrepreneur@demo.coodyssee.fr"
LUCIE_SALARY = Decimal(350)  # employer cost a month: about 24 hours at the minimum wage
ACCOUNTANT_EMAIL = "comptabilite@demo.coodyssee.fr"
DAY = datetime.timedelta(days=1)
RETURN_COMMENT = "Le justificatif joint est illisible : merci de déposer une photo nette du ticket."
DOCUMENT_FIELDS = (
    "pk",
    "kind",
    "date",
    "number",
    "buyer_name",
    "customer_id",
    "activity_id",
    "entrepreneur_id",
    "credited_invoice_id",
    "operation_category",
    "vat_on_debits",
    "total_ht",
    "total_vat",
    "total_ttc",
    "entrepreneur__contribution_rate",
)
PAYMENT_FIELDS = ("pk", "invoice_id", "date", "amount", "reference")


def load_ledger() -> None:
    if Expense.objects.filter(entrepreneur__ref__startswith=REF_PREFIX).exists():
        return  # loaded already (the demo expenses are written by this step only)
    cooperative = cooperative_current()
    if cooperative is None:
        return
    started = time.perf_counter()
    today = timezone.localdate()
    rng = random.Random(SEED)
    accountant = User.objects.filter(email=ACCOUNTANT_EMAIL).first()
    chart.ensure_chart()
    structure = structure_section_id()
    sections = activity_sections(Activity.objects.values_list("pk", flat=True))

    specs, turnover, sales = _document_specs(cooperative, sections, structure)
    presences = _presences(today, cooperative)
    drawn = _draw_expenses(rng, presences, turnover, sales, today, accountant)
    tune_vat(drawn, year=REPORT_YEAR, target=_net_vat(specs, structure) - VAT_NET_2017)
    expenses = [item.expense for item in drawn]
    expenses += _pending_expenses(rng, presences, today)
    fast_insert(Expense, expenses)
    for item in drawn:
        specs.extend(_expense_specs(item.expense, sections[item.expense.activity_id]))
    specs.extend(_payroll_specs(rng, presences, specs, sections, today))

    for spec in specs:
        _check_balanced(spec)
    ledger = BulkLedger(validate=False, by=accountant)
    ledger.extend(specs)
    ledger.flush()
    fast_insert(ExpenseEvent, _expense_events(expenses, accountant))
    years = Counter()
    for spec in specs:
        years[spec.date.year] += len(spec.lines)
    logger.info(
        "Demo ledger: %d entries, %d lines (%d in %d, %d in %d), %d expenses, in %.1f s",
        ledger.entries_written,
        ledger.lines_written,
        years[REPORT_YEAR],
        REPORT_YEAR,
        years[today.year],
        today.year,
        len(expenses),
        time.perf_counter() - started,
    )


def _expense_events(expenses: list[Expense], accountant) -> list[ExpenseEvent]:
    """The history each demo expense would have from the services: created, submitted, returned with its
    comment, validated and paid (with their entries' numbers), at the dates the expense carries."""
    numbers = {
        (row["expense_id"], row["source"]): f"{row['journal_id']}{row['year']}-{row['number']:06d}"
        for row in Entry.objects.filter(expense_id__isnull=False).values(
            "expense_id", "source", "journal_id", "year", "number"
        )
    }
    people = {user.pk: user for user in User.objects.filter(pk__in={e.created_by_id for e in expenses})}
    staff = str(accountant) if accountant is not None else ""
    events = []

    def add(expense, kind, at, *, by=None, label="", comment="", **data):
        events.append(
            ExpenseEvent(
                expense_id=expense.pk,
                kind=kind,
                at=at,
                actor_id=getattr(by, "pk", None),
                actor_label=(str(by) if by is not None else label)[:200],
                comment=comment,
                data=data,
            )
        )

    for expense in expenses:
        author = people.get(expense.created_by_id)
        label = str(expense.entrepreneur)
        amount = f"{expense.amount_ttc:.2f}"
        add(expense, ExpenseEventKind.CREATED, expense.created_at, by=author, label=label)
        if expense.submitted_at is not None:
            add(
                expense,
                ExpenseEventKind.SUBMITTED,
                expense.submitted_at,
                by=author,
                label=label,
                amount=amount,
            )
            if expense.return_comment:
                returned = expense.submitted_at + datetime.timedelta(hours=15)
                add(expense, ExpenseEventKind.RETURNED, returned, by=accountant, label=staff,
                    comment=expense.return_comment)  # fmt: skip
        if expense.validated_at is not None:
            entry = numbers.get((expense.pk, "expense"), "")
            add(expense, ExpenseEventKind.VALIDATED, expense.validated_at, by=accountant, label=staff,
                amount=amount, entry=entry)  # fmt: skip
        if expense.paid_on is not None:
            paid_at = timezone.make_aware(datetime.datetime.combine(expense.paid_on, datetime.time(10)))
            entry = numbers.get((expense.pk, "expense_payment"), "")
            add(expense, ExpenseEventKind.PAID, paid_at, by=accountant, label=staff, amount=amount,
                date=expense.paid_on.isoformat(), method=expense.payment_method,
                reference=expense.payment_reference, entry=entry)  # fmt: skip
    return events


# --- documents ----------------------------------------------------------------------------------------


def _document_specs(cooperative, sections: dict[int, int], structure: int):
    """The sales and bank entries of the issued demo documents and of their payments (those not posted
    yet), and each activity's turnover and sale days per year."""
    # Plain rows, not model instances: the builders read attributes only, and ~6,000 audited instances
    # would cost more than the rest of the step.
    issued = Invoice.objects.filter(status=InvoiceStatus.ISSUED, entrepreneur__ref__startswith=REF_PREFIX)
    documents = [
        SimpleNamespace(**dict(zip(DOCUMENT_FIELDS, row, strict=True)))
        for row in issued.order_by("date", "pk").values_list(*DOCUMENT_FIELDS)
    ]
    posted = set(
        Entry.objects.filter(source__in=("invoice", "credit_note")).values_list("invoice_id", flat=True)
    )
    turnover: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    sales: dict[tuple[int, int], list[datetime.date]] = defaultdict(list)
    for document in documents:
        sign = -1 if document.kind == DocumentKind.CREDIT_NOTE else 1
        turnover[(document.activity_id, document.date.year)] += sign * document.total_ht
        sales[(document.activity_id, document.date.year)].append(document.date)
    payments = Payment.objects.active().filter(invoice__in=issued).order_by("date", "pk")
    specs = document_specs(
        documents,
        [
            SimpleNamespace(**dict(zip(PAYMENT_FIELDS, row, strict=True)))
            for row in payments.values_list(*PAYMENT_FIELDS)
        ],
        cooperative=cooperative,
        sections=sections,
        structure=structure,
        own_rate=lambda document: document.entrepreneur__contribution_rate,
        skip_documents=posted,
        skip_payments=set(Entry.objects.filter(source="payment").values_list("payment_id", flat=True)),
    )
    return specs, turnover, sales


def _vat_of(account: str, debit: Decimal, credit: Decimal) -> Decimal:
    """A line's part in the net VAT: collected (4457) credit − debit less deductible (4456) debit − credit."""
    if account.startswith("4457") or account.startswith("4456"):
        return credit - debit
    return ZERO


def _net_vat(specs: list[EntrySpec], structure: int) -> Decimal:
    """Net VAT of the activities' sections in the report year: ``specs`` and what the ledger holds."""
    total = ZERO
    for spec in specs:
        if spec.date.year == REPORT_YEAR:
            for line in spec.lines:
                if line.section != structure:
                    total += _vat_of(line.account, line.debit, line.credit)
    stored = EntryLine.objects.filter(
        date__year=REPORT_YEAR, account__code__startswith="445", section__activity__isnull=False
    ).values_list("account_id", "debit", "credit")
    return total + sum((_vat_of(*row) for row in stored), ZERO)


# --- expenses -----------------------------------------------------------------------------------------


def _draw_expenses(rng, presences: list[Presence], turnover, sales, today, accountant) -> list[Drawn]:
    """Posted expenses of every person present, year by year, in proportion to their activity's turnover."""
    drawn = []
    last_day = today - 7 * DAY  # the last week's expenses are still in the workflow (``_pending_expenses``)
    for presence in presences:
        # The demo persona's customers mostly supply the materials: she buys little, and her small
        # activity can pay her a salary every month and keep a treasury.
        scale = Decimal("0.4") if _is_lucie(presence) else Decimal(1)
        for year in range(presence.start.year, presence.end.year + 1):
            window = presence.within(datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), last_day))
            amount = turnover.get((presence.activity.pk, year), ZERO)
            if window is None or amount <= 0:
                continue
            drawn += draw_year(
                rng,
                person=presence.person,
                activity=presence.activity,
                first=window[0],
                last=window[1],
                turnover=amount,
                sales=sales.get((presence.activity.pk, year), []),
                most=_most_expenses(year, today),
                scale=scale,
                today=today,
                accountant_id=getattr(accountant, "pk", None),
            )
    return drawn


def _is_lucie(presence: Presence) -> bool:
    return bool(presence.person.user and presence.person.user.email == LUCIE_EMAIL)


def _most_expenses(year: int, today: datetime.date) -> int:
    """Expenses per activity and year: the report's volume in 2017, a lively current year, one larger
    purchase a year in the lighter history years (as for the invoices)."""
    if year == REPORT_YEAR:
        return 14
    return 8 if year == today.year else 1


def _pending_expenses(rng, presences: list[Presence], today) -> list[Expense]:
    """Expense reports of the last days: drafts (one returned with a comment) and a staff queue."""
    current = [p for p in presences if p.person.status in PRESENT_STATUSES and p.end >= today]
    lucie = next((p for p in current if _is_lucie(p)), None)
    others = [p for p in current if p is not lucie and p.start <= today - 200 * DAY]
    expenses = []
    if lucie is not None:
        for days, status, amount, comment in (
            (1, ExpenseStatus.DRAFT, 2_450, ""),
            (5, ExpenseStatus.DRAFT, 6_890, RETURN_COMMENT),
            (3, ExpenseStatus.SUBMITTED, 18_460, ""),
            (2, ExpenseStatus.SUBMITTED, 3_200, ""),
        ):
            expenses.append(
                pending(
                    rng,
                    person=lucie.person,
                    activity=lucie.activity,
                    day=today - days * DAY,
                    status=status,
                    amount_ttc=amount,
                    comment=comment,
                )
            )
    for n, presence in enumerate(rng.sample(others, min(len(others), 6))):
        expenses.append(
            pending(
                rng,
                person=presence.person,
                activity=presence.activity,
                day=today - (1 + n) * DAY,
                status=ExpenseStatus.SUBMITTED if n < 5 else ExpenseStatus.DRAFT,
                amount_ttc=rng.randint(1_500, 24_000),
            )
        )
    return expenses


def _expense_specs(expense: Expense, section: int) -> list[EntrySpec]:
    specs = [expense_entry_spec(expense, activity_section=section)]
    if expense.paid_on is not None:
        specs.append(expense_payment_spec(expense, activity_section=section, date=expense.paid_on))
    return specs


# --- payroll ------------------------------------------------------------------------------------------


def _stance(rng: random.Random) -> Decimal:
    """Months of income kept in reserve: most a few, some hover around zero, a few stay under it."""
    draw = rng.random()
    if draw < 0.06:
        months = -rng.uniform(0.5, 2.0)
    elif draw < 0.16:
        months = rng.uniform(-0.5, 0.5)
    else:
        months = rng.uniform(2.0, 5.0)
    return Decimal(f"{months:.2f}")


def _payroll_specs(rng, presences, specs, sections, today) -> list[EntrySpec]:
    moves = treasury_moves(specs)
    monthly_years = {REPORT_YEAR, today.year}
    salaries = []
    for presence in presences:
        person = presence.person
        stance, fixed = _stance(rng), ZERO
        if _is_lucie(presence):
            # The demo persona: a year of income put aside until this year, then the fixed part of
            # her CESA every month, so her dashboard shows a salary each month and a treasury.
            stance, fixed = Decimal(12), LUCIE_SALARY
        if person.cesa_date is None or person.cesa_date > presence.end:
            continue  # under CAPE: not an employee, no salary
        start = max(person.cesa_date, presence.start)
        section = sections[presence.activity.pk]
        employee = Employee(person, section, presence.start, start, presence.end, stance, fixed)
        days = pay_days(start, presence.end, monthly_years, left=presence.end < today)
        salaries += decide(employee, moves.get(section, {}), days)
    set_charges(salaries, year=REPORT_YEAR, total=SOCIAL_CONTRIBUTIONS_2017)
    return [spec for salary in salaries for spec in salary_specs(salary, today=today)]


def _check_balanced(spec: EntrySpec) -> None:
    debit = sum((line.debit for line in spec.lines), ZERO)
    credit = sum((line.credit for line in spec.lines), ZERO)
    if debit != credit or any((line.debit > 0) == (line.credit > 0) for line in spec.lines):
        raise ValueError(f"demo ledger: unbalanced or empty line in {spec.label}")


def load_alerts() -> None:
    """Raise the alerts the demo's treasuries call for, as the daily check would — without e-mailing them
    (they are marked sent before the demo's transaction commits)."""
    from django.utils import timezone

    from comptabilite.alerts import check_activities
    from comptabilite.models import TreasuryAlert

    raised = check_activities().raised
    TreasuryAlert.objects.filter(pk__in=[alert.pk for alert in raised]).update(emailed_at=timezone.now())


def load_openings() -> None:
    """Close the years the demo is done with, one after the other, posting each next year's opening entries
    (à-nouveaux), as the cooperative's accountant does after every annual closing: each year's FEC then
    starts from its à-nouveaux, and the treasuries are summed from the latest ones. The closing stays two
    months behind today, so that nothing the demo leaves to do (expenses to validate, payments) falls in a
    closed period. Idempotent."""
    from comptabilite.alerts import suspended
    from comptabilite.ledger.opening import open_year, openable_year
    from comptabilite.models import Entry

    cooperative = cooperative_current()
    first = Entry.objects.order_by("date").values_list("date", flat=True).first()
    if cooperative is None or first is None:
        return
    last = (timezone.localdate() - 60 * DAY).year - 1
    with suspended():
        for year in range(first.year, last + 1):
            closing = datetime.date(year, 12, 31)
            if cooperative.ledger_closed_until is None or cooperative.ledger_closed_until < closing:
                cooperative.ledger_closed_until = closing
                cooperative.save(update_fields=["ledger_closed_until"])
            if openable_year() == year + 1:
                open_year(year + 1)
