"""Every change of an audited record says who, when, what (old and new values)."""

from __future__ import annotations

import pytest

from coodyssee.audit import acting_as
from coodyssee.models import AuditEntry
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_manager_edits_cooperative_and_sees_old_and_new_values(manager, cooperative):
    client = client_for(manager)
    response = client.post(
        "/gestion/cooperative/", {"name": "Coodyssée SCOP", "siren": "812345676", "legal_form": "SCOP SARL"}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(object_id=str(cooperative.pk), action="update").get()
    assert entry.actor == manager
    assert entry.changes["name"] == ["Coopérative de test", "Coodyssée SCOP"]
    page = client.get("/gestion/cooperative/").content.decode()
    assert "<del>Coopérative de test</del>" in page and "<ins>Coodyssée SCOP</ins>" in page
    assert (
        "Coodyssée SCOP" in client.get("/gestion/").content.decode()
    )  # name in the navbar, from the database


def test_invalid_siren_is_refused_on_the_form(manager, cooperative):
    response = client_for(manager).post("/gestion/cooperative/", {"name": "X", "siren": "123456789"})
    assert response.status_code == 200
    assert "SIREN n&#x27;est pas valide" in response.content.decode()
    cooperative.refresh_from_db()
    assert cooperative.name == "Coopérative de test"


def test_saving_without_change_records_nothing(cooperative):
    cooperative.refresh_from_db()
    before = AuditEntry.objects.count()
    cooperative.save()
    assert AuditEntry.objects.count() == before


def test_changes_outside_a_request_name_their_origin(cooperative):
    cooperative.refresh_from_db()
    with acting_as("import"):
        cooperative.phone = "04 92 00 00 01"
        cooperative.save()
    entry = AuditEntry.objects.latest("id")
    assert (entry.actor, entry.actor_label, entry.changes) == (
        None,
        "import",
        {"phone": ["", "04 92 00 00 01"]},
    )


def test_passwords_are_never_written_to_the_audit_trail(entrepreneur):
    entrepreneur.set_password("Un autre secret 2026")
    entrepreneur.save()
    assert not AuditEntry.objects.filter(changes__has_key="password").exists()


def test_audit_history_is_hidden_from_non_staff(entrepreneur, cooperative):
    assert client_for(entrepreneur).get(f"/gestion/personnes/{entrepreneur.pk}/").status_code == 403


def test_manager_uploads_a_logo_shown_in_every_page(manager, cooperative, settings, tmp_path):
    import base64

    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    client = client_for(manager)
    response = client.post(
        "/gestion/cooperative/",
        {"name": "Coopérative de test", "siren": "812345676", "logo": SimpleUploadedFile("logo.png", png)},
    )
    assert response.status_code == 302
    cooperative.refresh_from_db()
    assert cooperative.logo.name.startswith("cooperative/logo")
    assert f'src="/media/{cooperative.logo.name}"' in client.get("/gestion/entrepreneurs/").content.decode()
