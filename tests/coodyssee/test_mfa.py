"""Two-factor authentication: compulsory for support staff in production, optional for others."""

from __future__ import annotations

import html

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


def test_staff_without_totp_is_sent_to_enrolment_on_every_page(mfa_required, officer, cooperative):
    client = client_for(officer)
    for url in ("/gestion/", "/gestion/personnes/", "/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/comptes/2fa/totp/activate/", url


def test_enrolment_is_reachable_right_after_login(mfa_required, officer, cooperative):
    client = Client()
    assert client.post("/comptes/login/", {"login": officer.email, "password": PASSWORD}).status_code == 302
    response = client.get("/gestion/", follow=True)
    # allauth asks for the password again before showing a TOTP secret; that page stays reachable.
    assert response.status_code == 200
    assert "double authentification est obligatoire" in html.unescape(response.content.decode())
    response = client.post(response.request["PATH_INFO"], {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/comptes/2fa/totp/activate/"
    assert response.status_code == 200


def test_staff_with_totp_uses_the_backoffice(mfa_required, officer, cooperative):
    Authenticator.objects.create(
        user=officer, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    assert client_for(officer).get("/gestion/").status_code == 200


def test_entrepreneurs_are_not_forced(mfa_required, entrepreneur, cooperative):
    assert client_for(entrepreneur).get("/portail/").status_code == 200


def test_not_enforced_in_development(officer, cooperative, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    assert client_for(officer).get("/gestion/").status_code == 200


def test_staff_cannot_remove_their_authenticator_when_compulsory(mfa_required, officer):
    from coodyssee.accounts import MFAAdapter

    totp = Authenticator.objects.create(
        user=officer, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    assert MFAAdapter().can_delete_authenticator(totp) is False


def test_production_default_makes_mfa_compulsory():
    from tests.coodyssee.test_settings import PRODUCTION_ENV, run_manage

    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.MFA_REQUIRED_FOR_STAFF)",
        env_overrides=PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_repeated_failed_logins_are_rate_limited(entrepreneur, cooperative):
    client = Client()
    for _ in range(5):
        page = client.post("/comptes/login/", {"login": entrepreneur.email, "password": "mauvais"})
        assert "Trop de tentatives" not in html.unescape(page.content.decode())
    # Past five failures for that address, even the right password is refused for a while.
    page = client.post("/comptes/login/", {"login": entrepreneur.email, "password": PASSWORD})
    assert page.status_code == 200
    assert "Trop de tentatives de connexion échouées" in html.unescape(page.content.decode())
