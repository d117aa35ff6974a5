"""The FEC ("fichier des écritures comptables", LPF L47 A-I, format of art. A47 A-1; DOMAIN.md §4.3) of a
financial year, and a validator for it.

Format choices:

- one file per calendar year named ``SIRENFECAAAAMMJJ.txt``, the date being the closing date (31/12/YEAR);
- a header row with the 18 field names, then one record per entry line, the 18 fields in order, separated by
  a tab, records ended by CRLF; no tab, carriage return or line feed inside a field (replaced by a space);
- dates ``AAAAMMJJ``; amounts with a decimal comma, two decimals, no thousands separator, both Debit and
  Credit always written (``0,00`` on the other side); unused fields empty (lettering and currency: the
  ledger keeps neither);
- opening entries (journal AN) first, then every other entry in validation order (posted at, then journal
  and number), the lines of an entry in their order;
- EcritureNum is the entry's continuous number per journal and year (``VT2026-000012``); ValidDate the day
  it was posted (Europe/Paris); CompteLib the chart's label; CompAuxNum/CompAuxLib the 411/401/421
  sub-ledger; PieceRef/PieceDate the entry's, else its number/date (the field must not be empty);
- encoding UTF-8 by default: Test Compta Demat and ALTO read it, and it keeps every name as typed;
  ``encoding="iso-8859-15"`` writes the other encoding the text names, a character it lacks becoming "?".

Memory stays flat whatever the year's size: the lines are read with ``.iterator(chunk_size=…)`` (a
server-side cursor on PostgreSQL) from one ordered query, labels of accounts and journals come from two
small dictionaries, and the text goes out through a buffered file or in chunks of a streamed response.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import TruncDate

from comptabilite.models import Account, EntryLine, Journal
from coodyssee.models import Cooperative
from coodyssee.money import ZERO

COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
SEPARATOR = "\t"
NEWLINE = "\r\n"
ENCODINGS = ("utf-8", "iso-8859-15")
CHUNK_SIZE = 5000
_SANITISE = str.maketrans({"\t": " ", "\r": " ", "\n": " ", "\x0b": " ", "\x0c": " ", "\x00": ""})


class FecError(Exception):
    pass


def fec_filename(siren: str, year: int) -> str:
    return f"{siren}FEC{year}1231.txt"


def cooperative_siren() -> str:
    siren = (Cooperative.objects.order_by("pk").values_list("siren", flat=True).first() or "").strip()
    if not re.fullmatch(r"\d{9}", siren):
        raise FecError("La coopérative n'a pas de SIREN valide (9 chiffres) : renseignez-le d'abord.")
    return siren


_UNSAFE = re.compile(r"[\t\r\n\x0b\x0c\x00]")


def _text(value: str) -> str:
    """A field without tab or line break (each becomes a space, runs of spaces one space)."""
    if not value:
        return ""
    if not _UNSAFE.search(value) and not value[0].isspace() and not value[-1].isspace():
        return value  # the usual case: a million lines go through here
    text = value.translate(_SANITISE)
    return " ".join(text.split()) if "  " in text else text.strip()


def _date(day: datetime.date | None) -> str:
    return day.isoformat().replace("-", "") if day else ""


def _amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def opening_journal() -> str:
    return Journal.objects.filter(kind=Journal.Kind.OPENING).values_list("code", flat=True).first() or "AN"


@dataclass
class FecExport:
    """One year's FEC as lines of text (``lines()``), counting what it wrote."""

    year: int
    chunk_size: int = CHUNK_SIZE
    records: int = 0
    debit: Decimal = ZERO
    credit: Decimal = ZERO

    def queryset(self):
        opening = opening_journal()
        return (
            EntryLine.objects.filter(
                date__gte=datetime.date(self.year, 1, 1), date__lte=datetime.date(self.year, 12, 31)
            )
            .annotate(
                opening_last=Case(
                    When(journal_id=opening, then=Value(0)), default=Value(1), output_field=IntegerField()
                ),
                # The local day of validation, computed by the database: parsing a timestamp with its time
                # zone for each of a million lines costs more than the rest of the export.
                valid_date=TruncDate("entry__posted_at"),
            )
            .order_by(
                "opening_last", "entry__posted_at", "journal_id", "entry__number", "entry_id", "position"
            )
            .values_list(
                "entry_id",
                "journal_id",
                "entry__year",
                "entry__number",
                "date",
                "account_id",
                "aux_code",
                "aux_label",
                "entry__piece_ref",
                "entry__piece_date",
                "label",
                "debit",
                "credit",
                "valid_date",
            )
        )

    def lines(self) -> Iterator[str]:
        """The header then one line per entry line, each ended by CRLF."""
        journals = {code: _text(label) for code, label in Journal.objects.values_list("code", "label")}
        accounts = {code: _text(label) for code, label in Account.objects.values_list("code", "label")}
        yield SEPARATOR.join(COLUMNS) + NEWLINE
        current_entry = None
        head = tail = ""
        debit_total = credit_total = ZERO
        count = 0
        last_label = clean_label = None
        for (
            entry_id,
            journal,
            year,
            number,
            day,
            account,
            aux_code,
            aux_label,
            piece_ref,
            piece_date,
            label,
            debit,
            credit,
            valid_date,
        ) in self.queryset().iterator(chunk_size=self.chunk_size):
            if entry_id != current_entry:
                # What every line of an entry repeats, formatted once per entry.
                current_entry = entry_id
                entry_number = f"{journal}{year}-{number:06d}"
                entry_date = _date(day)
                head = SEPARATOR.join((journal, journals.get(journal, journal), entry_number, entry_date))
                piece = SEPARATOR.join((_text(piece_ref) or entry_number, _date(piece_date) or entry_date))
                valid = _date(valid_date or day)
                tail = SEPARATOR.join(("", "", valid, "", ""))
            debit_total += debit
            credit_total += credit
            count += 1
            if label != last_label:  # the lines of an entry often share its label
                last_label, clean_label = label, _text(label)
            aux = f"{_text(aux_code)}\t{_text(aux_label)}" if aux_code or aux_label else "\t"
            # 2-decimal columns: str() gives "1234.50" (much faster than format()); _amount() otherwise.
            debit_text, credit_text = str(debit), str(credit)
            if debit_text[-3:-2] != "." or credit_text[-3:-2] != ".":
                debit_text, credit_text = f"{debit:.2f}", f"{credit:.2f}"
            yield (
                f"{head}\t{account}\t{accounts.get(account, account)}\t{aux}\t{piece}\t{clean_label}\t"
                f"{debit_text.replace('.', ',')}\t{credit_text.replace('.', ',')}\t{tail}\r\n"
            )
        self.records, self.debit, self.credit = count, debit_total, credit_total

    def chunks(self, *, encoding: str = "utf-8", size: int = 1000) -> Iterator[bytes]:
        """The file's bytes in chunks of ``size`` lines, for a streamed download."""
        errors = "strict" if encoding == "utf-8" else "replace"
        batch: list[str] = []
        for line in self.lines():
            batch.append(line)
            if len(batch) >= size:
                yield "".join(batch).encode(encoding, errors)
                batch.clear()
        if batch:
            yield "".join(batch).encode(encoding, errors)


@dataclass
class FecResult:
    path: Path
    records: int
    debit: Decimal
    credit: Decimal


def write_fec(
    year: int, directory: str | Path, *, encoding: str = "utf-8", siren: str | None = None
) -> FecResult:
    """Write the year's FEC in ``directory`` and return its path, number of records and totals."""
    if encoding not in ENCODINGS:
        raise FecError(f"Encodage non prévu : {encoding} (utf-8 ou iso-8859-15).")
    siren = siren or cooperative_siren()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / fec_filename(siren, year)
    export = FecExport(year)
    errors = "strict" if encoding == "utf-8" else "replace"
    with path.open("w", encoding=encoding, errors=errors, newline="", buffering=1 << 20) as out:
        for line in export.lines():
            out.write(line)
    return FecResult(path=path, records=export.records, debit=export.debit, credit=export.credit)


# --- validation -------------------------------------------------------------------------------------------


FILENAME = re.compile(r"^(\d{9})FEC(\d{8})\.txt$")
AMOUNT = re.compile(r"^\d+,\d{2}$")
NUMBER = re.compile(r"^(.*?)(\d+)$")
MAX_ERRORS = 50


@dataclass
class FecCheck:
    path: Path
    records: int = 0
    entries: int = 0
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    errors: list[str] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)


def _parse_date(text: str) -> datetime.date | None:
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _parse_amount(text: str) -> Decimal | None:
    if not AMOUNT.match(text):
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def check_fec(path: str | Path, *, encoding: str = "utf-8", opening_journal_code: str = "AN") -> FecCheck:
    """Check a FEC file line by line: the 18 named columns in order, 18 fields on every line, valid dates
    and amounts, each entry balanced (its lines together), the totals balanced, entry numbers continuous per
    journal, opening entries first. Memory grows with the number of entries (their numbers), not lines."""
    path = Path(path)
    result = FecCheck(path=path)
    closing = None
    if match := FILENAME.match(path.name):
        closing = _parse_date(match.group(2))
        if closing is None:
            result.error(f"{path.name} : la date du nom de fichier n'est pas une date AAAAMMJJ.")
    else:
        result.error(f"{path.name} : le nom doit être SIRENFECAAAAMMJJ.txt.")
    numbers: dict[tuple[str, str], set[int]] = {}
    seen: set[tuple[str, str]] = set()
    current: tuple[str, str] | None = None
    balance = ZERO
    entry_start = 0
    other_seen = False

    def close_entry(line_number: int) -> None:
        if current is not None and balance != 0:
            result.error(
                f"ligne {entry_start} : l'écriture {current[1]} du journal {current[0]} n'est pas équilibrée "
                f"(écart {_amount(balance)})."
            )

    with path.open(encoding=encoding, newline="") as source:
        header = source.readline().rstrip("\r\n").lstrip("\ufeff")
        if tuple(header.split(SEPARATOR)) != COLUMNS:
            result.error("ligne 1 : l'en-tête doit nommer les 18 champs dans l'ordre : " + " ".join(COLUMNS))
        for line_number, raw in enumerate(source, start=2):
            text = raw.rstrip("\r\n")
            if not text:
                result.error(f"ligne {line_number} : ligne vide.")
                continue
            fields = text.split(SEPARATOR)
            if len(fields) != len(COLUMNS):
                result.error(f"ligne {line_number} : {len(fields)} champs au lieu de {len(COLUMNS)}.")
                continue
            record = dict(zip(COLUMNS, fields, strict=True))
            result.records += 1
            for name in ("JournalCode", "EcritureNum", "CompteNum", "EcritureLib", "PieceRef"):
                if not record[name].strip():
                    result.error(f"ligne {line_number} : {name} est vide.")
            if not record["CompteNum"][:3].isdigit():
                result.error(f"ligne {line_number} : CompteNum doit commencer par trois chiffres.")
            for name in ("EcritureDate", "PieceDate", "ValidDate", "DateLet"):
                value = record[name]
                required = name in ("EcritureDate", "ValidDate", "PieceDate")
                if not value and not required:
                    continue
                day = _parse_date(value)
                if day is None:
                    result.error(f"ligne {line_number} : {name} « {value} » n'est pas une date AAAAMMJJ.")
                elif name == "EcritureDate" and closing is not None and day > closing:
                    result.error(f"ligne {line_number} : EcritureDate après la date de clôture.")
            debit, credit = _parse_amount(record["Debit"]), _parse_amount(record["Credit"])
            if debit is None or credit is None:
                result.error(
                    f"ligne {line_number} : montants « {record['Debit']} » / « {record['Credit']} » "
                    "attendus sous la forme 1234,56."
                )
                debit, credit = debit or ZERO, credit or ZERO
            if record["Montantdevise"] and _parse_amount(record["Montantdevise"].lstrip("-")) is None:
                result.error(f"ligne {line_number} : Montantdevise n'est pas un montant.")
            result.debit += debit
            result.credit += credit

            journal = record["JournalCode"]
            if journal == opening_journal_code:
                if other_seen:
                    result.error(f"ligne {line_number} : écriture d'à-nouveaux après d'autres écritures.")
            else:
                other_seen = True
            key = (journal, record["EcritureNum"])
            if key != current:
                close_entry(line_number)
                if key in seen:
                    result.error(
                        f"ligne {line_number} : les lignes de l'écriture {key[1]} ne se suivent pas."
                    )
                seen.add(key)
                current, balance, entry_start = key, ZERO, line_number
                result.entries += 1
                if found := NUMBER.match(key[1]):
                    numbers.setdefault((journal, found.group(1)), set()).add(int(found.group(2)))
                else:
                    result.error(f"ligne {line_number} : EcritureNum {key[1]} ne finit pas par un numéro.")
            balance += debit - credit
        close_entry(0)
    if result.debit != result.credit:
        result.error(
            f"le total des débits ({_amount(result.debit)}) diffère du total des crédits "
            f"({_amount(result.credit)})."
        )
    for (journal, prefix), found in sorted(numbers.items()):
        expected = max(found) - min(found) + 1
        if expected != len(found):
            missing = sorted(set(range(min(found), max(found) + 1)) - found)[:10]
            result.error(
                f"journal {journal} ({prefix}…) : numérotation discontinue, il manque "
                + ", ".join(str(number) for number in missing)
                + ("…" if expected - len(found) > 10 else "")
                + "."
            )
    return result
