"""``annual_report YEAR --json``: one JSON object on stdout, the contract's keys, figures from the records."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from gouvernance.reports import SECTIONS
from tests.entrepreneurs.factories import EntrepreneurFactory, InfoSessionFactory, d, exited, in_cape, in_cesa

pytestmark = pytest.mark.django_db
# In CI the shared folder sits next to the repository (../shared).
REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference" / "coodyssee-2017.json"


def report(year: int) -> dict:
    out = StringIO()
    call_command("annual_report", str(year), "--json", stdout=out)
    return json.loads(out.getvalue())  # the whole of stdout is one JSON object


def test_report_of_a_small_cooperative():
    in_cesa(in_cape(EntrepreneurFactory(), "2016-09-01", "2017-02-28"), "2017-03-01")
    exited(in_cesa(EntrepreneurFactory(), "2014-01-01"), "2017-07-12")
    in_cape(EntrepreneurFactory(), "2017-10-02", "2018-04-01")
    InfoSessionFactory(date=d("2017-09-12"), registered=5, attended=4)
    InfoSessionFactory(date=d("2017-10-10"), registered=2, attended=2)
    data = report(2017)
    assert list(data) == ["year", *(key for key, _path in SECTIONS)]
    assert data["year"] == 2017
    headcount = data["headcount"]
    assert list(headcount) == [
        "start_of_year",
        "end_of_year",
        "entries",
        "exits",
        "accompanied",
        "cesa_end_of_year",
        "cape_end_of_year",
        "monthly",
    ]
    assert headcount["start_of_year"] == 2
    assert headcount["end_of_year"] == 2
    assert (headcount["entries"], headcount["exits"], headcount["accompanied"]) == (1, 1, 3)
    assert (headcount["cesa_end_of_year"], headcount["cape_end_of_year"]) == (1, 1)
    assert headcount["monthly"][6] == {"month": "2017-07", "entries": 0, "exits": 1, "headcount": 1}
    assert headcount["monthly"][9] == {"month": "2017-10", "entries": 1, "exits": 0, "headcount": 2}
    assert data["info_sessions"] == {"sessions": 2, "registered": 7, "attended": 6}


def test_sections_not_built_yet_are_absent():
    assert set(report(2020)) == {"year"} | {key for key, _path in SECTIONS}
    contract = {"activity", "mutualisation", "trainings", "associates", "subsidies"}
    assert (contract - {key for key, _path in SECTIONS}).isdisjoint(report(2020))


def test_pdf_is_refused_with_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match="PDF"):
        call_command("annual_report", "2017", "--pdf", str(tmp_path / "rapport.pdf"))
    assert not (tmp_path / "rapport.pdf").exists()


def test_an_output_format_is_required():
    with pytest.raises(CommandError):
        call_command("annual_report", "2017")


def test_demo_data_reproduces_the_2017_report(time_machine):
    if not REFERENCE.is_file():
        pytest.skip(
            f"reference figures not found at {REFERENCE} (the shared folder sits next to the repository)"
        )
    expected = json.loads(REFERENCE.read_text(encoding="utf-8"))
    time_machine.move_to(datetime.datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False)
    call_command("load_demo", "--quiet-logins")
    data = report(2017)
    headcount, reference = data["headcount"], expected["headcount"]
    for key in ("start_of_year", "end_of_year", "entries", "exits", "accompanied"):
        assert headcount[key] == reference[key], key
    assert headcount["cesa_end_of_year"] == reference["cesa_cdi_end_of_year"]
    assert headcount["cape_end_of_year"] == reference["cape_convention_end_of_year"]
    assert headcount["monthly"] == reference["monthly"]
    assert data["info_sessions"]["registered"] == expected["information_sessions"]["registered"]
    assert data["info_sessions"]["attended"] == expected["information_sessions"]["received"]
