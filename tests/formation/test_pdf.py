"""Attendance sheets and certificates of attendance: what a printed page must show."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from coodyssee.pdf import pdf_to_text
from formation import services
from tests.conftest import client_for
from tests.formation.factories import TrainingSessionFactory, TrainingTypeFactory, full_day, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False)


def words(pdf: bytes) -> str:
    return " ".join(pdf_to_text(pdf).split())


def pages(pdf: bytes) -> int:
    return pdf_to_text(pdf).rstrip("\f").count("\f") + 1  # pdftotext ends each page with a form feed


def test_attendance_sheet_has_title_date_times_place_trainer_and_every_trainee(officer, cooperative):
    session = full_day(
        training_type=TrainingTypeFactory(name="Commerciale"),
        title="Définir une stratégie commerciale",
        date=datetime.date(2026, 12, 3),
        place="Pépinière Lucéo, La Roche-de-Rame",
        trainer=officer,
    )
    for last_name in ("Morel", "Arnaud", "Zélie"):
        services.registration_register(session=session, entrepreneur=member(last_name))
    waiting = TrainingSessionFactory(capacity=1)
    services.registration_register(session=waiting, entrepreneur=member("Autre"))
    response = client_for(officer).get(f"/gestion/formations/{session.pk}/emargement.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    content = words(response.content)
    assert "FEUILLE D'ÉMARGEMENT" in content
    assert "Définir une stratégie commerciale" in content and "Commerciale" in content
    assert "Jeudi 3 décembre 2026" in content
    assert "Matin 9h00–12h30 · Après-midi 13h30–17h00" in content
    assert "Pépinière Lucéo, La Roche-de-Rame" in content and "Anna Appui" in content
    for name in ("MOREL", "ARNAUD", "ZÉLIE"):
        assert name in content
    assert "AUTRE" not in content
    assert "Signature — Matin" in content and "Signature — Après-midi" in content
    assert "3 stagiaires inscrit·es" in content


def test_a_multi_day_session_prints_one_page_per_day(officer, cooperative):
    session = full_day(date=datetime.date(2026, 12, 3), end_date=datetime.date(2026, 12, 4))
    services.registration_register(session=session, entrepreneur=member("Morel"))
    pdf = client_for(officer).get(f"/gestion/formations/{session.pk}/emargement.pdf").content
    assert pages(pdf) == 2
    content = words(pdf)
    assert "Jour 1 sur 2" in content and "Jour 2 sur 2" in content and "Vendredi 4 décembre 2026" in content


def test_certificate_names_the_trainee_and_the_hours_attended(officer, cooperative):
    session = full_day(date=datetime.date(2026, 11, 10), title="Définir une stratégie commerciale")
    first = services.registration_register(session=session, entrepreneur=member("Morel", first_name="Lina"))
    second = services.registration_register(session=session, entrepreneur=member("Arnaud", first_name="Paul"))
    services.attendance_record(
        session=session,
        marks={(first.pk, session.half_days[0].key): True, (second.pk, session.half_days[0].key): True}
        | {(second.pk, session.half_days[1].key): True},
    )
    client = client_for(officer)
    content = words(client.get(f"/gestion/formations/inscriptions/{first.pk}/attestation.pdf").content)
    assert "ATTESTATION DE PRÉSENCE" in content
    assert "Lina MOREL" in content and "Définir une stratégie commerciale" in content
    assert "3,5 h (1 demi-journée(s) sur 2" in content
    assert "Coopérative de test atteste que" in content
    bundle = client.get(f"/gestion/formations/{session.pk}/attestations.pdf").content
    assert pages(bundle) == 2
    assert "Lina MOREL" in words(bundle) and "Paul ARNAUD" in words(bundle)


def test_no_certificate_without_presence(officer, cooperative):
    session = TrainingSessionFactory(date=datetime.date(2026, 11, 10))
    registration = services.registration_register(session=session, entrepreneur=member())
    client = client_for(officer)
    response = client.get(f"/gestion/formations/inscriptions/{registration.pk}/attestation.pdf")
    assert response.status_code == 302
    assert client.get(f"/gestion/formations/{session.pk}/attestations.pdf").status_code == 302
