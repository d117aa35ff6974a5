"""The FEC: exact header and lines of a hand-made case, opening entries first, decimal comma, sanitised
fields, the file name, balance; the validator; the command; the streamed staff download."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from comptabilite.fec import COLUMNS, FecExport, check_fec, fec_filename, write_fec
from comptabilite.ledger.posting import EntrySpec, Line, post_entry
from coodyssee.models import Cooperative
from tests.comptabilite_ledger.conftest import D, od_entry
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\t"
    "PieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise"
)


# The expected records, "|" standing for the tab (no field contains a "|").
EXPECTED = [
    HEADER,
    "AN|À-nouveaux|AN2026-000001|20260101|512|Banque|||AN2026|20260101|À-nouveaux 2026|"
    "5000,00|0,00|||20260311||",
    "AN|À-nouveaux|AN2026-000001|20260101|110|Report à nouveau|||AN2026|20260101|À-nouveaux 2026|"
    "0,00|5000,00|||20260311||",
    "OD|Opérations diverses|OD2026-000001|20260215|613|Locations|||OD2026-000001|20260215|"
    "Loyer février bureau|1234,50|0,00|||20260310||",
    "OD|Opérations diverses|OD2026-000001|20260215|512|Banque|||OD2026-000001|20260215|"
    "Loyer février bureau|0,00|1234,50|||20260310||",
    "OD|Opérations diverses|OD2026-000002|20260310|411|Clients|C000001|SARL Les Jardins|FA-1|20260310|"
    "Facture FA-1|120,00|0,00|||20260311||",
    "OD|Opérations diverses|OD2026-000002|20260310|706|Prestations de services|||FA-1|20260310|Facture FA-1|"
    "0,00|100,00|||20260311||",
    "OD|Opérations diverses|OD2026-000002|20260310|44571|TVA collectée|||FA-1|20260310|Facture FA-1|"
    "0,00|20,00|||20260311||",
]
EXPECTED = [row.replace("|", "\t") for row in EXPECTED]


def spec(journal, date, label, lines, **extra) -> EntrySpec:
    return EntrySpec(journal=journal, date=date, label=label, lines=lines, **extra)


@pytest.fixture
def year_2026(coop, structure, time_machine):
    """An OD entry posted on 10/03, then the opening entry and a sale posted on 11/03, one 2025 entry."""
    post_entry(
        spec(
            "OD",
            datetime.date(2026, 2, 15),
            "Loyer\tfévrier\r\nbureau",
            [Line("613", structure, debit=D("1234.50")), Line("512", structure, credit=D("1234.50"))],
            piece_date=datetime.date(2026, 2, 15),
        )
    )
    od_entry(structure, "99.00", date=datetime.date(2025, 12, 31))
    time_machine.move_to(datetime.datetime(2026, 3, 11, 9, 0, tzinfo=datetime.UTC), tick=False)
    post_entry(
        spec(
            "AN",
            datetime.date(2026, 1, 1),
            "À-nouveaux 2026",
            [Line("512", structure, debit=D("5000")), Line("110", structure, credit=D("5000"))],
            piece_ref="AN2026",
            piece_date=datetime.date(2026, 1, 1),
        )
    )
    post_entry(
        spec(
            "OD",
            datetime.date(2026, 3, 10),
            "Facture FA-1",
            [
                Line("411", structure, debit=D("120"), aux_code="C000001", aux_label="SARL Les Jardins"),
                Line("706", structure, credit=D("100")),
                Line("44571", structure, credit=D("20")),
            ],
            piece_ref="FA-1",
            piece_date=datetime.date(2026, 3, 10),
        )
    )


def test_the_file_has_the_exact_header_and_lines_opening_entries_first(year_2026, tmp_path):
    result = write_fec(2026, tmp_path)
    assert result.path == tmp_path / "812345676FEC20261231.txt"
    raw = result.path.read_bytes()
    assert raw.decode("utf-8").split("\r\n") == [*EXPECTED, ""]
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM
    assert HEADER.split("\t") == list(COLUMNS) and len(COLUMNS) == 18
    assert (result.records, result.debit, result.credit) == (7, D("6354.50"), D("6354.50"))


def test_the_file_is_balanced_and_passes_the_validator(year_2026, tmp_path):
    found = check_fec(write_fec(2026, tmp_path).path)
    assert found.ok, found.errors
    assert (found.records, found.entries, found.debit, found.credit) == (7, 3, D("6354.50"), D("6354.50"))


def test_file_name_is_siren_fec_and_the_closing_date():
    assert fec_filename("812345676", 2017) == "812345676FEC20171231.txt"


def test_an_empty_year_has_the_header_only(coop, tmp_path):
    result = write_fec(2019, tmp_path)
    assert result.path.read_bytes().decode() == HEADER + "\r\n" and result.records == 0
    assert check_fec(result.path).ok


def test_latin9_encoding_on_request(year_2026, tmp_path):
    path = write_fec(2026, tmp_path, encoding="iso-8859-15").path
    assert path.read_bytes().decode("iso-8859-15").split("\r\n")[1] == EXPECTED[1]
    assert check_fec(path, encoding="iso-8859-15").ok


def _write(tmp_path, lines, name="812345676FEC20261231.txt"):
    path = tmp_path / name
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda lines: [lines[0].replace("PieceRef\tPieceDate", "PieceDate\tPieceRef"), *lines[1:]],
            "en-tête",
        ),
        (
            lambda lines: [*lines[:3], lines[3].replace("1234,50\t0,00", "1234,00\t0,00"), *lines[4:]],
            "pas équilibrée",
        ),
        (lambda lines: [*lines[:3], lines[3].replace("1234,50", "1234.50"), *lines[4:]], "1234,56"),
        (
            lambda lines: [*lines[:3], lines[3].replace("\t20260215\t613", "\t20260231\t613"), *lines[4:]],
            "date",
        ),
        (lambda lines: [*lines[:3], lines[3] + "\textra", *lines[4:]], "19 champs"),
        (lambda lines: [lines[0], *lines[3:5], *lines[1:3], *lines[5:]], "à-nouveaux après"),
        (
            lambda lines: [
                lines[0],
                *lines[1:3],
                *(row.replace("OD2026-000001", "OD2026-000004") for row in lines[3:5]),
                *lines[5:],
            ],
            "discontinue",
        ),
        (lambda lines: [lines[0], lines[1], lines[3], lines[2], *lines[4:]], "ne se suivent pas"),
    ],
    ids=[
        "header order",
        "unbalanced entry",
        "decimal point",
        "bad date",
        "field count",
        "opening last",
        "gap",
        "split entry",
    ],
)
def test_the_validator_finds_what_is_wrong(tmp_path, change, message):
    assert check_fec(_write(tmp_path, EXPECTED)).ok
    found = check_fec(_write(tmp_path, change(list(EXPECTED))))
    assert not found.ok and any(message in error for error in found.errors), found.errors


def test_the_validator_checks_the_file_name(tmp_path):
    found = check_fec(_write(tmp_path, EXPECTED, name="fec.txt"))
    assert not found.ok and "SIRENFECAAAAMMJJ" in found.errors[0]


def test_the_command_writes_checks_and_reports(year_2026, tmp_path):
    out = StringIO()
    call_command("export_fec", "2026", "--output", str(tmp_path), "--check", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == str(tmp_path / "812345676FEC20261231.txt")
    assert lines[1] == "7 lignes, débit 6354,50, crédit 6354,50"
    assert lines[2] == "Vérification : 7 lignes, 3 écritures, débit 6354,50, crédit 6354,50"
    assert lines[-1] == "FEC conforme."
    out = StringIO()
    call_command("export_fec", "--check", str(tmp_path / "812345676FEC20261231.txt"), stdout=out)
    assert out.getvalue().splitlines()[-1] == "FEC conforme."


def test_the_command_refuses_a_bad_file_and_a_missing_siren(coop, tmp_path):
    bad = _write(tmp_path, [EXPECTED[0], EXPECTED[3]])
    with pytest.raises(CommandError, match="non conforme"):
        call_command("export_fec", "--check", str(bad), stdout=StringIO())
    Cooperative.objects.update(siren="")
    with pytest.raises(CommandError, match="SIREN"):
        call_command("export_fec", "2026", "--output", str(tmp_path), stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("export_fec", stdout=StringIO())


def test_the_export_reads_the_lines_in_one_query_whatever_their_number(coop, structure, tmp_path):
    od_entry(structure)
    with CaptureQueriesContext(connection) as few:
        write_fec(2026, tmp_path)
    for index in range(60):
        od_entry(structure, f"{index + 1}.00")
    with CaptureQueriesContext(connection) as many:
        result = write_fec(2026, tmp_path, siren="812345676")
    assert len(many) <= len(few) and result.records == 122
    assert len([q for q in many.captured_queries if "comptabilite_entryline" in q["sql"]]) == 1


def test_the_staff_download_is_streamed_and_equals_the_file(year_2026, accountant, tmp_path):
    response = client_for(accountant).get("/gestion/comptabilite/fec/2026/")
    assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == 'attachment; filename="812345676FEC20261231.txt"'
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert b"".join(response.streaming_content) == write_fec(2026, tmp_path).path.read_bytes()
    page = client_for(accountant).get("/gestion/comptabilite/fec/").content.decode()
    assert "812345676FEC20261231.txt" in page and "/gestion/comptabilite/fec/2026/" in page


def test_the_download_is_refused_to_entrepreneurs_and_officers(year_2026, entrepreneur, officer):
    for person in (entrepreneur, officer):
        assert client_for(person).get("/gestion/comptabilite/fec/2026/").status_code == 403
        assert client_for(person).get("/gestion/comptabilite/fec/").status_code == 403


def test_the_download_without_siren_explains(coop, accountant):
    Cooperative.objects.update(siren="")
    response = client_for(accountant).get("/gestion/comptabilite/fec/2026/", follow=True)
    assert "SIREN" in response.content.decode()


def test_chunks_are_the_lines_in_batches(year_2026):
    export = FecExport(2026)
    chunks = list(export.chunks(size=3))
    assert len(chunks) == 3 and b"".join(chunks).decode().split("\r\n")[:-1] == EXPECTED
    assert export.records == 7
