"""Fixtures of the structure budget tests: the demo's 2017 budget and structure ledger, plus the
contribution the activities' invoices would have posted to the structure (7586)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from comptabilite.ledger import chart
from comptabilite.ledger.posting import EntrySpec, Line, post_entry, sections_for
from entrepreneurs.models import Activity
from gouvernance.demo import load_structure_budget

MUTUALISATION_2017 = Decimal("103333.00")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def post_contribution(amount: Decimal, *, day=datetime.date(2017, 6, 30), code="ACT-MUT") -> None:
    """What issued invoices post as contribution: 6586 on the activity, 7586 on the structure."""
    activity = Activity.objects.filter(code=code).first() or Activity.objects.create(
        code=code, name="Mutualisée"
    )
    own, structure = sections_for(activity.pk)
    post_entry(
        EntrySpec(
            journal="OD",
            date=day,
            label="Contribution coopérative",
            lines=[
                Line(chart.CONTRIBUTION_CHARGE, own, debit=amount),
                Line(chart.CONTRIBUTION_INCOME, structure, credit=amount),
            ],
        )
    )


@pytest.fixture
def budget_2017(db):
    load_structure_budget()
    post_contribution(MUTUALISATION_2017)
