"""Treasury in the browser: the accountant records a payment on an issued invoice in the back-office, and
the entrepreneur's "Ma trésorerie" shows the treasury available grown by the amount received minus its VAT;
the alert raised while the activity owed its contribution clears at the same time."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coodyssee.models import Cooperative
from tests.comptabilite.conftest import issued, line
from tests.comptabilite_pages.conftest import activity_of, make_customer
from tests.e2e.conftest import PHONE, login, screenshot


@pytest.fixture
def issued_invoice(db, settings, tmp_path, entrepreneur, accountant):
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
    customer = make_customer(activity)
    # 1,000 HT + 200 VAT (services: due when paid); contribution 12 % = 120.
    return issued(entrepreneur, accountant, activity, customer, [line(quantity="2", unit_price="500.00")])


def test_a_payment_recorded_by_staff_shows_at_once_in_my_treasury(
    new_page, live_server, tmp_path, entrepreneur, accountant, issued_invoice
):
    invoice = issued_invoice
    mine, staff = new_page(), new_page()

    # 1. Before any payment: the contribution is owed, nothing received: −120 €, an alert, 1,200 € unpaid.
    login(mine, live_server, entrepreneur)
    mine.locator("#main-nav").get_by_role("button", name="Ma trésorerie").click()
    mine.locator("#main-nav").get_by_role("link", name="Tableau de bord", exact=True).click()
    expect(mine.get_by_test_id("treasury-now-value")).to_have_text("-120,00\u00a0€")
    expect(mine.get_by_test_id("treasury-alert-banner")).to_contain_text("sous le seuil")
    expect(mine.get_by_test_id("treasury-unpaid")).to_contain_text("1\u00a0200,00\u00a0€")
    screenshot(mine, tmp_path, "treasury-portal-before-payment")

    # 2. The accountant records 600 € received on the invoice.
    login(staff, live_server, accountant)
    staff.goto(f"{live_server.url}/gestion/facturation/factures/{invoice.pk}/")
    payments = staff.get_by_test_id("payments")
    payments.get_by_label("Montant").fill("600,00")
    payments.get_by_role("button", name="Enregistrer le paiement").click()
    expect(staff.get_by_text("Paiement enregistré.")).to_be_visible()
    staff.goto(f"{live_server.url}/gestion/tresorerie/")
    expect(staff.get_by_test_id("treasury-overview")).to_contain_text("380,00\u00a0€")
    screenshot(staff, tmp_path, "treasury-backoffice-overview")

    # 3. The entrepreneur's treasury grew by 600 − 100 of VAT now due: −120 + 500 = 380 €; the alert is gone.
    mine.reload()
    expect(mine.get_by_test_id("treasury-now-value")).to_have_text("380,00\u00a0€")
    expect(mine.get_by_test_id("treasury-alert-banner")).to_have_count(0)
    expect(mine.get_by_test_id("treasury-unpaid")).to_contain_text("600,00\u00a0€")
    screenshot(mine, tmp_path, "treasury-portal-after-payment")


def test_my_treasury_fits_a_phone(new_page, live_server, tmp_path, entrepreneur, issued_invoice):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(page, live_server, entrepreneur)
    page.goto(f"{live_server.url}/portail/tresorerie/")
    expect(page.get_by_test_id("treasury-now-value")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, tmp_path, "treasury-portal-phone")
