"""Document numbers: gapless, unique, chronological, per series and year (CGI ann. II art. 242 nonies A).

Design (pretix's invoice numbering is the model):

- One ``NumberingCounter(series, year, last)`` row per series and year. ``next_number`` locks it with
  ``SELECT … FOR UPDATE`` inside the transaction that issues the document, increments it and returns the
  number. If that transaction rolls back, the increment rolls back with it: no gap. A database sequence
  would keep the consumed value on rollback, leaving a gap — that is why there is none here.
- A unique constraint on the documents' ``(series, year, number)`` and ``(series, year, sequence)`` is
  the safety net: two transactions can never store the same number.
- Series: ``invoice`` for invoices; ``credit_note`` for credit notes when the cooperative gives them a
  format of their own (``AV{year}-{seq:05d}`` by default), otherwise they share the invoice series;
  ``quote`` for quotes (not legal documents, numbered when created with the same mechanism). One
  series for the whole cooperative, not one per activity: simpler to audit, and every series must be
  continuous anyway.
- Formats are set on the cooperative (``invoice_number_format`` etc.), Python format strings with the
  fields ``{year}`` (required: the sequence restarts every year) and ``{seq}`` (required, e.g.
  ``{seq:05d}``). Changing a format mid-year keeps the counter: numbers change shape, not sequence.
- Imported historic documents (invoices.csv) keep their numbers. When such a number matches the series'
  current format, its rank is stored and the counter of that series and year is raised to it
  (``raise_counter``), so a later live document continues after the highest imported one.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from django.db import connection
from django.db.models import Max
from django.utils.translation import gettext as _

from comptabilite.models import DocumentKind, Invoice, NumberingCounter, Quote
from coodyssee.errors import DomainError
from coodyssee.models import Cooperative

INVOICE_SERIES = "invoice"
CREDIT_NOTE_SERIES = "credit_note"
QUOTE_SERIES = "quote"
DEFAULT_FORMATS = {
    INVOICE_SERIES: "{year}-{seq:05d}",
    CREDIT_NOTE_SERIES: "AV{year}-{seq:05d}",
    QUOTE_SERIES: "D{year}-{seq:05d}",
}
_FIELDS = {"year", "seq"}


@dataclass(frozen=True)
class NumberFormat:
    pattern: str

    def render(self, *, year: int, seq: int) -> str:
        return self.pattern.format(year=year, seq=seq)

    def parse(self, number: str) -> tuple[int, int] | None:
        """``(year, seq)`` of a number written in this format, or None if it does not match."""
        match = self._regex().fullmatch(number)
        if match is None:
            return None
        return int(match.group("year")), int(match.group("seq"))

    def _regex(self) -> re.Pattern:
        parts = []
        for literal, name, _spec, _conversion in string.Formatter().parse(self.pattern):
            parts.append(re.escape(literal))
            if name == "year":
                parts.append(r"(?P<year>\d{4})")
            elif name == "seq":
                parts.append(r"(?P<seq>\d+)")
        return re.compile("".join(parts))


def validate_number_format(pattern: str, *, field: str = "invoice_number_format") -> NumberFormat:
    """The format, or ``DomainError`` if it lacks ``{year}`` / ``{seq}`` or uses anything else."""
    try:
        names = [name for _lit, name, _spec, _conv in string.Formatter().parse(pattern) if name is not None]
        sample = pattern.format(year=2026, seq=42)
    except (ValueError, KeyError, IndexError):
        raise DomainError(
            _("Format de numéro invalide : %(pattern)s") % {"pattern": pattern}, field=field
        ) from None
    if set(names) - _FIELDS or names.count("year") != 1 or names.count("seq") != 1:
        raise DomainError(
            _("Le format doit contenir une fois {year} et une fois {seq} (par exemple {year}-{seq:05d})."),
            field=field,
        )
    if len(sample) > 30 or not sample.strip():
        raise DomainError(_("Le format donne des numéros trop longs."), field=field)
    return NumberFormat(pattern)


def series_for_kind(kind: str, cooperative: Cooperative | None) -> tuple[str, NumberFormat]:
    """The series of an invoice or credit note and its format, as the cooperative configures them."""
    if kind == DocumentKind.CREDIT_NOTE:
        pattern = (
            cooperative.credit_note_number_format if cooperative else DEFAULT_FORMATS[CREDIT_NOTE_SERIES]
        )
        if pattern:
            return CREDIT_NOTE_SERIES, validate_number_format(pattern, field="credit_note_number_format")
    pattern = cooperative.invoice_number_format if cooperative else DEFAULT_FORMATS[INVOICE_SERIES]
    return INVOICE_SERIES, validate_number_format(pattern or DEFAULT_FORMATS[INVOICE_SERIES])


def quote_series(cooperative: Cooperative | None) -> tuple[str, NumberFormat]:
    pattern = (cooperative.quote_number_format if cooperative else "") or DEFAULT_FORMATS[QUOTE_SERIES]
    return QUOTE_SERIES, validate_number_format(pattern, field="quote_number_format")


def _highest_used(series: str, year: int) -> int:
    model = Quote if series == QUOTE_SERIES else Invoice
    return model.objects.filter(series=series, year=year).aggregate(top=Max("sequence"))["top"] or 0


def locked_counter(series: str, year: int) -> NumberingCounter:
    """The counter row of ``series``/``year``, created if needed, locked until the transaction ends.

    Must run inside ``transaction.atomic``. Creation races are settled by the unique constraint
    (``ON CONFLICT DO NOTHING``): whoever loses simply locks the row the winner created.
    """
    NumberingCounter.objects.bulk_create(
        [NumberingCounter(series=series, year=year, last=_highest_used(series, year))], ignore_conflicts=True
    )
    return NumberingCounter.objects.select_for_update().get(series=series, year=year)


def next_number(*, series: str, year: int, number_format: NumberFormat) -> tuple[str, int]:
    """``(number, rank)`` of the next document in the series; call inside the issuing transaction.

    ``UPDATE … SET last = last + 1 … RETURNING last`` increments and locks the counter in one statement
    (the common case); the first document of a series and year creates the counter first."""
    table = NumberingCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last = last + 1 WHERE series = %s AND year = %s RETURNING last",  # noqa: S608
            [series, year],
        )
        row = cursor.fetchone()
    if row is None:
        locked_counter(series, year)
        return next_number(series=series, year=year, number_format=number_format)
    return number_format.render(year=year, seq=row[0]), row[0]


def raise_counter(*, series: str, year: int, at_least: int) -> None:
    """Make the next number of the series come after ``at_least`` (imported history)."""
    counter = locked_counter(series, year)
    if counter.last < at_least:
        counter.last = at_least
        counter.save(update_fields=["last"])
