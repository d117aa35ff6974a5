"""Fixtures of the ledger pages: the invoicing fixtures (cooperative with its SIREN, activities, customers,
documents brought to a state through the services), a frozen clock, and helpers to post entries."""

from __future__ import annotations

import datetime
import html
from decimal import Decimal

import pytest

from comptabilite.ledger.posting import EntrySpec, Line, post_entry, structure_section_id
from tests.comptabilite.conftest import (  # noqa: F401 (fixtures)
    _invoicing_settings,
    activity,
    coop,
    customer,
    other_activity,
    other_customer,
)

D = Decimal
TODAY = datetime.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def structure(db):
    return structure_section_id()


def od_entry(section: int, amount="100.00", *, date=TODAY, debit="512", credit="758", label="Test", **extra):
    return post_entry(
        EntrySpec(
            journal=extra.pop("journal", "OD"),
            date=date,
            label=label,
            lines=[Line(debit, section, debit=D(amount)), Line(credit, section, credit=D(amount))],
            **extra,
        )
    )


def text(response) -> str:
    return html.unescape(response.content.decode())
