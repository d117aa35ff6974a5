"""Posting entries: the one way lines reach the ledger (apart from the bulk loader of ``ledger.bulk``).

``post_entry`` checks the entry (at least two lines, one side per line, amounts in cents, balanced, accounts
known and usable, date after the closing date), takes the next number of its journal and year, writes the
entry and its lines and adds the lines to the per-section monthly summaries — all in the caller's
transaction, so an entry exists exactly when what it records does.

Numbering: ``UPDATE … SET last = last + 1 … RETURNING last`` both increments and locks the counter row until
the transaction ends (a rollback gives the number back: no gap), in one statement.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from comptabilite.ledger import chart
from comptabilite.ledger.families import FAMILIES, family
from comptabilite.models import (
    Account,
    AnalyticSection,
    Entry,
    EntryCounter,
    EntryLine,
    SectionMonth,
    SectionYear,
)
from coodyssee.errors import DomainError
from coodyssee.models import Cooperative
from coodyssee.money import ZERO, round_cents


@dataclass
class Line:
    account: str
    section: int  # AnalyticSection id
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    label: str = ""
    aux_code: str = ""
    aux_label: str = ""


@dataclass
class EntrySpec:
    journal: str  # journal code (VT, HA, BQ, PA, OD, AN)
    date: datetime.date
    label: str
    lines: list[Line] = field(default_factory=list)
    piece_ref: str = ""
    piece_date: datetime.date | None = None
    source: str = ""
    invoice_id: int | None = None
    payment_id: int | None = None
    expense_id: int | None = None
    entrepreneur_id: int | None = None
    reversal_of_id: int | None = None
    key: str | None = None


JOURNAL_CODES = {kind: code for code, _label, kind in chart.DEFAULT_JOURNALS}


def journal_code(kind: str) -> str:
    return JOURNAL_CODES[kind]


# --- sections ---------------------------------------------------------------------------------------------


def structure_section_id() -> int:
    section = (
        AnalyticSection.objects.filter(code=chart.STRUCTURE_SECTION).values_list("pk", flat=True).first()
    )
    if section is None:
        section = AnalyticSection.objects.create(
            code=chart.STRUCTURE_SECTION, name=dict(chart.DEFAULT_SECTIONS)[chart.STRUCTURE_SECTION]
        ).pk
    return section


def sections_for(activity_id: int) -> tuple[int, int]:
    """``(activity section id, structure section id)`` in one query, creating what is missing."""
    found = dict(
        AnalyticSection.objects.filter(
            Q(activity_id=activity_id) | Q(code=chart.STRUCTURE_SECTION)
        ).values_list("code", "pk")
    )
    structure = found.pop(chart.STRUCTURE_SECTION, None) or structure_section_id()
    if found:
        return next(iter(found.values())), structure
    return section_for_activity(activity_id), structure


def section_for_activity(activity_id: int) -> int:
    from entrepreneurs.models import Activity

    existing = AnalyticSection.objects.filter(activity_id=activity_id).values_list("pk", flat=True).first()
    if existing is not None:
        return existing
    activity = Activity.objects.get(pk=activity_id)
    AnalyticSection.objects.bulk_create(
        [AnalyticSection(code=activity.code, name=activity.name, activity=activity)], ignore_conflicts=True
    )
    return AnalyticSection.objects.get(activity_id=activity_id).pk


# --- checks -----------------------------------------------------------------------------------------------


UNSET = object()  # "closing date not read yet" (None means "never closed")


def closed_until() -> datetime.date | None:
    return Cooperative.objects.order_by("pk").values_list("ledger_closed_until", flat=True).first()


def check_open(date: datetime.date, closed=UNSET) -> None:
    closed = closed_until() if closed is UNSET else closed
    if closed is not None and date <= closed:
        raise DomainError(
            _("La période est clôturée jusqu'au %(date)s : aucune écriture ne peut y être passée.")
            % {"date": closed.strftime("%d/%m/%Y")},
            field="date",
        )


def validate(spec: EntrySpec, *, accounts: bool = True) -> None:
    """Refuse an entry that is not a well-formed, balanced posting (``DomainError``). The automatic
    postings skip the accounts' check (``accounts=False``): their accounts are the chart's own, and the
    foreign key still refuses an unknown one."""
    if len(spec.lines) < 2:
        raise DomainError(_("Une écriture compte au moins deux lignes."))
    debit = credit = ZERO
    for line in spec.lines:
        line.debit, line.credit = round_cents(line.debit or ZERO), round_cents(line.credit or ZERO)
        if line.debit < 0 or line.credit < 0:
            raise DomainError(_("Les montants au débit et au crédit sont positifs."))
        if (line.debit > 0) == (line.credit > 0):
            raise DomainError(_("Chaque ligne porte un montant soit au débit, soit au crédit."))
        debit += line.debit
        credit += line.credit
    if debit != credit:
        raise DomainError(
            _("Écriture déséquilibrée : débit %(debit)s €, crédit %(credit)s €.")
            % {"debit": f"{debit:.2f}".replace(".", ","), "credit": f"{credit:.2f}".replace(".", ",")}
        )
    if not accounts:
        return
    codes = {line.account for line in spec.lines}
    usable = set(Account.objects.filter(code__in=codes, is_active=True).values_list("code", flat=True))
    if missing := sorted(codes - usable):
        raise DomainError(_("Compte inconnu ou désactivé : %(codes)s.") % {"codes": ", ".join(missing)})


# --- numbering --------------------------------------------------------------------------------------------


def next_entry_number(journal: str, year: int) -> int:
    """The next number of ``journal``/``year``; the counter row stays locked until the transaction ends."""
    table = EntryCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last = last + 1 WHERE journal_id = %s AND year = %s RETURNING last",  # noqa: S608
            [journal, year],
        )
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    highest = Entry.objects.filter(journal_id=journal, year=year).aggregate(top=Max("number"))["top"] or 0
    EntryCounter.objects.bulk_create(
        [EntryCounter(journal_id=journal, year=year, last=highest)], ignore_conflicts=True
    )
    return next_entry_number(journal, year)


# --- summaries --------------------------------------------------------------------------------------------


OPENING_JOURNAL = "AN"


def summary_month(journal: str, date: datetime.date) -> int:
    """The month a line counts in: its date's, or 0 for the opening entries (à-nouveaux) of a year, which
    carry forward everything before it (see ``comptabilite.treasury``)."""
    return 0 if journal == OPENING_JOURNAL else date.month


def summary_deltas(rows: Iterable[tuple[int, str, str, datetime.date, Decimal, Decimal]]) -> dict:
    """Per ``(section, year, month)``: ``{family: amount, "lines": n}`` of ``(section, account, journal,
    date, debit, credit)`` rows."""
    deltas: dict = defaultdict(lambda: defaultdict(lambda: ZERO))
    for section, account, journal, date, debit, credit in rows:
        name, sign = family(account)
        bucket = deltas[(section, date.year, summary_month(journal, date))]
        bucket[name] += (debit - credit) * sign
        bucket["lines"] += 1
    return deltas


_COLUMNS = (*FAMILIES, "lines")


def _upsert(cursor, table: str, keys: tuple[str, ...], rows: list[list]) -> None:
    """Add ``rows`` (keys then ``_COLUMNS``) to ``table``: one multi-row upsert per 500 rows (the keys of a
    statement are distinct: they come from a dict)."""
    columns = ", ".join((*keys, *_COLUMNS))
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in _COLUMNS)
    row_sql = f"({', '.join(['%s'] * (len(keys) + len(_COLUMNS)))})"
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(chunk))} "  # noqa: S608
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}",
            [value for row in chunk for value in row],
        )


def _values(values: dict) -> list:
    return [*(values.get(name, ZERO) for name in FAMILIES), int(values.get("lines", 0))]


def apply_summary_deltas(deltas: dict) -> None:
    """Add the deltas to ``SectionMonth`` (a row per section and month) and to ``SectionYear`` (a row per
    section and year), rows in key order so that concurrent postings lock them in the same order."""
    if not deltas:
        return
    years: dict = defaultdict(lambda: defaultdict(lambda: ZERO))
    for (section, year, _month), values in deltas.items():
        bucket = years[(section, year)]
        for name, amount in values.items():
            bucket[name] += amount
    with connection.cursor() as cursor:
        _upsert(
            cursor,
            SectionMonth._meta.db_table,
            ("section_id", "year", "month"),
            [[*key, *_values(values)] for key, values in sorted(deltas.items())],
        )
        _upsert(
            cursor,
            SectionYear._meta.db_table,
            ("section_id", "year"),
            [[*key, *_values(values)] for key, values in sorted(years.items())],
        )


# --- posting ----------------------------------------------------------------------------------------------


LINE_COLUMNS = (
    "entry_id",
    "position",
    "account_id",
    "section_id",
    "label",
    "debit",
    "credit",
    "aux_code",
    "aux_label",
    "date",
    "journal_id",
)
_LINES_PER_INSERT = 500  # 5,500 parameters: under SQLite's limit


def line_rows(entry_id: int, spec: EntrySpec) -> list[tuple]:
    """The rows of the entry's lines, in ``LINE_COLUMNS`` order, as the database takes them (posting here,
    the bulk loader in ``ledger.bulk``)."""
    ops = connection.ops
    day = ops.adapt_datefield_value(spec.date)
    return [
        (
            entry_id,
            position,
            line.account,
            line.section,
            (line.label or spec.label)[:200],
            ops.adapt_decimalfield_value(line.debit, 14, 2),
            ops.adapt_decimalfield_value(line.credit, 14, 2),
            line.aux_code[:20],
            line.aux_label[:200],
            day,
            spec.journal,
        )
        for position, line in enumerate(spec.lines, start=1)
    ]


def insert_lines(entry_id: int, spec: EntrySpec) -> None:
    """The entry's lines, one multi-row INSERT (per 500 lines): posting is on the issuing path, where
    building model instances for ``bulk_create`` cost more than the database writing them."""
    rows = line_rows(entry_id, spec)
    row_sql = f"({', '.join(['%s'] * len(LINE_COLUMNS))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _LINES_PER_INSERT):
            chunk = rows[start : start + _LINES_PER_INSERT]
            cursor.execute(
                f"INSERT INTO {EntryLine._meta.db_table} ({', '.join(LINE_COLUMNS)}) "  # noqa: S608
                f"VALUES {', '.join([row_sql] * len(chunk))}",
                [value for row in chunk for value in row],
            )


def post_entry(spec: EntrySpec, *, by=None, closed=UNSET, checked: bool = False) -> Entry:
    """Write ``spec`` as a posted entry, numbered, with its lines and summaries, in the current
    transaction."""
    if not checked:
        validate(spec)
    check_open(spec.date, closed)
    with transaction.atomic(savepoint=False):
        number = next_entry_number(spec.journal, spec.date.year)
        entry = Entry(
            journal_id=spec.journal,
            year=spec.date.year,
            number=number,
            date=spec.date,
            label=spec.label[:200],
            piece_ref=spec.piece_ref[:60],
            piece_date=spec.piece_date,
            posted_at=timezone.now(),
            posted_by=by if getattr(by, "pk", None) else None,
            source=spec.source,
            invoice_id=spec.invoice_id,
            payment_id=spec.payment_id,
            expense_id=spec.expense_id,
            entrepreneur_id=spec.entrepreneur_id,
            reversal_of_id=spec.reversal_of_id,
            key=spec.key,
        )
        entry.save(force_insert=True)
        insert_lines(entry.pk, spec)
        apply_summary_deltas(
            summary_deltas(
                (line.section, line.account, spec.journal, spec.date, line.debit, line.credit)
                for line in spec.lines
            )
        )
    # Treasury alerts of the activities touched, once the transaction commits (structure sections ignored).
    from comptabilite.alerts import schedule_check

    schedule_check({line.section for line in spec.lines})
    return entry


def reverse_entry(entry: Entry, *, date: datetime.date | None = None, by=None, label: str = "") -> Entry:
    """Post the reversing entry of ``entry`` (same lines, sides swapped); an entry is reversed once."""
    if Entry.objects.filter(reversal_of=entry).exists():
        raise DomainError(_("Cette écriture a déjà été contre-passée."))
    if entry.reversal_of_id is not None:
        raise DomainError(_("Une contre-passation ne se contre-passe pas : passez une nouvelle écriture."))
    lines = list(entry.lines.all())
    spec = EntrySpec(
        journal=entry.journal_id,
        date=date or timezone.localdate(),
        label=label or _("Contre-passation de %(number)s") % {"number": entry.fec_number},
        piece_ref=entry.piece_ref,
        piece_date=entry.piece_date,
        source=entry.source,
        invoice_id=entry.invoice_id,
        payment_id=entry.payment_id,
        expense_id=entry.expense_id,
        entrepreneur_id=entry.entrepreneur_id,
        reversal_of_id=entry.pk,
        lines=[
            Line(
                account=line.account_id,
                section=line.section_id,
                debit=line.credit,
                credit=line.debit,
                label=line.label,
                aux_code=line.aux_code,
                aux_label=line.aux_label,
            )
            for line in lines
        ],
    )
    return post_entry(spec, by=by, checked=False)
