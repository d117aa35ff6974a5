from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from coodyssee.demo import DEMO_PASSWORD, DEMO_PEOPLE
from coodyssee.models import AuditEntry, Cooperative, RoleGrant, User

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_ok_and_broker_not_configured(settings):
    settings.REDIS_URL = None
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "not configured"}


def test_healthz_is_503_when_the_broker_is_unreachable(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert response.json()["database"] == "ok"


def test_load_demo_is_idempotent(capsys):
    call_command("load_demo")
    counts = (
        User.objects.count(),
        RoleGrant.objects.count(),
        Cooperative.objects.count(),
        AuditEntry.objects.count(),
    )
    out = capsys.readouterr().out
    for person in DEMO_PEOPLE:
        assert person.email in out
    call_command("load_demo", "--quiet-logins")
    assert counts == (
        User.objects.count(),
        RoleGrant.objects.count(),
        Cooperative.objects.count(),
        AuditEntry.objects.count(),
    )


def test_every_demo_login_lands_in_its_space():
    call_command("load_demo", "--quiet-logins")
    expected = {
        "manager": "/gestion/",
        "accountant": "/gestion/",
        "accompaniment": "/gestion/",
        "entrepreneur": "/portail/",
        "associate": "/associes/",
    }
    for person in DEMO_PEOPLE:
        client = Client()
        assert (
            client.post("/comptes/login/", {"login": person.email, "password": DEMO_PASSWORD}).status_code
            == 302
        )
        assert client.get("/")["Location"] == expected[person.roles[0]]


def test_load_demo_refuses_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo")
