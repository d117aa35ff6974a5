"""Reads of the ledger for the accountant's pages: the entries, the journals of a year, the general ledger of
an account with its running balance, the trial balance and the chart with its use.

Every function runs a fixed number of queries whatever the number of lines (aggregates in the database,
no per-row lookups), so the pages stay flat at millions of lines.

The financial year is the calendar year and opening balances come in through the AN journal: the balance of
an account at the start of a period is therefore the sum of its lines from the 1st of January of that year
to the day before the period (see ``opening_balance``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from comptabilite.models import Account, AnalyticSection, Entry, EntryCounter, EntryLine, Journal
from coodyssee.money import ZERO

_AMOUNT = DecimalField(max_digits=16, decimal_places=2)
# "VT2026-000012": the number the FEC and the pages show (``Entry.fec_number``).
FEC_NUMBER = re.compile(r"^([A-Z0-9]{1,4})(\d{4})-(\d{1,9})$")


def _total(queryset, expression) -> Decimal:
    value = queryset.aggregate(total=Coalesce(Sum(expression, output_field=_AMOUNT), Value(ZERO)))["total"]
    return value if isinstance(value, Decimal) else Decimal(value)


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


# --- entries ----------------------------------------------------------------------------------------------


def entries(
    *,
    journal: str | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    account: str | None = None,
    section: int | None = None,
    text: str = "",
) -> QuerySet[Entry]:
    """Entries matching the filters, the most recent first, each with its total (Σ debit of its lines).

    An account or a section selects the entries with at least one line on it (a semi-join on the lines'
    indexes); ``text`` matches the label, the piece reference or an entry number ("VT2026-000012").
    """
    queryset = Entry.objects.select_related("journal")
    lines = EntryLine.objects.all()
    if journal:
        queryset = queryset.filter(journal_id=journal)
    if start:
        queryset = queryset.filter(date__gte=start)
        lines = lines.filter(date__gte=start)
    if end:
        queryset = queryset.filter(date__lte=end)
        lines = lines.filter(date__lte=end)
    if account:
        queryset = queryset.filter(pk__in=lines.filter(account_id=account).values("entry_id"))
    if section:
        queryset = queryset.filter(pk__in=lines.filter(section_id=section).values("entry_id"))
    for word in text.split():
        condition = Q(label__icontains=word) | Q(piece_ref__icontains=word)
        if match := FEC_NUMBER.match(word.upper()):
            code, year, number = match.groups()
            condition |= Q(journal_id=code, year=int(year), number=int(number))
        queryset = queryset.filter(condition)
    total = (
        EntryLine.objects.filter(entry=OuterRef("pk"))
        .order_by()
        .values("entry")
        .annotate(total=Sum("debit"))
        .values("total")
    )
    return queryset.annotate(total=Subquery(total, output_field=_AMOUNT)).order_by(
        "-date", "-journal_id", "-number"
    )


def entry_detail(pk: int) -> Entry:
    """An entry with what its page shows: journal, lines with account and section, source, reversals."""
    return (
        Entry.objects.select_related(
            "journal", "posted_by", "invoice", "payment", "expense", "entrepreneur", "reversal_of"
        )
        .annotate(reversed_by_pk=Subquery(Entry.objects.filter(reversal_of=OuterRef("pk")).values("pk")[:1]))
        .get(pk=pk)
    )


def entry_lines(entry: Entry) -> list[EntryLine]:
    return list(entry.lines.select_related("account", "section").order_by("position"))


@dataclass
class JournalYear:
    journal: Journal
    entries: int
    debit: Decimal
    credit: Decimal


def journals_of_year(year: int) -> list[JournalYear]:
    """Each journal with its number of entries (its counter: numbers are continuous) and its totals."""
    counters = dict(EntryCounter.objects.filter(year=year).values_list("journal_id", "last"))
    start, end = year_bounds(year)
    totals = {
        row["journal_id"]: row
        for row in EntryLine.objects.filter(date__gte=start, date__lte=end)
        .order_by()
        .values("journal_id")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
    }
    return [
        JournalYear(
            journal=journal,
            entries=counters.get(journal.code, 0),
            debit=(totals.get(journal.code) or {}).get("debit") or ZERO,
            credit=(totals.get(journal.code) or {}).get("credit") or ZERO,
        )
        for journal in Journal.objects.order_by("code")
    ]


# --- general ledger of an account ------------------------------------------------------------------------


@dataclass
class LedgerRow:
    date: datetime.date
    entry_id: int
    fec_number: str
    journal: str
    label: str
    piece_ref: str
    section: str
    aux_code: str
    debit: Decimal
    credit: Decimal
    balance: Decimal = ZERO


@dataclass
class AccountLedger:
    account: Account
    start: datetime.date
    end: datetime.date
    opening: Decimal
    debit: Decimal
    credit: Decimal
    count: int
    per_page: int = 100
    number: int = 1
    rows: list[LedgerRow] = field(default_factory=list)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debit - self.credit

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def carried(self) -> Decimal:
        """The balance before the page's first line."""
        if not self.rows:
            return self.opening
        first = self.rows[0]
        return first.balance - first.debit + first.credit


def _account_lines(code: str, section: int | None) -> QuerySet[EntryLine]:
    lines = EntryLine.objects.filter(account_id=code)
    return lines.filter(section_id=section) if section else lines


def opening_balance(code: str, start: datetime.date, section: int | None = None) -> Decimal:
    """Debit − credit of the account's lines from the 1st of January of ``start``'s year to the day before."""
    lines = _account_lines(code, section).filter(date__gte=datetime.date(start.year, 1, 1), date__lt=start)
    return _total(lines, F("debit") - F("credit"))


def account_ledger(
    account: Account,
    *,
    start: datetime.date,
    end: datetime.date,
    section: int | None = None,
    page: int = 1,
    per_page: int = 100,
) -> AccountLedger:
    """The lines of ``account`` in the period, page ``page`` of ``per_page`` lines, with the running balance.

    The balance carried into the page is the opening balance plus the lines of the period that come before
    the page's first line in the (date, entry, position) order: one aggregate, not a sum of earlier pages.
    """
    lines = _account_lines(account.code, section).filter(date__gte=start, date__lte=end)
    totals = lines.aggregate(
        debit=Coalesce(Sum("debit"), Value(ZERO), output_field=_AMOUNT),
        credit=Coalesce(Sum("credit"), Value(ZERO), output_field=_AMOUNT),
        count=Count("pk"),
    )
    ledger = AccountLedger(
        account=account,
        start=start,
        end=end,
        opening=opening_balance(account.code, start, section),
        debit=totals["debit"],
        credit=totals["credit"],
        count=totals["count"],
        per_page=per_page,
    )
    ledger.number = min(max(page, 1), ledger.num_pages)
    offset = (ledger.number - 1) * per_page
    rows = list(
        lines.order_by("date", "entry_id", "position").values_list(
            "date",
            "entry_id",
            "journal_id",
            "entry__year",
            "entry__number",
            "label",
            "entry__piece_ref",
            "section__code",
            "aux_code",
            "debit",
            "credit",
            "position",
        )[offset : offset + per_page]
    )
    balance = ledger.opening
    if rows and offset:
        day, entry_id, position = rows[0][0], rows[0][1], rows[0][-1]
        before = lines.filter(
            Q(date__lt=day)
            | Q(date=day, entry_id__lt=entry_id)
            | Q(date=day, entry_id=entry_id, position__lt=position)
        )
        balance += _total(before, F("debit") - F("credit"))
    for day, entry_id, journal, year, number, label, piece, section_code, aux, debit, credit, _pos in rows:
        balance += debit - credit
        ledger.rows.append(
            LedgerRow(
                date=day,
                entry_id=entry_id,
                fec_number=f"{journal}{year}-{number:06d}",
                journal=journal,
                label=label,
                piece_ref=piece,
                section=section_code,
                aux_code=aux,
                debit=debit,
                credit=credit,
                balance=balance,
            )
        )
    return ledger


# --- trial balance ----------------------------------------------------------------------------------------


@dataclass
class BalanceRow:
    code: str
    label: str
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        return self.debit - self.credit

    @property
    def debit_balance(self) -> Decimal:
        return self.balance if self.balance > 0 else ZERO

    @property
    def credit_balance(self) -> Decimal:
        return -self.balance if self.balance < 0 else ZERO


@dataclass
class BalanceClass:
    number: str
    rows: list[BalanceRow] = field(default_factory=list)

    @property
    def total(self) -> BalanceRow:
        return BalanceRow(
            code=self.number,
            label="",
            debit=sum((row.debit for row in self.rows), ZERO),
            credit=sum((row.credit for row in self.rows), ZERO),
        )


@dataclass
class TrialBalance:
    start: datetime.date
    end: datetime.date
    classes: list[BalanceClass]

    @property
    def rows(self) -> list[BalanceRow]:
        return [row for group in self.classes for row in group.rows]

    @property
    def total(self) -> BalanceRow:
        rows = self.rows
        return BalanceRow(
            code="",
            label="",
            debit=sum((row.debit for row in rows), ZERO),
            credit=sum((row.credit for row in rows), ZERO),
        )

    @property
    def debit_balances(self) -> Decimal:
        return sum((row.debit_balance for row in self.rows), ZERO)

    @property
    def credit_balances(self) -> Decimal:
        return sum((row.credit_balance for row in self.rows), ZERO)


def trial_balance(start: datetime.date, end: datetime.date, section: int | None = None) -> TrialBalance:
    """Per account: Σ debit, Σ credit and the balance of the lines dated in the period (one grouped query),
    by class of the chart (first digit)."""
    lines = EntryLine.objects.filter(date__gte=start, date__lte=end)
    if section:
        lines = lines.filter(section_id=section)
    rows = (
        lines.order_by()
        .values("account_id", "account__label")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by("account_id")
    )
    classes: dict[str, BalanceClass] = {}
    for row in rows:
        number = row["account_id"][:1]
        classes.setdefault(number, BalanceClass(number)).rows.append(
            BalanceRow(row["account_id"], row["account__label"], row["debit"] or ZERO, row["credit"] or ZERO)
        )
    return TrialBalance(start=start, end=end, classes=[classes[key] for key in sorted(classes)])


# --- chart ------------------------------------------------------------------------------------------------


def chart_of_accounts() -> QuerySet[Account]:
    """Every account with ``used``: whether a line was ever posted on it (an index probe per account)."""
    return Account.objects.annotate(used=Exists(EntryLine.objects.filter(account=OuterRef("pk")))).order_by(
        "code"
    )


def sections() -> QuerySet[AnalyticSection]:
    return AnalyticSection.objects.order_by("code")
