"""Load many entries at once (demo, benchmark, CSV import): the same entries ``post_entry`` would write,
numbered per journal and year in date order, inserted with one ``COPY``/``executemany`` per table,
the counters and monthly summaries updated once at the end. For a loader that runs alone in its
transaction; ``posting.validate`` checks every entry unless the caller built them with the tested builders.
"""

from __future__ import annotations

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from comptabilite.ledger.posting import (
    LINE_COLUMNS,
    EntrySpec,
    apply_summary_deltas,
    check_open,
    closed_until,
    line_rows,
    summary_deltas,
)
from comptabilite.ledger.posting import validate as validate_spec
from comptabilite.models import Entry, EntryCounter, EntryLine


class BulkLedger:
    def __init__(self, *, validate: bool = True, by=None):
        self.specs: list[EntrySpec] = []
        self.validate = validate
        self.by = by
        self.entries_written = 0
        self.lines_written = 0

    def add(self, spec: EntrySpec) -> None:
        self.specs.append(spec)

    def extend(self, specs) -> None:
        self.specs.extend(specs)

    def flush(self) -> list[int]:
        """Write what was added; returns the entries' ids in the order they were added."""
        specs, self.specs = self.specs, []
        if not specs:
            return []
        closed = closed_until()
        for spec in specs:
            if self.validate:
                validate_spec(spec)
            check_open(spec.date, closed)
        with transaction.atomic():
            return self._write(specs)

    def _write(self, specs: list[EntrySpec]) -> list[int]:
        # Plain rows rather than model instances: building ~80,000 instances was most of the demo's time.
        ops = connection.ops
        posted_at = ops.adapt_datetimefield_value(timezone.now())
        posted_by_id = getattr(self.by, "pk", None)
        keys = {(spec.journal, spec.date.year) for spec in specs}
        last = {
            (row["journal_id"], row["year"]): row["top"]
            for row in Entry.objects.filter(
                journal_id__in={k[0] for k in keys}, year__in={k[1] for k in keys}
            )
            .values("journal_id", "year")
            .annotate(top=Max("number"))
        }
        order = sorted(range(len(specs)), key=lambda index: (specs[index].date, index))
        entry_pk = (Entry.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        line_pk = (EntryLine.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        ids: list[int] = [0] * len(specs)
        entry_rows, lines, deltas = [], [], []
        for index in order:
            spec = specs[index]
            key = (spec.journal, spec.date.year)
            last[key] = number = last.get(key, 0) + 1
            day = ops.adapt_datefield_value(spec.date)
            entry_rows.append(
                (
                    entry_pk,
                    spec.journal,
                    spec.date.year,
                    number,
                    day,
                    spec.label[:200],
                    spec.piece_ref[:60],
                    ops.adapt_datefield_value(spec.piece_date) if spec.piece_date else None,
                    posted_at,
                    posted_by_id,
                    spec.source,
                    spec.invoice_id,
                    spec.payment_id,
                    spec.expense_id,
                    spec.entrepreneur_id,
                    spec.reversal_of_id,
                    spec.key,
                )
            )
            for row in line_rows(entry_pk, spec):
                lines.append((line_pk, *row))
                line_pk += 1
            deltas.extend(
                (line.section, line.account, spec.journal, spec.date, line.debit, line.credit)
                for line in spec.lines
            )
            ids[index] = entry_pk
            entry_pk += 1
        _insert(Entry, ENTRY_COLUMNS, entry_rows)
        _insert(EntryLine, ("id", *LINE_COLUMNS), lines)
        for (journal, year), number in last.items():
            updated = (journal, year) not in keys or EntryCounter.objects.filter(
                journal_id=journal, year=year
            ).update(last=number)
            if not updated:
                EntryCounter.objects.create(journal_id=journal, year=year, last=number)
        apply_summary_deltas(summary_deltas(deltas))
        self.entries_written += len(entry_rows)
        self.lines_written += len(lines)
        return ids


ENTRY_COLUMNS = (
    "id",
    "journal_id",
    "year",
    "number",
    "date",
    "label",
    "piece_ref",
    "piece_date",
    "posted_at",
    "posted_by_id",
    "source",
    "invoice_id",
    "payment_id",
    "expense_id",
    "entrepreneur_id",
    "reversal_of_id",
    "key",
)


def _insert(model, columns, rows) -> None:
    """``COPY`` on PostgreSQL, ``executemany`` elsewhere; then move the id sequence past the rows."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
            for offset in range(0, len(rows), 5000):
                cursor.executemany(sql, rows[offset : offset + 5000])
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)
