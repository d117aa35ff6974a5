"""django-allauth's pages wear the app's look (templates/allauth, templates/account) and speak French.

The checks look for markup that only the overrides produce: the app's navbar (base.html), the centred
``auth-card`` of entrance pages, Bootstrap form classes and errors shown under their field.
"""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from coodyssee.models import User
from tests.conftest import PASSWORD, client_for

LOGIN_URL = "/comptes/login/"
SIGNUP_URL = "/comptes/signup/"
RESET_URL = "/comptes/password/reset/"
MFA_URL = "/comptes/2fa/"
TOTP_ACTIVATE_URL = "/comptes/2fa/totp/activate/"
PASSWORD_CHANGE_URL = "/comptes/password/change/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    # allauth counts failed logins in the cache; each test starts from zero. Two-factor enrolment
    # is not compulsory here, whatever the environment says.
    settings.MFA_REQUIRED_FOR_STAFF = False
    cache.clear()
    yield
    cache.clear()


def html_of(response) -> str:
    """The page's HTML with entities decoded, so French apostrophes compare as typed."""
    return htmllib.unescape(response.content.decode())


def assert_app_page(html: str) -> None:
    """The page is rendered inside the app's base.html, in French, with Bootstrap."""
    assert '<html lang="fr">' in html
    assert "app-navbar" in html
    assert "vendor/bootstrap/bootstrap.min.css" in html


def assert_entrance_card(html: str) -> None:
    assert 'class="card auth-card allauth-entrance' in html


# --- Login ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_a_french_card_in_the_app_layout(client):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    html = html_of(response)
    assert_app_page(html)
    assert_entrance_card(html)
    assert "<title>Connexion" in html
    assert re.search(r"<h1[^>]*>\s*Connexion\s*</h1>", html)
    assert "Mot de passe" in html
    assert "Se souvenir de moi" in html
    # Bootstrap fields and a full-width primary button.
    assert 'class="form-control"' in html
    assert 'class="form-check-input"' in html
    assert 'class="btn btn-primary"' in html
    # No English left from allauth's default templates.
    assert "Sign In" not in html
    assert "Password" not in html


@pytest.mark.django_db
def test_login_page_has_no_sign_up_link_but_a_forgotten_password_link(client):
    html = html_of(client.get(LOGIN_URL))

    assert reverse("account_signup") not in html
    assert "sign up" not in html.lower()
    assert "inscri" not in html.lower()  # "inscrivez-vous", "inscription"
    assert f'<a href="{reverse("account_reset_password")}">Mot de passe oublié ?</a>' in html


@pytest.mark.django_db
def test_wrong_credentials_show_a_french_alert_and_keep_the_email(client, manager):
    response = client.post(LOGIN_URL, {"login": manager.email, "password": "pas-le-bon-mot-de-passe"})

    assert response.status_code == 200
    html = html_of(response)
    assert '<div class="alert alert-danger" role="alert">' in html
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in html
    assert f'value="{manager.email}"' in html
    # The password is never sent back to the browser.
    assert "pas-le-bon-mot-de-passe" not in html
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_field_errors_are_shown_under_their_field(client):
    html = html_of(client.post(LOGIN_URL, {"login": "pas-une-adresse", "password": "x"}))

    field = re.search(r'<input class="form-control is-invalid"[^>]*name="login"[^>]*>', html, re.S)
    assert field, "the login field is not marked is-invalid"
    assert 'aria-invalid="true"' in field.group(0)
    assert re.search(
        r'<div class="invalid-feedback" id="id_login_errors">\s*<div>Saisissez une adresse', html
    )


@pytest.mark.django_db
def test_the_login_form_signs_in(client, manager):
    response = client.post(LOGIN_URL, {"login": manager.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(manager.pk)


# --- No public sign-up ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_signup_page_says_sign_up_is_closed(client):
    response = client.get(SIGNUP_URL)

    assert response.status_code == 200
    html = html_of(response)
    assert_app_page(html)
    assert_entrance_card(html)
    assert "Inscriptions fermées" in html
    assert "invitation" in html
    assert f'href="{reverse("account_login")}"' in html
    assert "<form" not in html.split("</nav>", 1)[1]  # no sign-up form at all


@pytest.mark.django_db
def test_posting_to_signup_creates_nobody(client):
    before = User.objects.count()

    response = client.post(
        SIGNUP_URL, {"email": "intrus@exemple.fr", "password1": "Un-mot-de-passe-solide-42"}
    )

    assert response.status_code == 200
    assert "Inscriptions fermées" in html_of(response)
    assert User.objects.count() == before
    assert not User.objects.filter(email="intrus@exemple.fr").exists()
    assert "_auth_user_id" not in client.session


# --- Password reset ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_page_is_french_and_styled(client):
    response = client.get(RESET_URL)

    assert response.status_code == 200
    html = html_of(response)
    assert_app_page(html)
    assert_entrance_card(html)
    assert "Réinitialisation du mot de passe" in html
    assert "Réinitialiser mon mot de passe" in html
    assert 'type="email"' in html
    assert 'class="form-control"' in html
    assert "Password Reset" not in html


@pytest.mark.django_db
def test_password_reset_request_sends_an_email_and_confirms_in_french(client, manager):
    response = client.post(RESET_URL, {"email": manager.email}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("account_reset_password_done")
    html = html_of(response)
    assert_entrance_card(html)
    assert "Nous vous avons envoyé un e-mail" in html
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [manager.email]


@pytest.mark.django_db
def test_a_bad_reset_link_says_so_in_french(client):
    html = html_of(client.get("/comptes/password/reset/key/1-pas-un-jeton/", follow=True))

    assert_entrance_card(html)
    assert "Mauvais jeton" in html
    assert f'href="{reverse("account_reset_password")}"' in html


# --- Account pages (logged in) ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["manager", "associate"])
def test_two_factor_page_is_french_inside_the_app(persona, request):
    user = request.getfixturevalue(persona)

    response = client_for(user).get(MFA_URL)

    assert response.status_code == 200
    html = html_of(response)
    assert_app_page(html)
    assert "auth-card" not in html  # a normal page, not the entrance card
    assert "<title>Authentification à deux facteurs" in html
    assert '<div class="page-header"><h1>' in html
    assert "Application d'authentification" in html
    assert "Codes de récupération" in html
    assert '<section class="card allauth-panel mb-3">' in html
    assert re.search(r'<a href="/comptes/2fa/totp/activate/"\s+class="btn btn-primary btn-sm"', html)
    # The account sub-navigation marks the current page; the navbar shows the person's menu.
    assert re.search(r'class="nav-link active" aria-current="page" href="/comptes/2fa/"', html)
    assert user.get_short_name() in html
    assert "Two-Factor" not in html


def test_two_factor_page_needs_a_signed_in_person(client, db):
    response = client.get(MFA_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_activating_totp_asks_for_the_password_again_then_shows_the_qr_code(manager):
    client = client_for(manager)

    response = client.get(TOTP_ACTIVATE_URL, follow=True)
    html = html_of(response)
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert_entrance_card(html)
    assert "Confirmer l'accès" in html

    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    html = html_of(response)
    assert response.redirect_chain[-1][0] == TOTP_ACTIVATE_URL
    assert_app_page(html)
    assert "Activer l'application d'authentification" in html
    assert re.search(r'<img src="data:image/svg\+xml[^"]*"\s+class="allauth-qr', html)
    assert "Secret d'authentification" in html
    assert 'id="authenticator_secret"' in html

    # A wrong code: the error sits under the code field.
    html = html_of(client.post(TOTP_ACTIVATE_URL, {"code": "000000"}))
    assert re.search(r'<input class="form-control is-invalid allauth-otp"[^>]*name="code"', html, re.S)
    assert re.search(r'<div class="invalid-feedback" id="id_code_errors">\s*<div>Code incorrect', html)


def test_password_change_is_a_french_form_with_errors_under_fields(associate):
    client = client_for(associate)

    html = html_of(client.get(PASSWORD_CHANGE_URL))
    assert_app_page(html)
    assert "auth-card" not in html
    assert "Modifier le mot de passe" in html
    assert "Mot de passe actuel" in html
    assert 'class="allauth-form card card-body"' in html
    assert re.search(r'class="nav-link active" aria-current="page" href="/comptes/password/change/"', html)

    response = client.post(
        PASSWORD_CHANGE_URL,
        {"oldpassword": "pas-le-bon", "password1": "Nouveau-mot-de-passe-42", "password2": "autre"},
    )
    assert response.status_code == 200
    html = html_of(response)
    assert re.search(r'<input class="form-control is-invalid"[^>]*name="oldpassword"', html, re.S)
    assert re.search(r'<div class="invalid-feedback" id="id_oldpassword_errors">', html)
    associate.refresh_from_db()
    assert associate.check_password(PASSWORD)


def test_logout_confirmation_is_a_french_card(manager):
    response = client_for(manager).get("/comptes/logout/")

    assert response.status_code == 200
    html = html_of(response)
    assert_entrance_card(html)
    assert "Êtes-vous sûr(e) de vouloir vous déconnecter ?" in html
    assert "Sign Out" not in html
