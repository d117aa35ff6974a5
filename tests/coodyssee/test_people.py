"""Staff invite people; the invitation e-mail lets them choose a password; the manager manages roles."""

from __future__ import annotations

import html
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone

from coodyssee.models import User
from coodyssee.permissions import Role
from tests.conftest import client_for, make_person

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    # Invitations are e-mailed after commit; run those callbacks as a real request would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {})


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def invite(client, **overrides):
    data = {
        "first_name": "Nina",
        "last_name": "Nouvelle",
        "email": "nina@exemple.fr",
        "roles": ["entrepreneur"],
    }
    data.update(overrides)
    return post(client, "/gestion/personnes/inviter/", data)


def invitation_link() -> str:
    assert len(mail.outbox) == 1
    match = re.search(r"http://testserver(/invitation/\S+/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


def test_staff_invitation_creates_the_person_and_emails_a_link(officer, cooperative):
    response = invite(client_for(officer))
    person = User.objects.get(email="nina@exemple.fr")
    assert response.status_code == 302 and response["Location"] == f"/gestion/personnes/{person.pk}/"
    assert not person.has_usable_password()
    assert person.roles == {Role.ENTREPRENEUR}
    assert person.entrepreneur.last_name == "Nouvelle"
    assert mail.outbox[0].to == ["nina@exemple.fr"]
    assert "Coopérative de test" in mail.outbox[0].subject


def test_invited_person_sets_a_password_then_signs_in(officer, cooperative):
    invite(client_for(officer))
    link = invitation_link()
    visitor = Client()
    assert "Choisissez le mot de passe" in visitor.get(link).content.decode()
    response = visitor.post(
        link, {"new_password1": "Une phrase de passe 2026", "new_password2": "Une phrase de passe 2026"}
    )
    assert response.status_code == 302 and response["Location"] == "/comptes/login/"
    login = visitor.post(
        "/comptes/login/", {"login": "nina@exemple.fr", "password": "Une phrase de passe 2026"}
    )
    assert login.status_code == 302
    assert visitor.get("/").headers["Location"] == "/portail/"


def test_invitation_link_works_once(officer, cooperative):
    invite(client_for(officer))
    link = invitation_link()
    Client().post(
        link, {"new_password1": "Une phrase de passe 2026", "new_password2": "Une phrase de passe 2026"}
    )
    assert Client().get(link).status_code == 400


def test_invitation_link_expires(officer, cooperative, settings):
    settings.INVITATION_TIMEOUT_DAYS = 7
    invite(client_for(officer))
    link = invitation_link()
    with time_machine.travel(timezone.now() + timezone.timedelta(days=8)):
        response = Client().get(link)
    assert response.status_code == 400
    assert "n'est plus valable" in page_text(response)


def test_weak_password_is_refused_on_the_form(officer, cooperative):
    invite(client_for(officer))
    response = Client().post(invitation_link(), {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert "trop court" in response.content.decode()
    assert not User.objects.get(email="nina@exemple.fr").has_usable_password()


def test_duplicate_email_is_refused_on_the_form(officer, entrepreneur, cooperative):
    response = invite(client_for(officer), email=entrepreneur.email.upper())
    assert response.status_code == 200
    assert "déjà cette adresse" in response.content.decode()
    assert mail.outbox == []


def test_no_role_is_refused_on_the_form(officer, cooperative):
    response = invite(client_for(officer), roles=[])
    assert response.status_code == 200
    assert not User.objects.filter(email="nina@exemple.fr").exists()


@pytest.mark.parametrize("persona", ["accountant", "entrepreneur", "associate"])
def test_people_without_the_invite_permission_cannot_invite(persona, personas, cooperative):
    response = invite(client_for(personas[persona]))
    assert response.status_code == 403
    assert not User.objects.filter(email="nina@exemple.fr").exists()


def test_invitation_can_be_resent_until_the_password_is_set(officer, cooperative):
    invite(client_for(officer))
    person = User.objects.get(email="nina@exemple.fr")
    post(client_for(officer), f"/gestion/personnes/{person.pk}/invitation/")
    assert len(mail.outbox) == 2
    person.set_password("Une phrase de passe 2026")
    person.save()
    post(client_for(officer), f"/gestion/personnes/{person.pk}/invitation/")
    assert len(mail.outbox) == 2


def test_public_signup_is_closed(cooperative):
    Client().post(
        "/comptes/signup/",
        {"email": "intrus@exemple.fr", "password1": "Phrase de passe 2026", "password2": "x"},
    )
    assert not User.objects.filter(email="intrus@exemple.fr").exists()


def test_password_reset_sends_a_link_to_a_known_address(entrepreneur, cooperative):
    response = Client().post("/comptes/password/reset/", {"email": entrepreneur.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/comptes/password/reset/key/" in mail.outbox[0].body


def test_manager_changes_roles_and_the_change_is_audited(manager, cooperative):
    person = make_person("duo@test.fr", (Role.ASSOCIATE,))
    response = client_for(manager).post(
        f"/gestion/personnes/{person.pk}/roles/", {"roles": ["associate", "accountant"]}
    )
    assert response.status_code == 302
    person.forget_roles()
    assert person.roles == {Role.ASSOCIATE, Role.ACCOUNTANT}
    page = client_for(manager).get(f"/gestion/personnes/{person.pk}/").content.decode()
    assert 'data-testid="audit-history"' in page
    assert "Comptabilité et paie" in page and "Gina Gérante" in page


def test_entrepreneur_role_needs_an_entrepreneur_record(manager, cooperative):
    person = make_person("sans-fiche@test.fr", (Role.ASSOCIATE,))
    client_for(manager).post(f"/gestion/personnes/{person.pk}/roles/", {"roles": ["entrepreneur"]})
    person.forget_roles()
    assert person.roles == {Role.ASSOCIATE}


def test_officer_cannot_change_roles(officer, entrepreneur, cooperative):
    response = client_for(officer).post(
        f"/gestion/personnes/{entrepreneur.pk}/roles/", {"roles": ["manager"]}
    )
    assert response.status_code == 403
    entrepreneur.forget_roles()
    assert entrepreneur.roles == {Role.ENTREPRENEUR}


def test_unknown_person_is_404(manager, cooperative):
    assert client_for(manager).get("/gestion/personnes/999999/").status_code == 404


def test_people_list_filters_by_role_and_search(manager, personas, cooperative):
    client = client_for(manager)
    page = client.get("/gestion/personnes/", {"role": "entrepreneur"}).content.decode()
    assert "Faure" in page and "Autre" in page and "Gérante" not in page
    page = client.get("/gestion/personnes/", {"q": "luc fau"}).content.decode()
    assert "Faure" in page and "Autre" not in page


def test_people_list_query_count_does_not_grow_with_rows(manager, cooperative, django_assert_max_num_queries):
    client = client_for(manager)
    client.get("/gestion/personnes/")  # warm caches (content types, session)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/gestion/personnes/")
    for index in range(30):
        make_person(f"p{index}@test.fr", (Role.ENTREPRENEUR, Role.ASSOCIATE), entrepreneur=True)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/gestion/personnes/")
    assert response.content.decode().count("p1") >= 1
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
