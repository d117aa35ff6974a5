"""Records of the training app for the access matrix of tests/coodyssee/test_access.py."""

from __future__ import annotations

import datetime
from decimal import Decimal

from formation import services
from formation.models import FundingRequest, TrainingType


def training_objects(personas) -> dict:
    """A held session with the entrepreneur persona's own registration (their certificate opens)."""
    kind = TrainingType.objects.create(name="Outils de gestion")
    session = services.session_save(
        training_type=kind,
        title="WinScop",
        date=datetime.date(2020, 1, 7),
        place="Chorges",
        duration_hours=Decimal(3),
    )
    registration = services.registration_register(
        session=session, entrepreneur=personas["entrepreneur"].entrepreneur
    )
    services.attendance_record_all(registration=registration, present=True)
    return {
        "training_type": kind,
        "training_session": session,
        "training_registration": registration,
        "funding_request": FundingRequest.objects.create(
            funder="OPCO",
            subject="WinScop",
            requested_on=datetime.date(2020, 1, 2),
            amount_requested=Decimal(500),
        ),
        "training_programme": services.programme_save(name="Sécurité routière", year=2020),
    }
