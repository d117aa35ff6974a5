"""Every change of an audited record says who, when, what (old and new values)."""

from __future__ import annotations

import pytest

from coodyssee.audit import acting_as
from coodyssee.models import AuditEntry
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def cooperative_form(cooperative, **changes) -> dict:
    """Every field of the settings form as the page would post it, with ``changes`` applied."""
    from django.forms.models import model_to_dict

    from coodyssee.forms import CooperativeForm

    data = {
        k: v
        for k, v in model_to_dict(cooperative, fields=CooperativeForm.Meta.fields).items()
        if v is not None
    }
    data.pop("logo", None)
    if not data.get("vat_on_debits"):
        data.pop("vat_on_debits", None)
    data.update(changes)
    return data


def test_manager_edits_cooperative_and_sees_old_and_new_values(manager, cooperative):
    client = client_for(manager)
    response = client.post(
        "/gestion/cooperative/", cooperative_form(cooperative, name="Coodyssée SCOP", legal_form="SCOP SARL")
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
    response = client_for(manager).post(
        "/gestion/cooperative/", cooperative_form(cooperative, siren="123456789")
    )
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


def test_a_save_of_some_fields_records_those_fields_and_the_rest_later(cooperative):
    cooperative.refresh_from_db()
    cooperative.phone = "04 92 00 00 02"
    cooperative.email = "autre@coop.test"
    cooperative.save(update_fields=["phone"])  # only the phone is written
    assert AuditEntry.objects.latest("id").changes == {"phone": ["", "04 92 00 00 02"]}
    old_email = type(cooperative).objects.get(pk=cooperative.pk).email
    cooperative.save()  # now the e-mail is written too: recorded, against the stored value
    assert AuditEntry.objects.latest("id").changes == {"email": [old_email, "autre@coop.test"]}


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
        cooperative_form(cooperative, logo=SimpleUploadedFile("logo.png", png)),
    )
    assert response.status_code == 302
    cooperative.refresh_from_db()
    assert cooperative.logo.name.startswith("cooperative/logo")
    assert f'src="/media/{cooperative.logo.name}"' in client.get("/gestion/entrepreneurs/").content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("iban", "FR76 0000 0000 0000", "IBAN n&#x27;est pas valide"),
        ("invoice_number_format", "FACT-{seq}", "une fois {year} et une fois {seq}"),
        ("vat_number", "FR00812345676", "TVA intracommunautaire n&#x27;est pas valide"),
    ],
)
def test_invoicing_settings_are_checked_on_the_form(manager, cooperative, field, value, message):
    data = cooperative_form(cooperative, **{field: value})
    response = client_for(manager).post("/gestion/cooperative/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
