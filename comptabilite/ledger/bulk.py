"""Load many entries at once (demo, benchmark, CSV import): the same entries ``post_entry`` would write,
numbered per journal and year in date order, inserted with one ``COPY``/``executemany`` per table,
the counters and monthly summaries updated once at the end. For a loader that runs alone in its
transaction; ``posting.validate`` checks every entry unless the caller built them with the tested builders.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from comptabilite.demo.fastinsert import fast_insert
from comptabilite.ledger.posting import (
    EntrySpec,
    apply_summary_deltas,
    check_open,
    closed_until,
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

    def flush(self) -> list[Entry]:
        """Write what was added; returns the entries (with their pk) in the order they were added."""
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

    def _write(self, specs: list[EntrySpec]) -> list[Entry]:
        now = timezone.now()
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
        entries: list[Entry | None] = [None] * len(specs)
        for index in order:
            spec = specs[index]
            key = (spec.journal, spec.date.year)
            last[key] = number = last.get(key, 0) + 1
            entries[index] = Entry(
                journal_id=spec.journal,
                year=spec.date.year,
                number=number,
                date=spec.date,
                label=spec.label[:200],
                piece_ref=spec.piece_ref[:60],
                piece_date=spec.piece_date,
                posted_at=now,
                posted_by_id=posted_by_id,
                source=spec.source,
                invoice_id=spec.invoice_id,
                payment_id=spec.payment_id,
                expense_id=spec.expense_id,
                entrepreneur_id=spec.entrepreneur_id,
                reversal_of_id=spec.reversal_of_id,
                key=spec.key,
            )
        ordered = [entries[index] for index in order]
        fast_insert(Entry, ordered)
        lines = []
        for index in order:
            spec, entry = specs[index], entries[index]
            for position, line in enumerate(spec.lines, start=1):
                lines.append(
                    EntryLine(
                        entry_id=entry.pk,
                        position=position,
                        account_id=line.account,
                        section_id=line.section,
                        label=(line.label or spec.label)[:200],
                        debit=line.debit,
                        credit=line.credit,
                        aux_code=line.aux_code[:20],
                        aux_label=line.aux_label[:200],
                        date=spec.date,
                        journal_id=spec.journal,
                    )
                )
        fast_insert(EntryLine, lines)
        counters = defaultdict(int)
        for (journal, year), number in last.items():
            if (journal, year) in keys:
                counters[(journal, year)] = number
        for (journal, year), number in counters.items():
            updated = EntryCounter.objects.filter(journal_id=journal, year=year).update(last=number)
            if not updated:
                EntryCounter.objects.create(journal_id=journal, year=year, last=number)
        apply_summary_deltas(
            summary_deltas(
                (line.section_id, line.account_id, line.date, line.debit, line.credit) for line in lines
            )
        )
        self.entries_written += len(ordered)
        self.lines_written += len(lines)
        return entries
