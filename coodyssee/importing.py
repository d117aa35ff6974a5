"""CSV import of a cooperative's history: the generic machinery behind ``manage.py import_cae``.

The file format is a public contract (docs/import-format.md §1). This module reads and checks the
files (encoding, delimiter, header, typed columns) and runs the file importers registered by the
apps, in the contract's order, inside one transaction: any error anywhere rolls everything back.

An app adds a file by declaring a ``FileImporter`` subclass in its ``importers`` module and
decorating it with ``@register``; its ``import_rows`` receives the rows whose columns all parsed,
reports row errors with ``report.error(...)`` and counts rows ``imported`` or ``unchanged``.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from coodyssee.audit import acting_as
from coodyssee.errors import DomainError

# The contract's files, in the order they are imported (later files refer to earlier ones).
CONTRACT_FILES = (
    "cooperative.csv",
    "entrepreneurs.csv",
    "journey.csv",
    "info_sessions.csv",
    "invoices.csv",
    "training_sessions.csv",
    "training_registrations.csv",
    "associates.csv",
    "subsidies.csv",
)
IMPORT_ACTOR = "import"

# --- column parsers: text in, value out, ValueError with a French message on bad input ----------------


def text(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise ValueError(_("%(max)s caractères au plus") % {"max": max_length})
        return value

    return parse


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def date(value: str) -> datetime.date:
    if not _DATE_RE.match(value):
        raise ValueError(_("date attendue au format AAAA-MM-JJ, reçu « %(value)s »") % {"value": value})
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("date inexistante : « %(value)s »") % {"value": value}) from None


def decimal(*, max_digits: int = 14, places: int = 2, minimum=None, maximum=None) -> Callable[[str], Decimal]:
    def parse(value: str) -> Decimal:
        normalized = value.replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", normalized):
            raise ValueError(
                _("nombre décimal attendu (séparateur . ou ,), reçu « %(value)s »") % {"value": value}
            )
        try:
            number = Decimal(normalized)
        except InvalidOperation:
            raise ValueError(_("nombre décimal invalide : « %(value)s »") % {"value": value}) from None
        if number != number.quantize(Decimal(1).scaleb(-places)):
            raise ValueError(_("%(places)s décimales au plus") % {"places": places})
        number = number.quantize(Decimal(1).scaleb(-places))
        if len(number.as_tuple().digits) > max_digits:
            raise ValueError(_("nombre trop grand"))
        if minimum is not None and number < Decimal(minimum):
            raise ValueError(_("doit être supérieur ou égal à %(min)s") % {"min": minimum})
        if maximum is not None and number > Decimal(maximum):
            raise ValueError(_("doit être inférieur ou égal à %(max)s") % {"max": maximum})
        return number

    return parse


def integer(*, minimum: int | None = 0) -> Callable[[str], int]:
    def parse(value: str) -> int:
        if not re.fullmatch(r"[+-]?\d+", value):
            raise ValueError(_("nombre entier attendu, reçu « %(value)s »") % {"value": value})
        number = int(value)
        if minimum is not None and number < minimum:
            raise ValueError(_("doit être supérieur ou égal à %(min)s") % {"min": minimum})
        return number

    return parse


_BOOLEANS = {"1": True, "true": True, "oui": True, "0": False, "false": False, "non": False}


def boolean(value: str) -> bool:
    try:
        return _BOOLEANS[value.lower()]
    except KeyError:
        raise ValueError(
            _("valeur attendue : 0/1, true/false ou oui/non, reçu « %(value)s »") % {"value": value}
        ) from None


def email(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise ValueError(_("adresse e-mail invalide : « %(value)s »") % {"value": value}) from None
    return value.lower()


def choice(values: Iterable[str]) -> Callable[[str], str]:
    allowed = tuple(values)

    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(
                _("valeur inconnue « %(value)s » (attendu : %(allowed)s)")
                % {"value": value, "allowed": ", ".join(allowed)}
            )
        return value

    return parse


# --- files, rows, reports ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any] = text(200)
    required: bool = False


@dataclass
class Row:
    """A data row whose columns all parsed. Blank optional cells are None; absent columns are missing."""

    line: int
    values: dict[str, Any]

    def get(self, name: str, default=None):
        value = self.values.get(name)
        return default if value is None else value

    def __contains__(self, name: str) -> bool:
        return name in self.values


@dataclass
class FileReport:
    filename: str
    errors: list[str] = field(default_factory=list)
    imported: int = 0
    unchanged: int = 0

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append(f"{self.filename}:{line}: {column}: {message}")

    def domain_error(self, row: Row, error: DomainError, columns: Mapping[str, str] | None = None) -> None:
        """Report a service's ``DomainError`` on ``row``, its field mapped to a column name."""
        column = (columns or {}).get(error.field or "", error.field or "-")
        self.error(row.line, column, error.message)

    @property
    def summary(self) -> str:
        line = f"{self.filename}: {self.imported} rows imported"
        if self.unchanged:
            line += f", {self.unchanged} unchanged"
        return line


class FileImporter:
    filename: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]

    def import_rows(self, rows: list[Row], report: FileReport) -> None:
        raise NotImplementedError

    @staticmethod
    def differences(existing: Mapping[str, Any], row: Row) -> list[tuple[str, Any, Any]]:
        """Columns of ``row`` whose value differs from ``existing`` (blank cells compare as empty)."""
        found = []
        for name, current in existing.items():
            if name not in row:
                continue
            new = row.values[name]
            if (new if new is not None else "") != (current if current is not None else ""):
                found.append((name, current, new))
        return found

    @staticmethod
    def report_differences(report: FileReport, row: Row, differences: list[tuple[str, Any, Any]]) -> None:
        for name, current, new in differences:
            report.error(
                row.line,
                name,
                _(
                    "la ligne existe déjà avec une autre valeur "
                    "(enregistré : « %(current)s », fichier : « %(new)s »)"
                )
                % {"current": "" if current is None else current, "new": "" if new is None else new},
            )


_registry: dict[str, type[FileImporter]] = {}


def register(importer: type[FileImporter]) -> type[FileImporter]:
    if importer.filename not in CONTRACT_FILES:
        raise ValueError(f"{importer.filename}: not a file of the import contract (CONTRACT_FILES)")
    _registry[importer.filename] = importer
    return importer


def registered_importers() -> list[type[FileImporter]]:
    autodiscover_modules("importers")
    return [_registry[name] for name in CONTRACT_FILES if name in _registry]


def read_csv(filename: str, data: bytes, columns: tuple[Column, ...], report: FileReport) -> list[Row]:
    """Decode, check the header and parse every cell; errors go to ``report``, good rows are returned."""
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.error(line, "-", _("encodage invalide : le fichier doit être en UTF-8"))
        return []
    first_line = content.split("\n", 1)[0]
    if not first_line.strip():
        report.error(1, "-", _("ligne d'en-tête absente"))
        return []
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader)]
    by_name = {column.name: column for column in columns}
    header_ok = True
    for index, name in enumerate(header):
        if not name:
            report.error(1, f"#{index + 1}", _("colonne sans nom"))
            header_ok = False
        elif name not in by_name:
            report.error(
                1,
                name,
                _("colonne inconnue (colonnes possibles : %(names)s)") % {"names": ", ".join(by_name)},
            )
            header_ok = False
        elif header.index(name) != index:
            report.error(1, name, _("colonne en double"))
            header_ok = False
    for column in columns:
        if column.required and column.name not in header:
            report.error(1, column.name, _("colonne obligatoire absente"))
            header_ok = False
    if not header_ok:
        return []

    rows = []
    last_line = reader.line_num
    for cells in reader:
        line, last_line = last_line + 1, reader.line_num
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue  # blank lines, often left at the end by spreadsheets
        if len(cells) > len(header) and any(cells[len(header) :]):
            report.error(line, "-", _("plus de valeurs que de colonnes dans l'en-tête"))
            continue
        values, row_ok = {}, True
        for index, name in enumerate(header):
            column = by_name[name]
            raw = cells[index] if index < len(cells) else ""
            if raw == "":
                if column.required:
                    report.error(line, name, _("valeur obligatoire"))
                    row_ok = False
                values[name] = None
                continue
            try:
                values[name] = column.parse(raw)
            except ValueError as exc:
                report.error(line, name, str(exc))
                row_ok = False
        if row_ok:
            rows.append(Row(line=line, values=values))
    return rows


@dataclass
class ImportResult:
    reports: list[FileReport]
    ignored: list[str]

    @property
    def errors(self) -> list[str]:
        return [error for report in self.reports for error in report.errors]

    @property
    def ok(self) -> bool:
        return not self.errors


def run_import(files: Mapping[str, bytes], *, actor=IMPORT_ACTOR) -> ImportResult:
    """Import the contract files in ``files`` (name → content): all of them, or nothing at all."""
    importers = registered_importers()
    known = {importer.filename for importer in importers}
    ignored = sorted(name for name in files if name.endswith(".csv") and name not in known)
    reports = []
    with acting_as(actor), transaction.atomic():
        for importer in importers:
            if importer.filename not in files:
                continue
            report = FileReport(importer.filename)
            reports.append(report)
            rows = read_csv(importer.filename, files[importer.filename], importer.columns, report)
            if rows or not report.errors:
                importer().import_rows(rows, report)
        if any(report.errors for report in reports):
            transaction.set_rollback(True)
    return ImportResult(reports=reports, ignored=ignored)


def run_import_directory(directory: Path | str, *, actor=IMPORT_ACTOR) -> ImportResult:
    directory = Path(directory)
    files = {path.name: path.read_bytes() for path in sorted(directory.glob("*.csv")) if path.is_file()}
    return run_import(files, actor=actor)


# --- cooperative.csv ---------------------------------------------------------------------------


def _siren(value: str) -> str:
    digits = value.replace(" ", "")
    if not re.fullmatch(r"\d{9}", digits):
        raise ValueError(_("SIREN attendu : 9 chiffres"))
    return digits


@register
class CooperativeImporter(FileImporter):
    """The cooperative's identity: one row, which updates the single Cooperative row (or creates it)."""

    filename = "cooperative.csv"
    columns = (
        Column("name", text(200), required=True),
        Column("siren", _siren),
        Column("default_contribution_rate", decimal(max_digits=5, minimum=0, maximum=100), required=True),
    )

    def import_rows(self, rows: list[Row], report: FileReport) -> None:
        from coodyssee.models import Cooperative

        if len(rows) > 1:
            for row in rows[1:]:
                report.error(row.line, "-", _("une seule ligne attendue : la coopérative"))
            return
        if not rows:
            if not report.errors:
                report.error(2, "-", _("une ligne attendue : la coopérative"))
            return
        row = rows[0]
        cooperative = Cooperative.objects.order_by("pk").first() or Cooperative()
        changed = cooperative.pk is None
        for name in ("name", "siren", "default_contribution_rate"):
            if name in row and getattr(cooperative, name) != row.get(name, ""):
                setattr(cooperative, name, row.get(name, ""))
                changed = True
        if changed:
            cooperative.save()
            report.imported += 1
        else:
            report.unchanged += 1
