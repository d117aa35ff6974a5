"""Portal "Mes factures": the entrepreneur's customers, quotes and invoices, scoped to their activities."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptabilite import services
from comptabilite.models import Invoice, InvoiceStatus, Quote, QuoteStatus
from tests.comptabilite_pages.conftest import (
    ALL_TICKED,
    document_post,
    draft,
    form_line,
    issued,
    line,
    submitted,
    text,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_entrepreneur_opens_every_portal_invoicing_page(entrepreneur, accountant, coop, activity, customer):
    invoice = issued(entrepreneur, accountant, activity, customer)
    quote = services.quote_create(by=entrepreneur, activity=activity, customer=customer, lines=[line()])
    client = client_for(entrepreneur)
    for url in [
        "/portail/",
        "/portail/factures/",
        "/portail/factures/nouvelle/",
        f"/portail/factures/{invoice.pk}/",
        "/portail/devis/",
        "/portail/devis/nouveau/",
        f"/portail/devis/{quote.pk}/",
        f"/portail/devis/{quote.pk}/modifier/",
        "/portail/clients/",
        "/portail/clients/nouveau/",
        f"/portail/clients/{customer.pk}/",
        f"/portail/clients/{customer.pk}/modifier/",
    ]:
        assert client.get(url).status_code == 200, url
    assert "Mes factures" in text(client.get("/portail/"))


@pytest.mark.parametrize("persona", ["manager", "accountant", "officer", "associate"])
def test_portal_invoicing_is_the_entrepreneurs_space(persona, personas, coop):
    assert client_for(personas[persona]).get("/portail/factures/").status_code == 403


def test_another_entrepreneurs_documents_customers_and_quotes_answer_404(
    entrepreneur, other_entrepreneur, accountant, coop, other_activity, other_customer
):
    theirs = issued(other_entrepreneur, accountant, other_activity, other_customer)
    their_draft = draft(other_entrepreneur, other_activity, other_customer)
    quote = services.quote_create(
        by=other_entrepreneur, activity=other_activity, customer=other_customer, lines=[line()]
    )
    client = client_for(entrepreneur)
    for pk in (theirs.pk, their_draft.pk):
        for suffix in ("", "modifier/", "pdf/"):
            assert client.get(f"/portail/factures/{pk}/{suffix}").status_code == 404, (pk, suffix)
        for suffix in ("soumettre/", "supprimer/"):
            assert client.post(f"/portail/factures/{pk}/{suffix}").status_code == 404, (pk, suffix)
    for suffix in ("", "modifier/"):
        assert client.get(f"/portail/clients/{other_customer.pk}/{suffix}").status_code == 404
    for suffix in ("", "modifier/", "pdf/"):
        assert client.get(f"/portail/devis/{quote.pk}/{suffix}").status_code == 404
    for suffix in ("etat/", "facturer/"):
        assert client.post(f"/portail/devis/{quote.pk}/{suffix}", {"status": "sent"}).status_code == 404
    assert Invoice.objects.filter(pk=their_draft.pk, status=InvoiceStatus.DRAFT).exists()
    lists = text(client.get("/portail/factures/")) + text(client.get("/portail/clients/"))
    assert other_customer.name not in lists and theirs.number not in lists
    assert quote.number not in text(client.get("/portail/devis/"))


def test_new_document_for_another_activity_answers_404(entrepreneur, coop, activity, other_activity):
    client = client_for(entrepreneur)
    assert client.get(f"/portail/factures/nouvelle/?activity={other_activity.pk}").status_code == 404
    assert client.get(f"/portail/devis/nouveau/?activity={other_activity.pk}").status_code == 404


def test_entrepreneur_may_not_control_issue_pay_or_run_dunning(
    entrepreneur, accountant, coop, activity, customer
):
    waiting = submitted(entrepreneur, activity, customer)
    client = client_for(entrepreneur)
    response = client.post(
        f"/gestion/facturation/factures/{waiting.pk}/controle/",
        {"decision": "accept", "checklist": list(ALL_TICKED)},
    )
    assert response.status_code == 403
    services.invoice_control(by=accountant, invoice=waiting, accept=True, checklist=ALL_TICKED)
    assert client.post(f"/gestion/facturation/factures/{waiting.pk}/emettre/").status_code == 403
    assert client.post(f"/gestion/facturation/factures/{waiting.pk}/paiement/").status_code == 403
    assert client.post(f"/gestion/facturation/factures/{waiting.pk}/avoir/").status_code == 403
    assert client.post("/gestion/facturation/relances/preparer/").status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == InvoiceStatus.CONTROLLED
    page = text(client.get(f"/portail/factures/{waiting.pk}/"))
    assert "/controle/" not in page and "/emettre/" not in page and "Émettre" not in page


def test_entrepreneur_creates_edits_and_submits_a_draft(entrepreneur, coop, activity, customer):
    client = client_for(entrepreneur)
    response = client.post(
        "/portail/factures/nouvelle/",
        document_post(customer, [form_line("Logo", "1", "400")], subject="Logo"),
    )
    invoice = Invoice.objects.get()
    assert response["Location"] == f"/portail/factures/{invoice.pk}/"
    assert (invoice.activity, invoice.created_by, invoice.total_ttc) == (
        activity,
        entrepreneur,
        Decimal("480.00"),
    )
    data = document_post(
        customer, [form_line("Logo", "1", "400"), form_line("Carte de visite", "100", "0,5")]
    )
    data["lines-INITIAL_FORMS"] = "1"
    assert client.post(f"/portail/factures/{invoice.pk}/modifier/", data).status_code == 302
    invoice.refresh_from_db()
    assert invoice.total_ht == Decimal("450.00") and invoice.lines.count() == 2
    client.post(f"/portail/factures/{invoice.pk}/soumettre/")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SUBMITTED
    page = text(client.get(f"/portail/factures/{invoice.pk}/"))
    assert "L'équipe d'appui contrôle votre facture" in page and "Modifier" not in page


def test_removed_lines_are_dropped(entrepreneur, coop, activity, customer):
    invoice = draft(entrepreneur, activity, customer, [line("Un"), line("Deux")])
    data = document_post(customer, [form_line("Un"), form_line("Deux", DELETE="on")])
    data["lines-INITIAL_FORMS"] = "2"
    client_for(entrepreneur).post(f"/portail/factures/{invoice.pk}/modifier/", data)
    assert [li.description for li in invoice.lines.all()] == ["Un"]


def test_entrepreneur_deletes_a_draft_but_never_an_issued_invoice(
    entrepreneur, accountant, coop, activity, customer
):
    client = client_for(entrepreneur)
    mine = draft(entrepreneur, activity, customer)
    assert client.post(f"/portail/factures/{mine.pk}/supprimer/")["Location"] == "/portail/factures/"
    assert not Invoice.objects.filter(pk=mine.pk).exists()
    done = issued(entrepreneur, accountant, activity, customer)
    response = client.post(f"/portail/factures/{done.pk}/supprimer/", follow=True)
    assert "ne peut être ni modifié ni supprimé" in text(response)
    assert client.get(f"/portail/factures/{done.pk}/modifier/").status_code == 302
    assert Invoice.objects.filter(pk=done.pk, status=InvoiceStatus.ISSUED).exists()


def test_returned_draft_shows_the_staff_comment_everywhere(
    entrepreneur, accountant, coop, activity, customer
):
    invoice = submitted(entrepreneur, activity, customer)
    services.invoice_control(
        by=accountant,
        invoice=invoice,
        accept=False,
        checklist={},
        comment="Ajoutez la date de la prestation.",
    )
    client = client_for(entrepreneur)
    for url in ("/portail/", "/portail/factures/", f"/portail/factures/{invoice.pk}/"):
        assert "Ajoutez la date de la prestation." in text(client.get(url)), url
    page = text(client.get(f"/portail/factures/{invoice.pk}/modifier/"))
    assert 'data-testid="return-comment"' in page and "Ajoutez la date de la prestation." in page
    assert "Soumettre à nouveau" in text(client.get(f"/portail/factures/{invoice.pk}/"))


def test_unpaid_invoices_show_on_the_portal(entrepreneur, accountant, coop, activity, customer, time_machine):
    unpaid = issued(entrepreneur, accountant, activity, customer)
    paid = issued(entrepreneur, accountant, activity, customer)
    services.payment_record(
        by=accountant, invoice=paid, date=paid.date, amount=paid.total_ttc, method="transfer"
    )
    time_machine.move_to(datetime.datetime(2026, 4, 20, 10, 0), tick=False)
    client = client_for(entrepreneur)
    home = text(client.get("/portail/"))
    assert unpaid.number in home and paid.number not in home and "en retard" in home
    page = text(client.get("/portail/factures/"))
    assert "120,00\u00a0€ à encaisser" in page
    assert text(client.get("/portail/factures/", {"payment": "paid"})).count(paid.number) == 1


def test_issued_pdf_downloads_from_the_portal(entrepreneur, accountant, coop, activity, customer):
    invoice = issued(entrepreneur, accountant, activity, customer)
    response = client_for(entrepreneur).get(f"/portail/factures/{invoice.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert 'filename="facture-2026-00001.pdf"' in response["Content-Disposition"]


def test_portal_list_runs_a_constant_number_of_queries(
    entrepreneur, accountant, coop, activity, customer, time_machine
):
    def queries():
        client = client_for(entrepreneur)
        client.get("/portail/factures/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/portail/factures/").status_code == 200
        return captured

    issued(entrepreneur, accountant, activity, customer)
    draft(entrepreneur, activity, customer)
    few = queries()
    for _ in range(8):
        issued(entrepreneur, accountant, activity, customer)
        invoice = submitted(entrepreneur, activity, customer)
        services.invoice_control(
            by=accountant, invoice=invoice, accept=False, checklist={}, comment="À revoir"
        )
        draft(entrepreneur, activity, customer)
    time_machine.move_to(datetime.datetime(2026, 5, 1, 10, 0), tick=False)
    many = queries()
    assert len(many) == len(few), [query["sql"] for query in many]


# --- customers -----------------------------------------------------------------------------------


def test_entrepreneur_creates_and_edits_own_customers(entrepreneur, coop, activity):
    client = client_for(entrepreneur)
    page = text(client.get("/portail/clients/nouveau/"))
    assert 'name="activity"' not in page  # one activity: no choice to make
    response = client.post(
        "/portail/clients/nouveau/",
        {
            "kind": "company",
            "name": "SAS Alpes",
            "country": "FR",
            "siren": "830 518 973",
            "email": "A@Alpes.example",
        },
    )
    created = activity.customers.get()
    assert response["Location"] == f"/portail/clients/{created.pk}/"
    assert (created.siren, created.email) == ("830518973", "a@alpes.example")
    response = client.post(
        f"/portail/clients/{created.pk}/modifier/",
        {"kind": "company", "name": "SAS Alpes", "country": "FR", "siren": "123"},
    )
    assert response.status_code == 200 and "SIREN invalide" in text(response)
    client.post(
        f"/portail/clients/{created.pk}/modifier/",
        {"kind": "company", "name": "SAS Alpes du Sud", "country": "FR", "city": "Gap", "postcode": "05000"},
    )
    created.refresh_from_db()
    assert created.name == "SAS Alpes du Sud"


def test_new_customer_link_returns_to_the_invoice_form(entrepreneur, coop, activity):
    client = client_for(entrepreneur)
    form = text(client.get("/portail/factures/nouvelle/"))
    assert f"/portail/clients/nouveau/?activity={activity.pk}&next=" in form
    response = client.post(
        "/portail/clients/nouveau/",
        {"kind": "person", "name": "M. Paul Blanc", "country": "FR", "next": "/portail/factures/nouvelle/"},
    )
    created = activity.customers.get()
    assert response["Location"] == f"/portail/factures/nouvelle/?customer={created.pk}"


# --- quotes --------------------------------------------------------------------------------------


def test_quote_life_from_draft_to_invoice(entrepreneur, coop, activity, customer):
    client = client_for(entrepreneur)
    data = document_post(
        customer, [form_line("Audit", "2", "350")], date="2026-03-10", valid_until="2026-04-09"
    )
    response = client.post("/portail/devis/nouveau/", data)
    quote = Quote.objects.get()
    assert response["Location"] == f"/portail/devis/{quote.pk}/"
    assert quote.number and quote.total_ttc == Decimal("840.00")

    data["lines-INITIAL_FORMS"] = "1"
    data["lines-0-quantity"] = "3"
    client.post(f"/portail/devis/{quote.pk}/modifier/", data)
    quote.refresh_from_db()
    assert quote.total_ht == Decimal("1050.00")

    client.post(f"/portail/devis/{quote.pk}/etat/", {"status": "sent"})
    client.post(f"/portail/devis/{quote.pk}/etat/", {"status": "accepted"})
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED
    response = client.get(f"/portail/devis/{quote.pk}/pdf/")
    assert response.content.startswith(b"%PDF")

    response = client.post(f"/portail/devis/{quote.pk}/facturer/")
    invoice = Invoice.objects.get(quote=quote)
    assert response["Location"] == f"/portail/factures/{invoice.pk}/"
    assert invoice.total_ht == Decimal("1050.00") and invoice.status == InvoiceStatus.DRAFT
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.INVOICED
    assert client.get(f"/portail/devis/{quote.pk}/modifier/").status_code == 302


def test_refused_status_change_is_explained(entrepreneur, coop, activity, customer):
    quote = services.quote_create(by=entrepreneur, activity=activity, customer=customer, lines=[line()])
    response = client_for(entrepreneur).post(
        f"/portail/devis/{quote.pk}/etat/", {"status": "accepted"}, follow=True
    )
    assert "ne peut pas passer" in text(response)
    response = client_for(entrepreneur).post(f"/portail/devis/{quote.pk}/facturer/", follow=True)
    assert "Seul un devis envoyé ou accepté" in text(response)
