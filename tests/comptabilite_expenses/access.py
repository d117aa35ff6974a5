"""Records of the expenses pages for the access matrix of tests/coodyssee/test_access.py: a draft expense
report with its receipt, belonging to the entrepreneur persona (their portal pages open for them, staff see
it in the back-office, every other entrepreneur gets 404)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from comptabilite.services import expenses as services
from entrepreneurs.models import Activity, ActivityMembership

PDF_BYTES = b"%PDF-1.4\n%%EOF\n"


def expense_objects(personas) -> dict:
    entrepreneur = personas["entrepreneur"]
    activity = Activity.objects.create(code="ACT09101", name="Photographie")
    ActivityMembership.objects.create(activity=activity, entrepreneur=entrepreneur.entrepreneur)
    expense = services.expense_create(
        by=entrepreneur,
        activity=activity,
        kind="report",
        date=datetime.date(2025, 6, 2),
        category="supplies",
        description="Carte mémoire",
        amount_ttc=Decimal("24.00"),
        vat=Decimal("4.00"),
        receipt=SimpleUploadedFile("ticket.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    return {"expense": expense}
