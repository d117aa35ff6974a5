"""Fixtures of the monthly statements: a cooperative, the clock pinned to 10 April 2026 (March is over),
one activity per entrepreneur (both present since 2025), and a hand-computed March posted with
``post_entry``."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from comptabilite.ledger.posting import EntrySpec, Line, post_entry, sections_for
from coodyssee.models import Cooperative
from entrepreneurs.models import Entrepreneur
from tests.comptabilite.conftest import activity_of

D = Decimal
TODAY = datetime.date(2026, 4, 10)


@pytest.fixture(autouse=True)
def _statement_settings(settings, tmp_path, time_machine):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    time_machine.move_to(datetime.datetime(2026, 4, 10, 9, 0), tick=False)


@pytest.fixture
def coop(db):
    return Cooperative.objects.create(
        name="Coopérative de test",
        legal_form="SCOP SARL à capital variable",
        siren="812345676",
        vat_number="FR19812345676",
        address="Place de la Mairie\n05230 Chorges",
        email="contact@coop.test",
        rcs_city="Gap",
        default_contribution_rate=D("12.00"),
    )


def present(user, since=datetime.date(2025, 1, 6), until=None) -> None:
    Entrepreneur.objects.filter(user=user).update(entry_date=since, exit_date=until, status="cesa")


@pytest.fixture
def activity(entrepreneur):
    present(entrepreneur)
    return activity_of(entrepreneur, "ACT00001", "Graphisme")


@pytest.fixture
def other_activity(other_entrepreneur):
    present(other_entrepreneur)
    return activity_of(other_entrepreneur, "ACT00002", "Menuiserie")


def post(activity, day, label, *lines, journal="OD"):
    """``lines``: (account, debit, credit[, "structure"]) tuples."""
    own, structure = sections_for(activity.pk)
    built = []
    for item in lines:
        account, debit, credit = item[:3]
        section = structure if len(item) > 3 else own
        built.append(Line(account, section, debit=D(debit), credit=D(credit)))
    return post_entry(EntrySpec(journal=journal, date=day, label=label, lines=built))


def march_case(activity):
    """February then March 2026 of one activity (the figures the tests expect are worked out there)."""
    feb, mar = datetime.date(2026, 2, 12), datetime.date(2026, 3, 9)
    # February: an invoice of 1,000 excl. VAT with its 12 % contribution, and 1,000 received.
    post(
        activity,
        feb,
        "Facture F1",
        ("411", "1200", "0"),
        ("706", "0", "1000"),
        ("44571", "0", "200"),
        ("6586", "120", "0"),
        ("7586", "0", "120", "structure"),
        journal="VT",
    )
    post(activity, feb, "Règlement", ("512", "1000", "0"), ("411", "0", "1000"), journal="BQ")
    # March: an invoice of 2,000, a purchase of 100 + VAT, a salary, the customer pays, the net is paid.
    post(
        activity,
        mar,
        "Facture F2",
        ("411", "2400", "0"),
        ("706", "0", "2000"),
        ("44571", "0", "400"),
        ("6586", "240", "0"),
        ("7586", "0", "240", "structure"),
        journal="VT",
    )
    post(
        activity,
        mar,
        "Fournitures",
        ("606", "100", "0"),
        ("44566", "20", "0"),
        ("401", "0", "120"),
        journal="HA",
    )
    post(
        activity,
        datetime.date(2026, 3, 31),
        "Salaire mars",
        ("6411", "1000", "0"),
        ("645", "420", "0"),
        ("421", "0", "780"),
        ("431", "0", "640"),
        journal="PA",
    )
    post(
        activity,
        datetime.date(2026, 3, 20),
        "Règlement F2",
        ("512", "2400", "0"),
        ("411", "0", "2400"),
        journal="BQ",
    )
    post(
        activity,
        datetime.date(2026, 3, 31),
        "Virement salaire",
        ("421", "780", "0"),
        ("512", "0", "780"),
        journal="BQ",
    )
    # April: not in March's statement.
    post(
        activity,
        datetime.date(2026, 4, 2),
        "Frais avril",
        ("606", "55", "0"),
        ("512", "0", "55"),
        journal="BQ",
    )
