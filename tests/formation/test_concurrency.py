"""Two people taking the last seat at the same moment: the session row lock lets only one have it.

PostgreSQL only: SQLite has no row locks (it serialises every write instead).
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, transaction

from formation import services
from formation.models import RegistrationStatus, TrainingRegistration, TrainingSession
from tests.formation.factories import TrainingSessionFactory, member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _in_thread(target, results, *args):
    def run():
        try:
            results.append(target(*args))
        except Exception as error:  # pragma: no cover - reported by the assertions
            results.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _register(session, person):
    return services.registration_register(session=session, entrepreneur=person).status


def test_a_registration_waits_for_the_one_in_progress_and_sees_the_session_full():
    session = TrainingSessionFactory(capacity=1, date=datetime.date(2030, 1, 7))
    first, second = member("Premier"), member("Second")
    results: list = []
    with transaction.atomic():
        # Another registration holds the lock and takes the last seat…
        TrainingSession.objects.select_for_update().get(pk=session.pk)
        TrainingRegistration.objects.create(session=session, entrepreneur=first)
        thread = _in_thread(_register, results, session, second)
        thread.join(timeout=0.5)
        assert thread.is_alive(), "the second registration must wait for the session lock"
    # …and once it commits, the second one goes on the waiting list.
    thread.join(timeout=10)
    assert results == [RegistrationStatus.WAITING]


def test_two_registrations_for_the_last_seat_at_once_give_one_seat_and_one_waiting():
    session = TrainingSessionFactory(capacity=1, date=datetime.date(2030, 1, 7))
    people = [member("Un"), member("Deux")]
    barrier = threading.Barrier(2)
    results: list = []

    def register(person):
        barrier.wait(timeout=5)
        return _register(session, person)

    threads = [_in_thread(register, results, person) for person in people]
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(results) == [RegistrationStatus.REGISTERED, RegistrationStatus.WAITING]
    assert session.registrations.filter(status=RegistrationStatus.REGISTERED).count() == 1
