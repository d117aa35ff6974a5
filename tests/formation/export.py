"""The demo's trainings written out in the import format (for tests/importing/test_demo_round_trip.py)."""

from __future__ import annotations

import csv

from formation.models import RegistrationStatus, TrainingRegistration, TrainingSession


def export_trainings(directory) -> None:
    """training_sessions.csv and training_registrations.csv of every session and registration held."""
    with open(directory / "training_sessions.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["ref", "date", "type", "title", "place", "duration_hours"])
        for session in TrainingSession.objects.select_related("training_type").order_by("date", "ref"):
            writer.writerow(
                [
                    session.ref,
                    session.date.isoformat(),
                    session.training_type.name,
                    session.title,
                    session.place,
                    str(session.duration_hours).replace(".", ","),
                ]
            )
    registrations = (
        TrainingRegistration.objects.filter(status=RegistrationStatus.REGISTERED)
        .select_related("session", "entrepreneur")
        .prefetch_related("attendances")
        .order_by("session__date", "session__ref", "id")
    )
    with open(directory / "training_registrations.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(["session_ref", "entrepreneur_ref", "attended"])
        for registration in registrations:
            marks = [attendance.present for attendance in registration.attendances.all()]
            attended = "" if not marks else ("oui" if any(marks) else "non")
            writer.writerow([registration.session.ref, registration.entrepreneur.ref, attended])


def delete_trainings() -> None:
    TrainingRegistration.objects.all().delete()
    TrainingSession.objects.all().delete()
