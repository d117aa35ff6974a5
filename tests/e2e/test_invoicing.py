"""Invoicing in the browser: an entrepreneur submits a draft, the accountant returns it with a comment,
the entrepreneur fixes and resubmits it, the accountant accepts and issues it, the entrepreneur downloads
the issued PDF."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from comptabilite.models import Invoice, InvoiceStatus
from coodyssee.models import Cooperative
from tests.comptabilite_pages.conftest import activity_of, make_customer
from tests.e2e.conftest import PHONE, login, screenshot


@pytest.fixture
def invoicing(db, settings, tmp_path, entrepreneur):
    # The PDF is rendered and stored on its first download (the issue request stays quick).
    settings.INVOICE_RENDER_PDF_ON_ISSUE = False
    settings.MEDIA_ROOT = tmp_path / "media"
    Cooperative.objects.create(
        name="Coopérative des Hautes-Alpes",
        legal_form="SCOP SARL à capital variable",
        siren="812345676",
        vat_number="FR19812345676",
        address="Place de la Mairie\n05230 Chorges",
        rcs_city="Gap",
        default_contribution_rate=Decimal("12.00"),
    )
    activity = activity_of(entrepreneur, "ACT00001", "Graphisme")
    return make_customer(activity)


def _open_control(page, live_server):
    page.goto(f"{live_server.url}/gestion/")
    expect(page.get_by_test_id("home-control-queue")).to_contain_text("1")
    page.get_by_test_id("home-control-queue").click()
    page.get_by_test_id("control-queue").get_by_role("link", name="Contrôler").click()
    expect(page.get_by_test_id("control-form")).to_be_visible()


def test_invoice_goes_from_portal_draft_to_downloaded_pdf(
    new_page, live_server, tmp_path, entrepreneur, accountant, invoicing
):
    customer = invoicing
    mine, staff = new_page(), new_page()

    # 1. The entrepreneur drafts the invoice in the portal and submits it.
    login(mine, live_server, entrepreneur)
    mine.get_by_role("link", name="Mes factures").click()
    mine.get_by_role("link", name="Nouvelle facture").click()
    mine.get_by_label("Client").select_option(label=f"{customer.name} — {customer.city}")
    mine.get_by_label("Objet").fill("Identité visuelle")
    mine.locator("#id_lines-0-description").fill("Création du logo")
    mine.locator("#id_lines-0-quantity").fill("2")
    mine.locator("#id_lines-0-unit_price").fill("450,00")
    expect(mine.locator("#totals")).to_contain_text("1 080,00 €")
    screenshot(mine, tmp_path, "invoicing-portal-draft-form")
    mine.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(mine.get_by_text("Brouillon enregistré.")).to_be_visible()
    mine.get_by_role("button", name="Soumettre au contrôle").click()
    expect(mine.get_by_test_id("document-status")).to_have_text("soumise au contrôle")
    invoice = Invoice.objects.get()

    # 2. The accountant returns it with a comment.
    login(staff, live_server, accountant)
    _open_control(staff, live_server)
    screenshot(staff, tmp_path, "invoicing-control-screen")
    staff.get_by_label("Commentaire pour l'entrepreneur·e").fill("Ajoutez la date de la prestation, svp.")
    staff.get_by_role("button", name="Renvoyer en brouillon").click()
    expect(staff.get_by_text("Document renvoyé en brouillon avec votre commentaire.")).to_be_visible()

    # 3. The entrepreneur sees the comment, fixes the draft and submits it again.
    mine.goto(f"{live_server.url}/portail/")
    expect(mine.get_by_test_id("home-returned-drafts")).to_contain_text(
        "Ajoutez la date de la prestation, svp."
    )
    mine.get_by_test_id("home-returned-drafts").get_by_role("link").first.click()
    expect(mine.get_by_test_id("return-comment")).to_contain_text("Ajoutez la date de la prestation, svp.")
    screenshot(mine, tmp_path, "invoicing-portal-returned")
    mine.get_by_role("link", name="Modifier").click()
    mine.get_by_label("Date de la vente ou de la prestation").fill("2026-01-15")
    mine.get_by_role("button", name="Ajouter une ligne").click()
    mine.locator("#id_lines-1-description").fill("Charte graphique")
    mine.locator("#id_lines-1-unit_price").fill("300")
    expect(mine.locator("#totals")).to_contain_text("1 440,00 €")
    mine.get_by_role("button", name="Enregistrer le brouillon").click()
    mine.get_by_role("button", name="Soumettre à nouveau").click()
    expect(mine.get_by_test_id("document-status")).to_have_text("soumise au contrôle")

    # 4. The accountant ticks the checklist, accepts, and issues in one click.
    _open_control(staff, live_server)
    expect(staff.get_by_test_id("document")).to_contain_text("Charte graphique")
    for checkbox in staff.get_by_test_id("control-form").get_by_role("checkbox").all():
        checkbox.check()
    staff.get_by_role("button", name="Accepter").click()
    expect(staff.get_by_text("Contrôle accepté : le document peut être émis.")).to_be_visible()
    staff.once("dialog", lambda dialog: dialog.accept())
    staff.get_by_role("button", name="Émettre").click()
    invoice.refresh_from_db()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Facture {invoice.number}")
    assert invoice.status == InvoiceStatus.ISSUED and invoice.total_ttc == Decimal("1440.00")
    screenshot(staff, tmp_path, "invoicing-issued-backoffice")

    # 5. The entrepreneur downloads the issued PDF.
    mine.goto(f"{live_server.url}/portail/factures/{invoice.pk}/")
    expect(mine.get_by_test_id("document-status")).to_have_text("émise")
    screenshot(mine, tmp_path, "invoicing-portal-issued")
    with mine.expect_download() as download_info:
        mine.get_by_role("link", name="Télécharger le PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"facture-{invoice.number}.pdf"
    with open(download.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"


def test_entrepreneur_follows_invoices_on_a_phone(new_page, live_server, tmp_path, entrepreneur, invoicing):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(page, live_server, entrepreneur)
    page.goto(f"{live_server.url}/portail/factures/nouvelle/")
    page.locator("#id_lines-0-description").fill("Création du logo")
    page.locator("#id_lines-0-unit_price").fill("450")
    expect(page.locator("#totals")).to_contain_text("540,00 €")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, tmp_path, "invoicing-portal-form-phone")
