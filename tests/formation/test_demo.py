"""Demo trainings: the 2017 table of the activity report comes out of the records; sessions to come."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from coodyssee.demo import load_demo
from formation import selectors
from formation.demo import SESSIONS_2017
from formation.models import (
    Attendance,
    FundingRequest,
    FundingStatus,
    RegistrationStatus,
    SessionStatus,
    TrainingProgramme,
    TrainingRegistration,
    TrainingSession,
)
from formation.stats import trainings

pytestmark = pytest.mark.django_db
REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference" / "coodyssee-2017.json"
TODAY = datetime.date(2026, 11, 28)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module (it takes a few seconds), removed afterwards."""
    import time_machine

    with (
        django_db_blocker.unblock(),
        time_machine.travel(
            datetime.datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False
        ),
    ):
        from django.db import transaction

        with transaction.atomic():
            load_demo()
            yield
            transaction.set_rollback(True)


def test_the_2017_report_figures_are_counted_from_the_records(demo):
    assert trainings(2017) == {"sessions": 19, "registrations": 67, "participant_hours": "209.0"}


def test_the_2017_table_is_regenerated_session_by_session(demo):
    rows = [
        (
            row.session.date.isoformat(),
            row.session.training_type.name,
            row.session.title,
            row.session.place,
            row.registered,
            row.participant_hours,
        )
        for row in selectors.year_summary(2017).rows
    ]
    expected = [
        (d, kind, title, place, n, Decimal(hours)) for d, kind, title, place, n, hours in SESSIONS_2017
    ]
    assert rows == expected


def test_the_embedded_table_is_the_reference_one():
    if not REFERENCE.is_file():
        pytest.skip(f"reference figures not found at {REFERENCE}")
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))["trainings"]
    assert [
        (s["date"], s["type"], s["title"], s["place"], s["registered"], Decimal(str(s["hours"])))
        for s in reference["sessions"]
    ] == [(d, kind, title, place, n, Decimal(hours)) for d, kind, title, place, n, hours in SESSIONS_2017]
    assert sum(n for *_rest, n, _hours in SESSIONS_2017) == reference["total_registrations"]


def test_trainees_were_in_the_cooperative_on_the_session_day(demo):
    registrations = TrainingRegistration.objects.filter(session__date__year=2017).select_related(
        "session", "entrepreneur"
    )
    for registration in registrations:
        person, day = registration.entrepreneur, registration.session.date
        assert person.entry_date <= day and (person.exit_date is None or person.exit_date > day)
    assert Attendance.objects.filter(registration__session__date__year=2017).count() == 67


def test_road_safety_programme_and_opco_requests_of_2017(demo):
    programme = TrainingProgramme.objects.get(year=2017)
    assert (programme.signed_on, programme.training_days, programme.participants) == (
        datetime.date(2017, 7, 6),
        4,
        66,
    )
    assert programme.commitments.count() == 7
    requests = FundingRequest.objects.filter(requested_on__year=2017)
    assert requests.count() == 3
    assert not requests.filter(status=FundingStatus.ACCEPTED).exists()


def test_sessions_in_the_coming_weeks_are_open_one_of_them_full_with_a_waiting_list(demo):
    upcoming = selectors.open_sessions(today=TODAY)
    assert len(upcoming) >= 3
    assert all(TODAY < session.date <= TODAY + datetime.timedelta(weeks=8) for session in upcoming)
    assert any(session.seats_left for session in upcoming)
    full = [session for session in upcoming if session.seats_left == 0]
    assert len(full) == 1 and full[0].waiting_count >= 1


def test_the_demo_entrepreneur_has_a_history_with_a_certificate_and_an_upcoming_session(demo):
    from entrepreneurs.models import Entrepreneur

    lucie = Entrepreneur.objects.get(user__email="entrepreneur@demo.coodyssee.fr")
    history = selectors.training_history_for(lucie)
    past = [r for r in history if r.session.date < TODAY]
    assert past and all(r.attended_hours > 0 for r in past)
    assert any(r.session.date > TODAY and r.status == RegistrationStatus.REGISTERED for r in history)


def test_loading_the_demo_again_adds_nothing(demo):
    counts = (
        TrainingSession.objects.count(),
        TrainingRegistration.objects.count(),
        Attendance.objects.count(),
    )
    load_demo()
    assert (
        TrainingSession.objects.count(),
        TrainingRegistration.objects.count(),
        Attendance.objects.count(),
    ) == counts
    assert TrainingSession.objects.filter(status=SessionStatus.DRAFT).count() == 1
