"""The generic CSV reader: encoding, delimiter, header, typed cells, line numbers."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from coodyssee import importing
from coodyssee.importing import Column, FileReport

COLUMNS = (
    Column("ref", importing.text(10), required=True),
    Column("day", importing.date),
    Column("amount", importing.decimal(max_digits=5, places=2, minimum=0)),
    Column("flag", importing.boolean),
    Column("count", importing.integer()),
)


def read(text: str | bytes, columns=COLUMNS) -> tuple[list[importing.Row], list[str]]:
    report = FileReport("test.csv")
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return importing.read_csv("test.csv", data, columns, report), report.errors


def test_reads_utf8_with_bom_and_semicolons():
    rows, errors = read("\ufeffref;day;amount;flag\nA1;2017-01-31;12,5;oui\n")
    assert errors == []
    assert rows[0].values == {
        "ref": "A1",
        "day": datetime.date(2017, 1, 31),
        "amount": Decimal("12.50"),
        "flag": True,
    }


def test_column_order_is_free_and_header_case_is_ignored():
    rows, errors = read("Flag,REF\nnon,A1\n")
    assert errors == []
    assert rows[0].values == {"flag": False, "ref": "A1"}


@pytest.mark.parametrize(
    ("text", "value"),
    [("1", True), ("true", True), ("OUI", True), ("0", False), ("False", False), ("non", False)],
)
def test_booleans(text, value):
    rows, _errors = read(f"ref,flag\nA,{text}\n")
    assert rows[0].values["flag"] is value


def test_blank_optional_cells_are_none_and_blank_lines_are_skipped():
    rows, errors = read("ref,amount,flag\nA,,\n\n,,\nB,1.5,\n")
    assert errors == []
    assert [(row.line, row.values["ref"], row.values["amount"]) for row in rows] == [
        (2, "A", None),
        (5, "B", Decimal("1.50")),
    ]


def test_line_numbers_count_the_header_as_one_and_follow_multiline_cells():
    _rows, errors = read('ref,count\n"A\nsuite",1\nB,x\n')
    assert errors == ["test.csv:4: count: nombre entier attendu, reçu « x »"]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("day", "2017/01/31", "day: date attendue au format AAAA-MM-JJ, reçu « 2017/01/31 »"),
        ("day", "2017-02-30", "day: date inexistante : « 2017-02-30 »"),
        ("amount", "12.345", "amount: 2 décimales au plus"),
        ("amount", "1 234,5", "amount: nombre décimal attendu (séparateur . ou ,), reçu « 1 234,5 »"),
        ("amount", "-1", "amount: doit être supérieur ou égal à 0"),
        ("amount", "1000", "amount: nombre trop grand"),
        ("flag", "peut-être", "flag: valeur attendue : 0/1, true/false ou oui/non, reçu « peut-être »"),
        ("count", "-2", "count: doit être supérieur ou égal à 0"),
        ("ref", "ABCDEFGHIJK", "ref: 10 caractères au plus"),
    ],
)
def test_bad_cells_are_reported_with_file_line_and_column(column, value, message):
    header = "ref" if column == "ref" else f"ref;{column}"
    line = value if column == "ref" else f"A;{value}"
    rows, errors = read(f"{header}\n{line}\n")
    assert errors == [f"test.csv:2: {message}"]
    assert rows == []


def test_blank_required_cell_is_an_error():
    rows, errors = read("ref;day\n;2017-01-01\n")
    assert errors == ["test.csv:2: ref: valeur obligatoire"]
    assert rows == []


def test_unknown_duplicate_and_missing_columns_are_header_errors():
    _rows, errors = read("ref,reff,day,day\nA,B,2017-01-01,2017-01-01\n")
    assert errors[0].startswith("test.csv:1: reff: colonne inconnue")
    assert errors[1] == "test.csv:1: day: colonne en double"
    _rows, errors = read("day\n2017-01-01\n")
    assert errors == ["test.csv:1: ref: colonne obligatoire absente"]


def test_row_longer_than_the_header_is_an_error():
    _rows, errors = read("ref,count\nA,1,surplus\nB,2,\n")
    assert errors == ["test.csv:2: -: plus de valeurs que de colonnes dans l'en-tête"]


def test_file_not_in_utf8_is_refused():
    _rows, errors = read("ref\nA\nSéverine\n".encode("latin-1"))
    assert errors == ["test.csv:3: -: encodage invalide : le fichier doit être en UTF-8"]


def test_empty_file_has_no_header():
    _rows, errors = read("")
    assert errors == ["test.csv:1: -: ligne d'en-tête absente"]


def test_registering_a_file_outside_the_contract_is_refused():
    class Stray(importing.FileImporter):
        filename = "stray.csv"
        columns = ()

    with pytest.raises(ValueError, match="stray.csv"):
        importing.register(Stray)


def test_importers_run_in_the_contract_order():
    names = [importer.filename for importer in importing.registered_importers()]
    assert names[:4] == ["cooperative.csv", "entrepreneurs.csv", "journey.csv", "info_sessions.csv"]
    assert names == sorted(names, key=importing.CONTRACT_FILES.index)
