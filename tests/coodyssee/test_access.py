"""Role and space access for every URL that exists: default deny, declared once in coodyssee.permissions."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coodyssee.middleware import is_self_guarded, view_declaration
from coodyssee.permissions import PERMISSIONS, Role, has_perm
from tests.comptabilite_expenses.access import expense_objects
from tests.comptabilite_ledger.access import ledger_objects
from tests.comptabilite_pages.access import invoicing_objects
from tests.comptabilite_statements.access import statement_objects
from tests.comptabilite_treasury.access import treasury_objects
from tests.conftest import client_for
from tests.formation.access import training_objects


def iter_patterns(resolver=None, prefix="", namespace=None):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            yield from iter_patterns(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace, pattern


def app_patterns():
    """Every URL of ours (not allauth's, not Django admin's), with its declared action."""
    for route, namespace, pattern in iter_patterns():
        if is_self_guarded(pattern.callback, (namespace,)):
            continue
        yield route, namespace, pattern


def test_every_application_view_declares_a_permission():
    undeclared = [route for route, _, pattern in app_patterns() if view_declaration(pattern.callback) is None]
    assert undeclared == []


def test_every_declared_action_exists_in_the_permission_table():
    actions = {view_declaration(p.callback)[1] for _, _, p in app_patterns()} - {None}
    assert actions <= set(PERMISSIONS)


def test_unknown_action_is_refused_to_everyone(manager):
    assert has_perm(manager, "no.such.action") is False


def test_inactive_person_has_no_permission(manager):
    manager.is_active = False
    assert has_perm(manager, "backoffice.view") is False


# Values for each URL parameter; ``pk`` depends on the kind of record the route is about.
PARAMETERS = {
    "space": "backoffice",
    "uidb64": "x",
    "token": "x",
    "step": "cesa",
    "action": "cancel",
    "year": 2017,
    "code": "411",
}
PK_KINDS = (
    ("comptabilite/ecritures/", "ledger_entry"),
    ("comptabilite/contribution/", "contribution_rule"),
    ("tresorerie/activites/", "activity"),
    ("depenses/", "expense"),
    ("releves/", "statement"),
    ("personnes/", "person"),
    ("entrepreneurs/", "entrepreneur"),
    ("rendez-vous/", "appointment"),
    ("informations-collectives/", "info_session"),
    ("formations/catalogue/", "training_type"),
    ("formations/financements/", "funding_request"),
    ("formations/programmes/", "training_programme"),
    ("formations/inscriptions/", "training_registration"),
    ("formations/", "training_session"),
    ("factures/", "invoice"),
    ("clients/", "customer"),
    ("devis/", "quote"),
    ("paiements/", "payment"),
    ("relances/", "reminder"),
)


def _url_for(route, namespace, pattern, objects):
    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
    kwargs = {}
    for key in pattern.pattern.converters:
        if key == "pk":
            kind = next(kind for prefix, kind in PK_KINDS if prefix in route)
            kwargs[key] = objects[kind].pk
        else:
            kwargs[key] = PARAMETERS[key]
    return reverse(name, kwargs=kwargs)


def _objects(personas):
    import datetime

    from entrepreneurs.models import Appointment, InfoSession

    record = personas["other_entrepreneur"].entrepreneur
    return {
        "person": personas["other_entrepreneur"],
        "entrepreneur": record,
        "appointment": Appointment.objects.create(
            entrepreneur=record, staff=personas["officer"], date=datetime.date(2030, 1, 7)
        ),
        "info_session": InfoSession.objects.create(date=datetime.date(2030, 1, 8), place="Chorges"),
        **training_objects(personas),
        **invoicing_objects(personas),
        **treasury_objects(personas),
        **expense_objects(personas),
        **statement_objects(personas),
        **ledger_objects(personas),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["manager", "accountant", "officer", "entrepreneur", "associate", "anonymous"]
)
def test_each_persona_reaches_exactly_what_its_roles_allow(persona, personas, cooperative):
    user = personas[persona]
    client = client_for(user)
    objects = _objects(personas)
    checked = 0
    for route, namespace, pattern in app_patterns():
        is_public, action = view_declaration(pattern.callback)
        if is_public or pattern.name == "space_switch":
            continue
        url = _url_for(route, namespace, pattern, objects)
        response = client.get(url)
        checked += 1
        if user is None:
            assert response.status_code == 302 and "/comptes/login/" in response["Location"], url
        elif has_perm(user, action):
            # POST-only views answer 405 to GET: the permission let the request through.
            assert response.status_code in (200, 302, 405), (url, response.status_code)
        else:
            assert response.status_code == 403, (url, response.status_code)
    assert checked >= 8


@pytest.mark.django_db
def test_entrepreneur_typing_a_backoffice_url_is_refused(entrepreneur, cooperative):
    response = client_for(entrepreneur).get("/gestion/personnes/")
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


@pytest.mark.django_db
def test_home_sends_each_role_to_its_space(personas, cooperative):
    expected = {
        "manager": "/gestion/",
        "accountant": "/gestion/",
        "officer": "/gestion/",
        "entrepreneur": "/portail/",
        "associate": "/associes/",
    }
    for persona, target in expected.items():
        response = client_for(personas[persona]).get("/")
        assert response.status_code == 302 and response["Location"] == target, persona


@pytest.mark.django_db
def test_person_with_two_roles_switches_space_and_it_is_remembered(entrepreneur_associate, cooperative):
    client = client_for(entrepreneur_associate)
    assert client.get("/")["Location"] == "/portail/"
    page = client.get("/portail/").content.decode()
    assert 'data-testid="space-switcher"' in page and "/espace/associates/" in page
    assert client.get("/espace/associates/")["Location"] == "/associes/"
    assert client.get("/")["Location"] == "/associes/"


@pytest.mark.django_db
def test_switching_to_a_space_one_does_not_hold_is_refused(entrepreneur, cooperative):
    client = client_for(entrepreneur)
    assert client.get("/espace/backoffice/").status_code == 403
    assert client.get("/espace/nowhere/").status_code == 404
    assert client.get("/")["Location"] == "/portail/"


@pytest.mark.django_db
def test_person_without_role_sees_an_explanation(cooperative):
    from coodyssee.models import User

    user = User.objects.create_user(email="sans-role@test.fr", password="x")
    response = client_for(user).get("/")
    assert response.status_code == 403
    assert "Aucun espace" in response.content.decode()


@pytest.mark.django_db
def test_django_admin_is_for_superusers_only(manager, cooperative):
    assert client_for(manager).get("/admin/").status_code == 302
    from coodyssee.models import User

    root = User.objects.create_superuser(email="root@test.fr", password="x")
    assert client_for(root).get("/admin/").status_code == 200


@pytest.mark.django_db
def test_staff_roles_see_backoffice_but_only_manager_edits_the_cooperative(personas, cooperative):
    assert client_for(personas["accountant"]).get("/gestion/cooperative/").status_code == 403
    assert client_for(personas["manager"]).get("/gestion/cooperative/").status_code == 200
    assert Role.MANAGER in personas["manager"].roles
