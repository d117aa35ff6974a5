"""Factories for the training app. Registrations and attendance go through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from entrepreneurs.models import Entrepreneur
from formation.models import DayPart, SessionStatus, TrainingSession, TrainingType
from tests.entrepreneurs.factories import EntrepreneurFactory, in_cesa


class TrainingTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingType
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Formation {n}")
    objectives = "Tenir sa gestion au quotidien."


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    """An open half-day session (9h00–12h00, 3 hours, 8 seats) on 1 December 2026."""

    class Meta:
        model = TrainingSession

    ref = factory.Sequence(lambda n: f"T{n:04d}")
    training_type = factory.SubFactory(TrainingTypeFactory)
    title = "Formation WinScop"
    date = datetime.date(2026, 12, 1)
    end_date = factory.LazyAttribute(lambda session: session.date)
    day_part = DayPart.MORNING
    start_time = datetime.time(9, 0)
    end_time = datetime.time(12, 0)
    duration_hours = Decimal("3")
    place = "Siège, Chorges"
    capacity = 8
    status = SessionStatus.OPEN


def full_day(**values) -> TrainingSession:
    """A full day: morning 9h00–12h30, afternoon 13h30–17h00 (7 hours)."""
    values = {
        "day_part": DayPart.FULL_DAY,
        "start_time": datetime.time(9, 0),
        "break_start": datetime.time(12, 30),
        "break_end": datetime.time(13, 30),
        "end_time": datetime.time(17, 0),
        "duration_hours": Decimal("7"),
        **values,
    }
    return TrainingSessionFactory(**values)


def member(last_name: str = "", **values) -> Entrepreneur:
    """Someone in the cooperative since January 2020 (under CESA)."""
    if last_name:
        values["last_name"] = last_name
    return in_cesa(EntrepreneurFactory(**values), "2020-01-06")
