"""The training files of the CSV import: training_sessions.csv and training_registrations.csv.

Format and rules: docs/import-format.md §1. Natural keys: a session's ``ref``; a registration's
(session ref, entrepreneur ref). A row whose key exists with the same values is left alone; with
other values it is an error. Imported sessions are history: a past session is "held" and each
registration's ``attended`` marks every half-day present or absent; a session still to come is
"in preparation" (times and seats to complete before opening it) and takes no attendance.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from coodyssee.errors import DomainError
from coodyssee.importing import Column, FileImporter, FileReport, Row, boolean, date, decimal, register, text
from entrepreneurs.models import Entrepreneur
from formation import services
from formation.models import (
    Attendance,
    DayPart,
    RegistrationStatus,
    SessionStatus,
    TrainingRegistration,
    TrainingSession,
)

HALF_DAY_MAX_HOURS = Decimal(4)


def _normalize(value: str) -> str:
    return " ".join(value.split())


@register
class TrainingSessionsImporter(FileImporter):
    filename = "training_sessions.csv"
    columns = (
        Column("ref", text(30), required=True),
        Column("date", date, required=True),
        Column("type", text(200), required=True),
        Column("title", text(200), required=True),
        Column("place", text(200), required=True),
        Column("duration_hours", decimal(max_digits=5, places=2, minimum="0.25", maximum=999), required=True),
    )
    service_fields = {"training_type": "type"}

    def import_rows(self, rows: list[Row], report: FileReport) -> None:
        today = timezone.localdate()
        existing = {
            session.ref: session
            for session in TrainingSession.objects.filter(
                ref__in=[row.values["ref"] for row in rows]
            ).select_related("training_type")
        }
        seen: dict[str, int] = {}
        for row in rows:
            for name in ("ref", "type", "title", "place"):
                row.values[name] = _normalize(row.values[name])
            ref = row.values["ref"]
            if ref in seen:
                report.error(
                    row.line, "ref", _("session en double (déjà ligne %(line)s)") % {"line": seen[ref]}
                )
                continue
            seen[ref] = row.line
            session = existing.get(ref)
            if session is not None:
                current = {
                    "date": session.date,
                    "type": session.training_type.name,
                    "title": session.title,
                    "place": session.place,
                    "duration_hours": session.duration_hours,
                }
                # The catalogue entry is matched without regard to case, as on creation.
                if current["type"].casefold() == row.values["type"].casefold():
                    row.values["type"] = current["type"]
                differences = self.differences(current, row)
                self.report_differences(report, row, differences)
                if not differences:
                    report.unchanged += 1
                continue
            try:
                services.session_save(
                    ref=ref,
                    training_type=services.training_type_ensure(name=row.values["type"]),
                    title=row.values["title"],
                    date=row.values["date"],
                    place=row.values["place"],
                    duration_hours=row.values["duration_hours"],
                    day_part=(
                        DayPart.MORNING
                        if row.values["duration_hours"] <= HALF_DAY_MAX_HOURS
                        else DayPart.FULL_DAY
                    ),
                    status=SessionStatus.HELD if row.values["date"] <= today else SessionStatus.DRAFT,
                )
            except DomainError as error:
                report.domain_error(row, error, self.service_fields)
                continue
            report.imported += 1


@register
class TrainingRegistrationsImporter(FileImporter):
    filename = "training_registrations.csv"
    columns = (
        Column("session_ref", text(30), required=True),
        Column("entrepreneur_ref", text(30), required=True),
        Column("attended", boolean),
    )

    def import_rows(self, rows: list[Row], report: FileReport) -> None:
        today = timezone.localdate()
        sessions = {
            session.ref: session
            for session in TrainingSession.objects.filter(ref__in={row.values["session_ref"] for row in rows})
        }
        people = {
            person.ref: person
            for person in Entrepreneur.objects.filter(
                ref__in={row.values["entrepreneur_ref"] for row in rows}
            )
        }
        existing = {
            (registration.session_id, registration.entrepreneur_id): registration
            for registration in TrainingRegistration.objects.filter(session__in=sessions.values())
        }
        present = set(
            Attendance.objects.filter(registration__session__in=sessions.values(), present=True).values_list(
                "registration_id", flat=True
            )
        )
        seen: dict[tuple, int] = {}
        for row in rows:
            session_ref, person_ref = row.values["session_ref"], row.values["entrepreneur_ref"]
            session, person = sessions.get(session_ref), people.get(person_ref)
            if session is None:
                report.error(row.line, "session_ref", _("session inconnue : %(ref)s") % {"ref": session_ref})
            if person is None:
                report.error(
                    row.line,
                    "entrepreneur_ref",
                    _("entrepreneur·e inconnu·e : %(ref)s") % {"ref": person_ref},
                )
            if session is None or person is None:
                continue
            key = (session_ref, person_ref)
            if key in seen:
                report.error(
                    row.line,
                    "entrepreneur_ref",
                    _("inscription en double (déjà ligne %(line)s)") % {"line": seen[key]},
                )
                continue
            seen[key] = row.line
            upcoming = session.date > today
            if upcoming and row.get("attended") is not None:
                report.error(
                    row.line, "attended", _("session à venir : la présence ne peut pas encore être indiquée")
                )
                continue
            attended = None if upcoming else row.get("attended", True)
            registration = existing.get((session.pk, person.pk))
            if registration is not None and registration.status == RegistrationStatus.REGISTERED:
                if attended is not None and (registration.pk in present) != attended:
                    yes_no = {True: _("oui"), False: _("non")}
                    self.report_differences(
                        report, row, [("attended", yes_no[registration.pk in present], yes_no[attended])]
                    )
                else:
                    report.unchanged += 1
                continue
            try:
                registration = services.registration_register(
                    session=session, entrepreneur=person, waiting_list=False
                )
                if attended is not None:
                    services.attendance_record_all(registration=registration, present=attended)
            except DomainError as error:
                report.domain_error(row, error, {"entrepreneur": "entrepreneur_ref"})
                continue
            report.imported += 1
