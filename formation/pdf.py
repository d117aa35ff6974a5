"""Attendance sheets (feuilles d'émargement) and certificates of attendance, rendered on demand.

They are not stored: a sheet changes until the session takes place (registrations, waiting list),
and a certificate reflects the attendance recorded so far. Rendering goes through the shared
``coodyssee.pdf.render_pdf`` (layout, fonts, local files only).
"""

from __future__ import annotations

from itertools import groupby

from django.http import HttpResponse
from django.utils import timezone

from coodyssee.pdf import render_pdf
from coodyssee.selectors import cooperative_current
from formation.models import TrainingRegistration, TrainingSession


def response(data: bytes, filename: str) -> HttpResponse:
    """The PDF inline: the browser opens it ready to print; ``filename`` is used when it is saved."""
    result = HttpResponse(data, content_type="application/pdf")
    result["Content-Disposition"] = f'inline; filename="{filename}"'
    return result


def _days(session: TrainingSession) -> list[dict]:
    """The session's half-days grouped by day: one page of the sheet per day."""
    days = [
        {"day": day, "half_days": list(half_days)}
        for day, half_days in groupby(session.half_days, key=lambda half_day: half_day.day)
    ]
    for number, day in enumerate(days, 1):
        day["number"] = number
    return days


def attendance_sheet(session: TrainingSession, registrations: list[TrainingRegistration]) -> bytes:
    """One page per day: title, date, times, place, trainer; one signature box per trainee and
    per half-day, and the trainer's signature for each half-day (no batch signing)."""
    context = {
        "cooperative": cooperative_current(),
        "session": session,
        "days": _days(session),
        "registrations": registrations,
        "printed_at": timezone.localtime(),
    }
    return render_pdf("formation/pdf/attendance_sheet.html", context, pdf_variant=None)


def certificates(registrations: list[TrainingRegistration]) -> bytes:
    """One certificate of attendance per registration (each with ``attended_hours`` set)."""
    cooperative = cooperative_current()
    context = {
        "cooperative": cooperative,
        "city": city_of(cooperative.address) if cooperative else "",
        "registrations": registrations,
        "today": timezone.localdate(),
        "half_day_counts": {
            registration.pk: (len(registration.present_attendances), len(registration.session.half_days))
            for registration in registrations
        },
    }
    return render_pdf("formation/pdf/certificate.html", context, pdf_variant=None)


def city_of(address: str) -> str:
    """The town of a French address ("Place de la Mairie\\n05230 Chorges" → "Chorges")."""
    for line in reversed((address or "").splitlines()):
        words = line.split()
        if words and words[0].isdigit() and len(words[0]) == 5:
            return " ".join(words[1:])
    return ""
