"""The report's ``trainings`` section, the year summary table and the BPF-style summary by type."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from formation import selectors, services
from formation.models import SessionStatus
from formation.stats import trainings
from gouvernance.reports import SECTIONS
from tests.formation.factories import TrainingSessionFactory, TrainingTypeFactory, full_day, member

pytestmark = pytest.mark.django_db
D = datetime.date


def registered(session, *people, attended=None):
    registrations = [services.registration_register(session=session, entrepreneur=p) for p in people]
    if attended is not None:
        for registration in registrations:
            services.attendance_record_all(registration=registration, present=attended)
    return registrations


@pytest.fixture
def year_2017():
    """Three 2017 sessions: 3 h × 4, 3,5 h × 2 (one absent), a cancelled one; one 2018 session."""
    management = TrainingTypeFactory(name="Outils de gestion niveau II")
    sales = TrainingTypeFactory(name="Commerciale")
    people = [member(f"P{n}") for n in range(5)]
    winscop = TrainingSessionFactory(training_type=management, date=D(2017, 1, 25), status=SessionStatus.HELD)
    registered(winscop, *people[:4], attended=True)
    strategy = TrainingSessionFactory(
        training_type=sales, date=D(2017, 5, 3), duration_hours=Decimal("3.5"), status=SessionStatus.HELD
    )
    present, absent = registered(strategy, people[0], people[4])
    services.attendance_record_all(registration=present, present=True)
    services.attendance_record_all(registration=absent, present=False)
    cancelled = TrainingSessionFactory(training_type=sales, date=D(2017, 6, 1))
    registered(cancelled, people[1])
    services.session_set_status(session=cancelled, status=SessionStatus.CANCELLED)
    registered(TrainingSessionFactory(training_type=management, date=D(2018, 1, 10)), people[2])
    # A cancelled registration and a waiting list are not registrations.
    small = TrainingSessionFactory(training_type=management, date=D(2017, 10, 4), capacity=1)
    seat, queued = registered(small, people[3], people[1])
    services.registration_cancel(registration=registered(small, people[2])[0])
    return {"people": people}


def test_trainings_section_counts_sessions_registrations_and_participant_hours(year_2017):
    assert trainings(2017) == {"sessions": 3, "registrations": 7, "participant_hours": "22.0"}
    assert trainings(2018) == {"sessions": 1, "registrations": 1, "participant_hours": "3.0"}
    assert trainings(2019) == {"sessions": 0, "registrations": 0, "participant_hours": "0.0"}


def test_annual_report_json_has_the_trainings_section_in_the_contract_order(year_2017):
    out = StringIO()
    call_command("annual_report", "2017", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["trainings"] == {"sessions": 3, "registrations": 7, "participant_hours": "22.0"}
    order = [
        "headcount",
        "info_sessions",
        "activity",
        "mutualisation",
        "trainings",
        "associates",
        "subsidies",
    ]
    keys = [key for key, _path in SECTIONS]
    assert keys == [key for key in order if key in keys]


def test_year_summary_lists_each_session_with_its_registered_and_hours(year_2017):
    summary = selectors.year_summary(2017)
    rows = [
        (r.session.date, r.session.training_type.name, r.registered, r.participant_hours)
        for r in summary.rows
    ]
    assert rows == [
        (D(2017, 1, 25), "Outils de gestion niveau II", 4, Decimal("12")),
        (D(2017, 5, 3), "Commerciale", 2, Decimal("7.0")),
        (D(2017, 10, 4), "Outils de gestion niveau II", 1, Decimal("3")),
    ]
    assert (summary.total.sessions, summary.total.trainees) == (3, 7)
    assert summary.total.participant_hours == Decimal("22.0")
    assert summary.total.attended_hours == Decimal(
        "15.5"
    )  # 4 × 3 + 3,5; the absent one and the future one count 0


def test_bpf_summary_gives_trainees_people_and_trainee_hours_by_type(year_2017):
    by_type = {row.name: row for row in selectors.year_summary(2017).by_type}
    management, sales = by_type["Outils de gestion niveau II"], by_type["Commerciale"]
    assert (management.sessions, management.trainees, management.people_count) == (2, 5, 4)
    assert (management.participant_hours, management.attended_hours) == (Decimal("15"), Decimal("12.00"))
    assert (sales.sessions, sales.trainees, sales.attended_trainees) == (1, 2, 1)
    assert (sales.participant_hours, sales.attended_hours) == (Decimal("7.0"), Decimal("3.50"))


def test_a_person_history_has_attended_hours_and_hides_cancelled_sessions(year_2017):
    first = year_2017["people"][0]
    session = full_day(date=D(2017, 11, 29))
    registration = registered(session, first)[0]
    services.attendance_record(session=session, marks={(registration.pk, session.half_days[0].key): True})
    history = selectors.training_history_for(first)
    assert [r.session.date for r in history] == [D(2017, 11, 29), D(2017, 5, 3), D(2017, 1, 25)]
    assert history.attended_hours == Decimal("10.00")  # 3,5 (morning of 7 h) + 3,5 + 3
    assert history.participant_hours == Decimal("13.5")
    assert history.sessions_attended == 3
