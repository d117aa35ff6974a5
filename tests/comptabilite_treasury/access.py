"""Records of the treasury pages for the access matrix of tests/coodyssee/test_access.py: an activity of
the entrepreneur persona (their own portal pages open for them, staff read every activity), with a forecast
and an open alert so that every part of the pages renders."""

from __future__ import annotations

import datetime
from decimal import Decimal

from comptabilite.models import AlertKind, Forecast, TreasuryAlert
from entrepreneurs.models import Activity, ActivityMembership


def treasury_objects(personas) -> dict:
    record = personas["entrepreneur"].entrepreneur
    activity = Activity.objects.filter(memberships__entrepreneur=record).order_by("pk").first()
    if activity is None:
        activity = Activity.objects.create(code="ACT09101", name="Trésorerie de test")
        ActivityMembership.objects.create(activity=activity, entrepreneur=record)
    today = datetime.date.today()
    Forecast.objects.get_or_create(
        activity=activity, year=today.year, month=1, defaults={"turnover": Decimal("100.00")}
    )
    TreasuryAlert.objects.get_or_create(
        activity=activity,
        kind=AlertKind.TREASURY,
        cleared_at=None,
        defaults={"raised_at": datetime.datetime.now(datetime.UTC), "message": "Trésorerie sous le seuil."},
    )
    return {"activity": activity}
