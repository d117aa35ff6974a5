"""Personas shared by every test: the support team, two entrepreneurs, an associate, an anonymous visitor."""

from __future__ import annotations

import pytest
from django.test import Client

from coodyssee.models import Cooperative, User
from coodyssee.permissions import Role

PASSWORD = "mot-de-passe-de-test-42"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # allauth's rate limits live in the cache: one test's failed logins must not lock out the next.
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path_factory):
    # Uploaded and issued files of a test go to a temporary folder, never to var/.
    base = tmp_path_factory.mktemp("files")
    settings.MEDIA_ROOT = base / "media"
    settings.PRIVATE_MEDIA_ROOT = base / "private"


@pytest.fixture(autouse=True)
def _ledger_chart(request):
    # The chart of accounts is installed by a migration; a transactional test empties every table after
    # itself, so put it back for each test that uses the database.
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if "transactional_db" in names or "live_server" in names or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    elif marker or "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from comptabilite.ledger.chart import ensure_chart

    ensure_chart()


def make_person(
    email: str, roles: tuple[str, ...], *, first_name="Prénom", last_name="Nom", entrepreneur=False
):
    from entrepreneurs.models import Entrepreneur

    user = User.objects.create_user(
        email=email, password=PASSWORD, first_name=first_name, last_name=last_name
    )
    if entrepreneur:
        Entrepreneur.objects.create(first_name=first_name, last_name=last_name, email=email, user=user)
    for role in roles:
        user.role_grants.create(role=role)
    return user


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def cooperative(db):
    return Cooperative.objects.create(name="Coopérative de test", siren="812345676")


@pytest.fixture
def manager(db):
    return make_person("gerance@test.fr", (Role.MANAGER,), first_name="Gina", last_name="Gérante")


@pytest.fixture
def accountant(db):
    return make_person("compta@test.fr", (Role.ACCOUNTANT,), first_name="Carl", last_name="Comptable")


@pytest.fixture
def officer(db):
    return make_person("accompagnement@test.fr", (Role.ACCOMPANIMENT,), first_name="Anna", last_name="Appui")


@pytest.fixture
def entrepreneur(db):
    return make_person(
        "lucie@test.fr", (Role.ENTREPRENEUR,), first_name="Lucie", last_name="Faure", entrepreneur=True
    )


@pytest.fixture
def other_entrepreneur(db):
    return make_person(
        "marc@test.fr", (Role.ENTREPRENEUR,), first_name="Marc", last_name="Autre", entrepreneur=True
    )


@pytest.fixture
def associate(db):
    return make_person("associe@test.fr", (Role.ASSOCIATE,), first_name="Alain", last_name="Associé")


@pytest.fixture
def entrepreneur_associate(db):
    return make_person(
        "double@test.fr",
        (Role.ENTREPRENEUR, Role.ASSOCIATE),
        first_name="Dora",
        last_name="Double",
        entrepreneur=True,
    )


@pytest.fixture
def personas(manager, accountant, officer, entrepreneur, other_entrepreneur, associate):
    """Every persona by name, with None for the anonymous visitor."""
    return {
        "manager": manager,
        "accountant": accountant,
        "officer": officer,
        "entrepreneur": entrepreneur,
        "other_entrepreneur": other_entrepreneur,
        "associate": associate,
        "anonymous": None,
    }
