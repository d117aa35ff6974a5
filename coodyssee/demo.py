"""Demo data of the reference cooperative. Each app adds its part through ``DEMO_STEPS``.

Everything here is fictitious (names, SIREN). ``load_demo`` is idempotent: the second run adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import transaction

from comptabilite.demo import load_invoices
from comptabilite.demo.ledger import load_alerts, load_ledger, load_openings
from comptabilite.demo.statements import load_statements
from coodyssee.models import Cooperative, User
from coodyssee.permissions import Role
from entrepreneurs.demo import load_journeys
from formation.demo import load_trainings
from gouvernance.demo import load_structure_budget

DEMO_PASSWORD = "coodyssee-demo"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    entrepreneur: bool = False


DEMO_PEOPLE = (
    DemoPerson("gerance@demo.coodyssee.fr", "Claire", "Tournebise", (Role.MANAGER,)),
    DemoPerson("comptabilite@demo.coodyssee.fr", "Sophie", "Berlinval", (Role.ACCOUNTANT,)),
    DemoPerson("accompagnement@demo.coodyssee.fr", "Corentin", "Blanchard", (Role.ACCOMPANIMENT,)),
    DemoPerson("entrepreneur@demo.coodyssee.fr", "Lucie", "Faure", (Role.ENTREPRENEUR,), entrepreneur=True),
    DemoPerson("associe@demo.coodyssee.fr", "Bernard", "Achard", (Role.ASSOCIATE,)),
    DemoPerson(
        "entrepreneur-associe@demo.coodyssee.fr",
        "Jean-Marc",
        "Rochebrune",
        (Role.ENTREPRENEUR, Role.ASSOCIATE),
        entrepreneur=True,
    ),
)


def load_cooperative() -> Cooperative:
    cooperative = Cooperative.objects.order_by("pk").first()
    if cooperative is None:
        cooperative = Cooperative.objects.create(
            name="Coodyssée",
            legal_form="SCOP SARL à capital variable — Coopérative d'Activités et d'Emploi",
            siren="812345676",
            vat_number="FR19812345676",
            address="Place de la Mairie\n05230 Chorges",
            email="contact@demo.coodyssee.fr",
            phone="04 92 00 00 00",
            default_contribution_rate=Decimal("12.00"),
        )
    return cooperative


def load_people() -> list[User]:
    from entrepreneurs.models import Entrepreneur

    users = []
    for person in DEMO_PEOPLE:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(
                email=person.email,
                password=DEMO_PASSWORD,
                first_name=person.first_name,
                last_name=person.last_name,
            )
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if person.entrepreneur and not Entrepreneur.objects.filter(user=user).exists():
            Entrepreneur.objects.create(
                first_name=person.first_name, last_name=person.last_name, email=person.email, user=user
            )
        existing = set(user.roles)
        for role in person.roles:
            if role not in existing:
                user.role_grants.create(role=role)
        users.append(user)
    return users


# Later issues append their loaders here (entrepreneurs' journeys, invoices, trainings…).
DEMO_STEPS = [load_cooperative, load_people, load_journeys, load_invoices, load_trainings]
DEMO_STEPS.insert(DEMO_STEPS.index(load_invoices) + 1, load_ledger)  # the activities' ledger
DEMO_STEPS.append(load_structure_budget)  # the structure's 2017 budget and ledger (gouvernance)
DEMO_STEPS.append(load_openings)  # past years closed, each year's opening entries (à-nouveaux)
DEMO_STEPS.append(load_statements)  # the demo entrepreneurs' last monthly statements
DEMO_STEPS.append(load_alerts)  # the treasury alerts of the demo's activities (no e-mail)


@transaction.atomic
def load_demo() -> None:
    for step in DEMO_STEPS:
        step()
