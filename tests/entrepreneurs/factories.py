"""Factories for the journey app. Journeys are built through the services, so they obey the rules."""

from __future__ import annotations

import datetime

import factory

from entrepreneurs import services
from entrepreneurs.models import Appointment, Entrepreneur, InfoSession, Territory


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Territoire {n}")


class EntrepreneurFactory(factory.django.DjangoModelFactory):
    """A bare record (no activity): use ``entrepreneur_create`` when the activity matters."""

    class Meta:
        model = Entrepreneur

    ref = factory.Sequence(lambda n: f"E{n:04d}")
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")


class InfoSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InfoSession

    date = datetime.date(2017, 3, 14)
    place = factory.Sequence(lambda n: f"Lieu {n}")
    registered = 3
    attended = 2


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    entrepreneur = factory.SubFactory(EntrepreneurFactory)
    date = datetime.date(2026, 11, 25)
    status = Appointment.Status.DONE


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def in_cape(entrepreneur: Entrepreneur, start: str, planned_end: str) -> Entrepreneur:
    services.journey_cape_start(entrepreneur=entrepreneur, date=d(start), planned_end=d(planned_end))
    return entrepreneur


def in_cesa(entrepreneur: Entrepreneur, signed: str, trial_end: str | None = None) -> Entrepreneur:
    services.journey_cesa_sign(
        entrepreneur=entrepreneur, date=d(signed), trial_end=d(trial_end) if trial_end else None
    )
    return entrepreneur


def exited(entrepreneur: Entrepreneur, day: str) -> Entrepreneur:
    services.journey_exit_record(entrepreneur=entrepreneur, date=d(day), reason="resignation")
    return entrepreneur
