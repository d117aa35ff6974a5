"""The journey's files of the CSV import: entrepreneurs.csv, journey.csv, info_sessions.csv.

Format and rules: docs/import-format.md §1. Natural keys: the entrepreneur's ``ref``; a journey
step's (entrepreneur, step, date); an information session's (date, place). A row whose key exists
with the same values is left alone; with other values it is an error.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from coodyssee.errors import DomainError
from coodyssee.importing import (
    Column,
    FileImporter,
    FileReport,
    Row,
    boolean,
    choice,
    date,
    decimal,
    email,
    integer,
    register,
    text,
)
from entrepreneurs import rules, services
from entrepreneurs.models import (
    Activity,
    ActivityKind,
    ContractType,
    Entrepreneur,
    ExitReason,
    InfoSession,
    JourneyStep,
    StepKind,
    Territory,
)


def _normalize(value: str) -> str:
    return " ".join(value.split())


@register
class EntrepreneursImporter(FileImporter):
    filename = "entrepreneurs.csv"
    columns = (
        Column("ref", text(30), required=True),
        Column("last_name", text(150), required=True),
        Column("first_name", text(150), required=True),
        Column("email", email),
        Column("territory", text(100)),
        Column("activity", text(200)),
        Column("rsa", boolean),
        Column("contribution_rate", decimal(max_digits=5, minimum=0, maximum=100)),
    )

    def import_rows(self, rows: list[Row], report: FileReport) -> None:
        territories = {name.lower(): name for name in Territory.objects.values_list("name", flat=True)}
        existing = {
            person.ref: person
            for person in Entrepreneur.objects.filter(ref__in=[row.values["ref"] for row in rows])
            .select_related("territory")
            .prefetch_related(
                Prefetch(
                    "activities",
                    queryset=Activity.objects.filter(kind=ActivityKind.INDIVIDUAL),
                    to_attr="individual_activities",
                )
            )
        }
        seen: dict[str, int] = {}
        for row in rows:
            ref = row.values["ref"]
            if ref in seen:
                report.error(
                    row.line, "ref", _("référence en double (déjà ligne %(line)s)") % {"line": seen[ref]}
                )
                continue
            seen[ref] = row.line
            self._normalize_row(row, territories)
            person = existing.get(ref)
            if person is not None:
                differences = self.differences(self._current_values(person), row)
                self.report_differences(report, row, differences)
                if not differences:
                    report.unchanged += 1
                continue
            try:
                territory = (
                    services.territory_ensure(name=row.values["territory"]) if row.get("territory") else None
                )
                services.entrepreneur_create(
                    ref=ref,
                    last_name=row.values["last_name"],
                    first_name=row.values["first_name"],
                    email=row.get("email", ""),
                    territory=territory,
                    rsa_beneficiary=row.get("rsa", False),
                    contribution_rate=row.get("contribution_rate"),
                    activity_name=row.get("activity", ""),
                )
            except DomainError as error:
                report.domain_error(row, error)
                continue
            if territory is not None:
                territories[territory.name.lower()] = territory.name
            report.imported += 1

    @staticmethod
    def _normalize_row(row: Row, territories: dict[str, str]) -> None:
        """Spell values as they would be stored, so that re-importing compares equal."""
        if row.get("territory"):
            name = _normalize(row.values["territory"])
            row.values["territory"] = territories.get(name.lower(), name)
        if "rsa" in row:
            row.values["rsa"] = row.get("rsa", False)
        if "activity" in row and not row.get("activity"):
            person = Entrepreneur(first_name=row.values["first_name"], last_name=row.values["last_name"])
            row.values["activity"] = services.default_activity_name(person)

    @staticmethod
    def _current_values(person: Entrepreneur) -> dict:
        activity = person.individual_activities[0].name if person.individual_activities else None
        return {
            "last_name": person.last_name,
            "first_name": person.first_name,
            "email": person.email,
            "territory": person.territory.name if person.territory else None,
            "activity": activity,
            "rsa": person.rsa_beneficiary,
            "contribution_rate": person.contribution_rate,
        }


def _exit_reason(text_value: str) -> tuple[str, str]:
    """(reason code, free text) for an exit: a known code or label, else 'other' with the text."""
    if not text_value:
        return "", ""
    wanted = text_value.casefold()
    for value, label in ExitReason.choices:
        if wanted in (value.casefold(), str(label).casefold()):
            return value, ""
    return ExitReason.OTHER, text_value


@register
class JourneyImporter(FileImporter):
    filename = "journey.csv"
    columns = (
        Column("entrepreneur_ref", text(30), required=True),
        Column("date", date, required=True),
        Column("step", choice(StepKind.values), required=True),
        Column("reason", text(200)),
        Column("note", text(5000)),
    )
    rule_fields = {"kind": "step"}  # the rules name the step's attribute; the file calls it "step"

    def import_rows(self, rows: list[Row], report: FileReport) -> None:
        people = {
            person.ref: person
            for person in Entrepreneur.objects.filter(
                ref__in={row.values["entrepreneur_ref"] for row in rows}
            )
        }
        journeys: dict[int, list[JourneyStep]] = defaultdict(list)
        for step in JourneyStep.objects.filter(entrepreneur__in=people.values()).order_by("date", "id"):
            journeys[step.entrepreneur_id].append(step)
        seen: dict[tuple, int] = {}
        touched: dict[int, Entrepreneur] = {}
        for row in rows:
            ref, kind, day = row.values["entrepreneur_ref"], row.values["step"], row.values["date"]
            person = people.get(ref)
            if person is None:
                report.error(
                    row.line, "entrepreneur_ref", _("entrepreneur·e inconnu·e : %(ref)s") % {"ref": ref}
                )
                continue
            key = (ref, kind, day)
            if key in seen:
                report.error(
                    row.line, "step", _("étape en double (déjà ligne %(line)s)") % {"line": seen[key]}
                )
                continue
            seen[key] = row.line
            step = self._step_from(row, person)
            journey = journeys[person.pk]
            current = next((s for s in journey if s.pk and s.kind == kind and s.date == day), None)
            if current is not None:
                differences = self.differences(self._values(current), Row(row.line, self._values(step)))
                self.report_differences(report, row, differences)
                if not differences:
                    report.unchanged += 1
                continue
            try:
                rules.check_next_step(journey, step)
            except DomainError as error:
                report.domain_error(row, error, self.rule_fields)
                continue
            step.save()
            journey.append(step)
            touched[person.pk] = person
            report.imported += 1
        for person in touched.values():
            services.journey_summary_refresh(entrepreneur=person)

    @staticmethod
    def _step_from(row: Row, person: Entrepreneur) -> JourneyStep:
        kind, reason = row.values["step"], row.get("reason", "")
        exit_reason, detail = _exit_reason(reason) if kind == StepKind.EXIT else ("", reason)
        return JourneyStep(
            entrepreneur=person,
            kind=kind,
            date=row.values["date"],
            contract=ContractType.CAPE if kind == StepKind.CAPE else "",
            exit_reason=exit_reason,
            reason_detail=detail,
            note=row.get("note", ""),
        )

    @staticmethod
    def _values(step: JourneyStep) -> dict:
        reason = step.reason_detail or (step.get_exit_reason_display() if step.exit_reason else "")
        return {"reason": reason, "note": step.note}


@register
class InfoSessionsImporter(FileImporter):
    filename = "info_sessions.csv"
    columns = (
        Column("date", date, required=True),
        Column("place", text(200), required=True),
        Column("registered", integer(minimum=0), required=True),
        Column("attended", integer(minimum=0), required=True),
    )

    def import_rows(self, rows: list[Row], report: FileReport) -> None:
        existing = {
            (session.date, session.place): session
            for session in InfoSession.objects.filter(date__in={row.values["date"] for row in rows})
        }
        seen: dict[tuple, int] = {}
        for row in rows:
            row.values["place"] = _normalize(row.values["place"])
            key = (row.values["date"], row.values["place"])
            if key in seen:
                report.error(
                    row.line, "place", _("réunion en double (déjà ligne %(line)s)") % {"line": seen[key]}
                )
                continue
            seen[key] = row.line
            session = existing.get(key)
            if session is not None:
                current = {"registered": session.registered, "attended": session.attended}
                differences = self.differences(current, row)
                self.report_differences(report, row, differences)
                if not differences:
                    report.unchanged += 1
                continue
            try:
                services.info_session_save(
                    date=key[0],
                    place=key[1],
                    registered=row.values["registered"],
                    attended=row.values["attended"],
                )
            except DomainError as error:
                report.domain_error(row, error)
                continue
            report.imported += 1
