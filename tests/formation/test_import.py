"""``import_cae`` with training_sessions.csv and training_registrations.csv: good and bad files.

The clock is frozen on 16 November 2026: sessions before are history, the one in December is to come.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from formation.models import (
    Attendance,
    RegistrationStatus,
    SessionStatus,
    TrainingRegistration,
    TrainingSession,
)
from tests.importing.test_import_cae import write

pytestmark = pytest.mark.django_db

FILES = {
    "entrepreneurs.csv": """ref,last_name,first_name
E001,Morel,Lina
E002,Arnaud,Paul
E003,Faure,Zoé
""",
    "journey.csv": """entrepreneur_ref,date,step
E001,2016-05-02,cesa
E002,2016-09-01,cape
E003,2017-03-01,cape
E003,2017-06-30,exit
""",
    "training_sessions.csv": """ref,date,type,title,place,duration_hours
S17-01,2017-01-25,Outils de gestion niveau II,Formation WinScop,COODYSSEE Chorges,3
S17-02,2017-03-30,outils de gestion niveau II,Formation outils de gestion niv2,COODYSSEE Chorges,"3,5"
S17-03,2017-05-03,Commerciale,Définir une stratégie commerciale,LUCEO La Roche de Rame,7
S26-01,2026-12-01,Commerciale,Formation commerciale étape 2,Chorges,3
""",
    "training_registrations.csv": """session_ref;entrepreneur_ref;attended
S17-01;E001;1
S17-01;E002;
S17-02;E001;oui
S17-02;E003;non
S17-03;E002;true
S26-01;E001;
""",
}


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False)


def run(directory) -> list[str]:
    out = StringIO()
    call_command("import_cae", str(directory), stdout=out, stderr=StringIO())
    return out.getvalue().splitlines()


def run_failing(directory) -> list[str]:
    err = StringIO()
    with pytest.raises(CommandError, match="rien n'a été enregistré"):
        call_command("import_cae", str(directory), stdout=StringIO(), stderr=err)
    return err.getvalue().splitlines()


def report(year: int) -> dict:
    out = StringIO()
    call_command("annual_report", str(year), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_training_files_are_imported_and_counted_by_the_report(tmp_path):
    write(tmp_path, FILES)
    assert run(tmp_path)[-2:] == [
        "training_sessions.csv: 4 rows imported",
        "training_registrations.csv: 6 rows imported",
    ]
    assert report(2017)["trainings"] == {"sessions": 3, "registrations": 5, "participant_hours": "20.0"}
    winscop = TrainingSession.objects.get(ref="S17-02")
    assert winscop.training_type.name == "Outils de gestion niveau II"  # matched whatever the case
    assert (winscop.duration_hours, winscop.status, len(winscop.half_days)) == (Decimal("3.50"), "held", 1)
    assert TrainingSession.objects.get(ref="S17-03").day_part == "full_day"  # 7 hours: two half-days
    assert TrainingSession.objects.get(ref="S26-01").status == SessionStatus.DRAFT


def test_attended_defaults_to_true_and_marks_every_half_day(tmp_path):
    write(tmp_path, FILES)
    run(tmp_path)
    presence = {
        (a.registration.session.ref, a.registration.entrepreneur.ref, a.period): a.present
        for a in Attendance.objects.select_related("registration__session", "registration__entrepreneur")
    }
    assert presence == {
        ("S17-01", "E001", "morning"): True,
        ("S17-01", "E002", "morning"): True,
        ("S17-02", "E001", "morning"): True,
        ("S17-02", "E003", "morning"): False,
        ("S17-03", "E002", "morning"): True,
        ("S17-03", "E002", "afternoon"): True,
    }
    upcoming = TrainingRegistration.objects.get(session__ref="S26-01")
    assert upcoming.status == RegistrationStatus.REGISTERED and not upcoming.attendances.exists()


def test_importing_the_same_files_again_changes_nothing(tmp_path):
    write(tmp_path, FILES)
    run(tmp_path)
    counts = (
        TrainingSession.objects.count(),
        TrainingRegistration.objects.count(),
        Attendance.objects.count(),
    )
    assert run(tmp_path)[-2:] == [
        "training_sessions.csv: 0 rows imported, 4 unchanged",
        "training_registrations.csv: 0 rows imported, 6 unchanged",
    ]
    assert (
        TrainingSession.objects.count(),
        TrainingRegistration.objects.count(),
        Attendance.objects.count(),
    ) == counts


def replace(name: str, old: str, new: str) -> dict[str, str]:
    assert old in FILES[name]
    return {**FILES, name: FILES[name].replace(old, new)}


BAD_FILES = [
    pytest.param(
        replace("training_sessions.csv", "S17-03,2017-05-03", "S17-03,2017-05-33"),
        "training_sessions.csv:4: date: date inexistante : « 2017-05-33 »",
        id="bad-date",
    ),
    pytest.param(
        replace("training_sessions.csv", "LUCEO La Roche de Rame,7", "LUCEO La Roche de Rame,sept"),
        "training_sessions.csv:4: duration_hours: nombre décimal attendu",
        id="bad-duration",
    ),
    pytest.param(
        replace("training_sessions.csv", "LUCEO La Roche de Rame,7", "LUCEO La Roche de Rame,0"),
        "training_sessions.csv:4: duration_hours: doit être supérieur ou égal à 0.25",
        id="zero-duration",
    ),
    pytest.param(
        replace("training_sessions.csv", "place,duration_hours", "place,hours"),
        "training_sessions.csv:1: hours: colonne inconnue",
        id="unknown-column",
    ),
    pytest.param(
        replace(
            "training_sessions.csv", "S17-01,2017-01-25,Outils de gestion niveau II,", "S17-01,2017-01-25,,"
        ),
        "training_sessions.csv:2: type: valeur obligatoire",
        id="missing-type",
    ),
    pytest.param(
        replace("training_sessions.csv", "S17-03,2017-05-03", "S17-01,2017-05-03"),
        "training_sessions.csv:4: ref: session en double (déjà ligne 2)",
        id="duplicate-session",
    ),
    pytest.param(
        replace("training_registrations.csv", "S17-03;E002", "S17-09;E002"),
        "training_registrations.csv:6: session_ref: session inconnue : S17-09",
        id="unknown-session",
    ),
    pytest.param(
        replace("training_registrations.csv", "S17-03;E002", "S17-03;E999"),
        "training_registrations.csv:6: entrepreneur_ref: entrepreneur·e inconnu·e : E999",
        id="unknown-entrepreneur",
    ),
    pytest.param(
        replace("training_registrations.csv", "S17-02;E003;non", "S17-01;E002;non"),
        "training_registrations.csv:5: entrepreneur_ref: inscription en double (déjà ligne 3)",
        id="duplicate-registration",
    ),
    pytest.param(
        replace("training_registrations.csv", "S17-02;E003;non", "S17-02;E003;peut-être"),
        "training_registrations.csv:5: attended: valeur attendue : 0/1, true/false ou oui/non",
        id="bad-boolean",
    ),
    pytest.param(
        replace("training_registrations.csv", "S26-01;E001;", "S26-01;E001;1"),
        "training_registrations.csv:7: attended: session à venir",
        id="attendance-of-a-session-to-come",
    ),
    pytest.param(
        replace("training_registrations.csv", "S26-01;E001;", "S26-01;E003;"),
        "training_registrations.csv:7: entrepreneur_ref: "
        "Zoé Faure a quitté la coopérative avant cette session.",
        id="left-before-the-session",
    ),
]


@pytest.mark.parametrize(("files", "message"), BAD_FILES)
def test_a_bad_file_is_refused_with_its_line_and_nothing_is_written(tmp_path, files, message):
    write(tmp_path, files)
    errors = run_failing(tmp_path)
    assert any(error.startswith(message) for error in errors), errors
    assert not TrainingSession.objects.exists()
    assert not TrainingRegistration.objects.exists()


def test_a_known_session_with_other_values_is_an_error_not_an_overwrite(tmp_path, tmp_path_factory):
    write(tmp_path, FILES)
    run(tmp_path)
    later = tmp_path_factory.mktemp("later")
    write(
        later,
        {
            "training_sessions.csv": FILES["training_sessions.csv"].replace("Chorges,3\n", "Chorges,4\n", 1),
            "training_registrations.csv": FILES["training_registrations.csv"].replace(
                "S17-02;E003;non", "S17-02;E003;oui"
            ),
        },
    )
    errors = run_failing(later)
    assert errors[0].startswith(
        "training_sessions.csv:2: duration_hours: la ligne existe déjà avec une autre valeur"
    )
    assert errors[1].startswith(
        "training_registrations.csv:5: attended: la ligne existe déjà avec une autre valeur"
    )
    assert TrainingSession.objects.get(ref="S17-01").duration_hours == Decimal("3.00")
