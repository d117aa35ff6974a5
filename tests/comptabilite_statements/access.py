"""A monthly statement for the access matrix of tests/coodyssee/test_access.py: it belongs to the
entrepreneur persona, so their own portal download opens for them (and staff see every statement)."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from comptabilite.models import MonthlyStatement
from coodyssee.pdf import sha256_hex
from entrepreneurs.models import Activity, ActivityMembership

PDF = b"%PDF-1.7\n% statement of the access matrix\n"


def make_statement(activity: Activity, year: int = 2026, month: int = 1, **figures) -> MonthlyStatement:
    statement = MonthlyStatement.objects.create(
        activity=activity,
        year=year,
        month=month,
        figures={"result": "120.00", "closing_treasury": "850.50", **figures},
        generated_at=timezone.make_aware(datetime.datetime(year, month, 28, 5, 0)),
        pdf_sha256=sha256_hex(PDF),
    )
    statement.pdf.save(f"releve-{activity.code}-{year}-{month:02d}.pdf", ContentFile(PDF), save=True)
    return statement


def statement_objects(personas) -> dict:
    activity = Activity.objects.create(code="STMT-ACCESS", name="Relevés")
    ActivityMembership.objects.create(activity=activity, entrepreneur=personas["entrepreneur"].entrepreneur)
    return {"statement": make_statement(activity)}
