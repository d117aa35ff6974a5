"""Back-office invoicing pages: lists, filters, CSV, control queue and screen, issue, payments, credit notes,
sending, dunning, customers; query counts of the lists."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from comptabilite import services
from comptabilite.models import (
    DocumentEvent,
    DunningLog,
    DunningStatus,
    EventKind,
    Invoice,
    InvoiceStatus,
    Payment,
)
from tests.comptabilite_pages.conftest import (
    ALL_TICKED,
    document_post,
    draft,
    form_line,
    issued,
    line,
    make_customer,
    submitted,
    text,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


# --- every page opens for the support team -----------------------------------------------------


@pytest.mark.parametrize("persona", ["manager", "accountant", "officer"])
def test_staff_open_every_invoicing_page(
    persona, personas, coop, entrepreneur, accountant, activity, customer
):
    invoice = issued(entrepreneur, accountant, activity, customer)
    waiting = submitted(entrepreneur, activity, customer)
    client = client_for(personas[persona])
    urls = [
        "/gestion/facturation/",
        "/gestion/facturation/controle/",
        "/gestion/facturation/retards/",
        "/gestion/facturation/clients/",
        f"/gestion/facturation/clients/{customer.pk}/",
        f"/gestion/facturation/clients/{customer.pk}/modifier/",
        "/gestion/facturation/clients/nouveau/",
        "/gestion/facturation/factures/nouvelle/",
        f"/gestion/facturation/factures/nouvelle/?activity={activity.pk}",
        f"/gestion/facturation/factures/{invoice.pk}/",
        f"/gestion/facturation/factures/{waiting.pk}/",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_officer_reads_but_may_not_control_issue_pay_or_run_dunning(
    officer, coop, entrepreneur, accountant, activity, customer
):
    invoice = issued(entrepreneur, accountant, activity, customer)
    waiting = submitted(entrepreneur, activity, customer)
    client = client_for(officer)
    page = text(client.get(f"/gestion/facturation/factures/{waiting.pk}/"))
    assert "Contrôler" not in page
    assert client.get(f"/gestion/facturation/factures/{waiting.pk}/controle/").status_code == 403
    assert client.post(f"/gestion/facturation/factures/{invoice.pk}/emettre/").status_code == 403
    assert client.post(f"/gestion/facturation/factures/{invoice.pk}/paiement/").status_code == 403
    assert client.get("/gestion/facturation/relances/").status_code == 403
    assert "Enregistrer un paiement" not in text(client.get(f"/gestion/facturation/factures/{invoice.pk}/"))


@pytest.mark.parametrize("persona", ["entrepreneur", "associate"])
def test_backoffice_invoicing_is_refused_outside_the_support_team(
    persona, personas, coop, activity, customer
):
    invoice = draft(personas["entrepreneur"], activity, customer)
    client = client_for(personas[persona])
    assert client.get("/gestion/facturation/").status_code == 403
    assert client.get(f"/gestion/facturation/factures/{invoice.pk}/").status_code == 403
    assert client.get("/gestion/facturation/factures/nouvelle/").status_code == 403


# --- documents list -----------------------------------------------------------------------------


def test_list_filters_by_status_activity_payment_and_search(
    accountant, coop, entrepreneur, other_entrepreneur, activity, other_activity, customer, other_customer
):
    paid = issued(entrepreneur, accountant, activity, customer)
    services.payment_record(
        by=accountant, invoice=paid, date=paid.date, amount=paid.total_ttc, method="transfer"
    )
    open_ = issued(other_entrepreneur, accountant, other_activity, other_customer)
    waiting = submitted(entrepreneur, activity, customer)
    client = client_for(accountant)

    page = text(client.get("/gestion/facturation/", {"status": "submitted"}))
    assert f"Provisoire n° {waiting.pk}" in page and paid.number not in page
    page = text(client.get("/gestion/facturation/", {"activity": other_activity.pk}))
    assert open_.number in page and paid.number not in page
    page = text(client.get("/gestion/facturation/", {"payment": "paid"}))
    assert paid.number in page and open_.number not in page
    page = text(client.get("/gestion/facturation/", {"payment": "unpaid"}))
    assert open_.number in page and paid.number not in page
    page = text(client.get("/gestion/facturation/", {"q": "serres"}))
    assert open_.number in page and paid.number not in page
    page = text(client.get("/gestion/facturation/", {"q": paid.number}))
    assert paid.number in page and open_.number not in page


def test_list_sorts_and_paginates(accountant, coop, entrepreneur, activity, customer):
    for _ in range(3):
        draft(entrepreneur, activity, customer)
    response = client_for(accountant).get("/gestion/facturation/", {"sort": "-total_ttc", "page": "1"})
    assert response.status_code == 200


def test_csv_export_follows_the_filter(accountant, coop, entrepreneur, activity, customer):
    invoice = issued(entrepreneur, accountant, activity, customer, [line(quantity="2", unit_price="617.28")])
    draft(entrepreneur, activity, customer)
    response = client_for(accountant).get("/gestion/facturation/", {"status": "issued", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = response.content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Numéro;Type;État;Date;Échéance;Activité")
    assert len(rows) == 2
    assert rows[1].startswith(f"{invoice.number};facture;émise;10/03/2026;09/04/2026;ACT00001;Lucie Faure;")
    assert ";1234,56;246,91;1481,47;0,00;1481,47;à payer" in rows[1]


def _documents(count, entrepreneur, accountant, activity, customer):
    for index in range(count):
        if index % 3 == 0:
            issued(entrepreneur, accountant, activity, customer)
        elif index % 3 == 1:
            submitted(entrepreneur, activity, customer)
        else:
            draft(entrepreneur, activity, customer)


@pytest.mark.parametrize(
    "url", ["/gestion/facturation/", "/gestion/facturation/controle/", "/gestion/facturation/retards/"]
)
def test_lists_run_a_constant_number_of_queries(
    url, accountant, coop, entrepreneur, activity, customer, time_machine
):
    def queries():
        client = client_for(accountant)  # a fresh session at the current date
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return captured

    _documents(3, entrepreneur, accountant, activity, customer)
    time_machine.move_to(datetime.datetime(2026, 6, 1, 10, 0), tick=False)  # the issued ones are overdue
    few = queries()
    _documents(24, entrepreneur, accountant, activity, customer)
    time_machine.move_to(datetime.datetime(2026, 9, 1, 10, 0), tick=False)
    many = queries()
    assert len(many) == len(few), [query["sql"] for query in many]


def test_home_counts_documents_to_control_and_overdue_invoices(
    accountant, coop, entrepreneur, activity, customer, time_machine
):
    issued(entrepreneur, accountant, activity, customer)
    submitted(entrepreneur, activity, customer)
    submitted(entrepreneur, activity, customer)
    time_machine.move_to(datetime.datetime(2026, 5, 1, 10, 0), tick=False)
    response = client_for(accountant).get("/gestion/")
    page = text(response)
    assert "2" in page and "factures à contrôler" in page and "/gestion/facturation/controle/" in page
    assert "1" in page and "facture en retard de paiement" in page and "/gestion/facturation/retards/" in page


# --- control queue and the one-screen control ----------------------------------------------------


def test_queue_lists_submitted_documents_oldest_first(
    accountant, coop, entrepreneur, activity, customer, time_machine
):
    first = submitted(entrepreneur, activity, make_customer(activity, name="Premier client"))
    time_machine.move_to(datetime.datetime(2026, 3, 11, 10, 0), tick=False)
    submitted(entrepreneur, activity, make_customer(activity, name="Second client"))
    draft(entrepreneur, activity, make_customer(activity, name="Client brouillon"))
    page = text(client_for(accountant).get("/gestion/facturation/controle/"))
    assert page.index("Premier client") < page.index("Second client")
    assert "Client brouillon" not in page
    assert 'data-testid="queue-count">(2)' in page
    assert f"/gestion/facturation/factures/{first.pk}/controle/" in page


def test_control_screen_shows_the_document_and_the_checklist(
    accountant, coop, entrepreneur, activity, customer
):
    invoice = submitted(
        entrepreneur, activity, customer, [line(description="Affiche A2", unit_price="250.00")]
    )
    page = text(client_for(accountant).get(f"/gestion/facturation/factures/{invoice.pk}/controle/"))
    assert "Affiche A2" in page and "300,00\u00a0€" in page and "SARL Les Jardins du Buëch" in page
    for key in ALL_TICKED:
        assert f'value="{key}"' in page
    assert "Accepter" in page and "Renvoyer en brouillon" in page


def test_returning_needs_a_comment_and_accepting_needs_every_point(
    accountant, coop, entrepreneur, activity, customer
):
    invoice = submitted(entrepreneur, activity, customer)
    client = client_for(accountant)
    url = f"/gestion/facturation/factures/{invoice.pk}/controle/"
    response = client.post(url, {"decision": "return", "comment": ""})
    assert response.status_code == 400 and "Expliquez" in text(response)
    response = client.post(url, {"decision": "accept", "checklist": ["customer", "lines"]})
    assert response.status_code == 400 and "cochez tous les points" in text(response)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SUBMITTED


def test_accepted_document_is_issued_in_one_click(accountant, coop, entrepreneur, activity, customer):
    invoice = submitted(entrepreneur, activity, customer)
    client = client_for(accountant)
    response = client.post(
        f"/gestion/facturation/factures/{invoice.pk}/controle/",
        {"decision": "accept", "checklist": list(ALL_TICKED)},
    )
    assert (
        response.status_code == 302 and response["Location"] == f"/gestion/facturation/factures/{invoice.pk}/"
    )
    page = text(client.get(response["Location"]))
    assert "Contrôle accepté" in page and f"/gestion/facturation/factures/{invoice.pk}/emettre/" in page
    response = client.post(f"/gestion/facturation/factures/{invoice.pk}/emettre/")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED and invoice.number == "2026-00001"
    assert "Facture 2026-00001 émis(e)." in text(client.get(response["Location"]))


def test_ready_documents_are_issued_from_the_queue(accountant, coop, entrepreneur, activity, customer):
    invoice = submitted(entrepreneur, activity, customer)
    services.invoice_control(by=accountant, invoice=invoice, accept=True, checklist=ALL_TICKED)
    client = client_for(accountant)
    page = text(client.get("/gestion/facturation/controle/"))
    assert 'data-testid="ready-to-issue"' in page and f"Provisoire n° {invoice.pk}" in page
    response = client.post(
        f"/gestion/facturation/factures/{invoice.pk}/emettre/", {"next": "/gestion/facturation/controle/"}
    )
    assert response["Location"] == "/gestion/facturation/controle/"
    invoice.refresh_from_db()
    assert invoice.is_issued


def test_issue_refuses_an_unsafe_next_link(accountant, coop, entrepreneur, activity, customer):
    invoice = submitted(entrepreneur, activity, customer)
    services.invoice_control(by=accountant, invoice=invoice, accept=True, checklist=ALL_TICKED)
    response = client_for(accountant).post(
        f"/gestion/facturation/factures/{invoice.pk}/emettre/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == f"/gestion/facturation/factures/{invoice.pk}/"


# --- drafting by the staff -----------------------------------------------------------------------


def test_staff_choose_the_activity_then_create_a_draft_with_lines(
    accountant, coop, entrepreneur, activity, other_activity, customer
):
    client = client_for(accountant)
    page = text(client.get("/gestion/facturation/factures/nouvelle/"))
    assert "ACT00001 — Graphisme (Lucie Faure)" in page
    url = f"/gestion/facturation/factures/nouvelle/?activity={activity.pk}"
    page = text(client.get(url))
    assert "SARL Les Jardins du Buëch — Veynes" in page and 'name="lines-TOTAL_FORMS"' in page
    data = document_post(
        customer,
        [
            form_line("Logo", "2", "150,50"),
            form_line("Forfait", "1", "10", "5.50"),
            form_line("", "1", "", "20.00"),
        ],
        subject="Identité visuelle",
        service_date="2026-03-02",
        purchase_order_ref="BC-42",
    )
    response = client.post(url, data)
    invoice = Invoice.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/gestion/facturation/factures/{invoice.pk}/"
    )
    assert (invoice.status, invoice.subject, invoice.purchase_order_ref) == (
        InvoiceStatus.DRAFT,
        "Identité visuelle",
        "BC-42",
    )
    assert invoice.service_date == datetime.date(2026, 3, 2)
    assert invoice.created_by == accountant and invoice.entrepreneur == entrepreneur.entrepreneur
    assert [(li.description, li.total_ht) for li in invoice.lines.order_by("position")] == [
        ("Logo", Decimal("301.00")),
        ("Forfait", Decimal("10.00")),
    ]
    assert invoice.total_ttc == Decimal("371.75")  # 301 + 60.20 VAT, 10 + 0.55 VAT


def test_line_errors_show_on_the_line_and_nothing_is_written(
    accountant, coop, entrepreneur, activity, customer
):
    url = f"/gestion/facturation/factures/nouvelle/?activity={activity.pk}"
    response = client_for(accountant).post(
        url, document_post(customer, [form_line("Conseil", "1", "100", "0.00")])
    )
    assert response.status_code == 200
    page = text(response)
    assert "mention d'exonération" in page and "is-invalid" in page
    response = client_for(accountant).post(url, document_post(customer, [form_line("Conseil", "0", "100")]))
    assert "la quantité doit être positive" in text(response)
    assert not Invoice.objects.exists()


def test_zero_rate_line_with_its_exemption_is_saved(accountant, coop, entrepreneur, activity, customer):
    url = f"/gestion/facturation/factures/nouvelle/?activity={activity.pk}"
    client_for(accountant).post(
        url, document_post(customer, [form_line("Formation", "1", "500", "0.00")], vat_exemption="exempt_261")
    )
    invoice = Invoice.objects.get()
    assert (invoice.vat_exemption, invoice.total_ttc) == ("exempt_261", Decimal("500.00"))


def test_customer_select_only_offers_the_activity_customers(
    accountant, coop, entrepreneur, activity, customer, other_customer
):
    url = f"/gestion/facturation/factures/nouvelle/?activity={activity.pk}"
    page = text(client_for(accountant).get(url))
    assert customer.name in page and other_customer.name not in page
    response = client_for(accountant).post(url, document_post(other_customer, [form_line()]))
    assert response.status_code == 200 and not Invoice.objects.exists()


def test_live_totals_use_the_services_rounding(accountant, coop):
    data = document_post(
        SimpleNamespace(pk=0), [form_line("A", "3", "0,34"), form_line("B", "1", "10", "5.50")]
    )
    response = client_for(accountant).post("/gestion/facturation/totaux/", data)
    page = text(response)
    assert response.status_code == 200
    assert "1,02\u00a0€" in page and "11,02\u00a0€" in page  # 3 × 0,34 ; total HT
    assert 'id="line-total-1"' in page and "10,00\u00a0€" in page
    assert "11,77\u00a0€" in page  # TTC: 11,02 + 0,20 (20 % of 1,02) + 0,55 (5,5 % of 10)


def test_staff_edit_a_draft_and_an_issued_document_is_refused(
    accountant, coop, entrepreneur, activity, customer
):
    invoice = draft(entrepreneur, activity, customer)
    client = client_for(accountant)
    url = f"/gestion/facturation/factures/{invoice.pk}/modifier/"
    page = text(client.get(url))
    assert 'value="Création graphique"' in page and 'name="lines-INITIAL_FORMS" value="1"' in page
    data = document_post(customer, [form_line("Création graphique", "3", "100")], subject="Brochure")
    data["lines-INITIAL_FORMS"] = "1"
    assert client.post(url, data).status_code == 302
    invoice.refresh_from_db()
    assert (invoice.subject, invoice.total_ht) == ("Brochure", Decimal("300.00"))

    done = issued(entrepreneur, accountant, activity, customer)
    edit = f"/gestion/facturation/factures/{done.pk}/modifier/"
    response = client.get(edit)
    assert response.status_code == 302 and response["Location"] == f"/gestion/facturation/factures/{done.pk}/"
    response = client.post(edit, document_post(customer, [form_line("Autre", "9", "9")]), follow=True)
    assert "Seul un brouillon se modifie" in text(response)
    done.refresh_from_db()
    assert done.total_ht == Decimal("100.00") and done.lines.get().description == "Création graphique"
    assert client.post(f"/gestion/facturation/factures/{done.pk}/supprimer/").status_code == 302
    assert Invoice.objects.filter(pk=done.pk).exists()


def test_staff_submit_and_delete_drafts(accountant, coop, entrepreneur, activity, customer):
    keep, drop = draft(entrepreneur, activity, customer), draft(entrepreneur, activity, customer)
    client = client_for(accountant)
    client.post(f"/gestion/facturation/factures/{keep.pk}/soumettre/")
    keep.refresh_from_db()
    assert keep.status == InvoiceStatus.SUBMITTED
    response = client.post(f"/gestion/facturation/factures/{drop.pk}/supprimer/")
    assert response["Location"] == "/gestion/facturation/"
    assert not Invoice.objects.filter(pk=drop.pk).exists()


def test_incomplete_customer_blocks_the_submission_with_a_message(accountant, coop, entrepreneur, activity):
    invoice = draft(entrepreneur, activity, make_customer(activity, address_line1=""))
    response = client_for(accountant).post(
        f"/gestion/facturation/factures/{invoice.pk}/soumettre/", follow=True
    )
    assert "adresse complète du client" in text(response)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DRAFT


# --- payments ------------------------------------------------------------------------------------


def test_partial_then_full_payment_changes_the_payment_status(
    accountant, coop, entrepreneur, activity, customer
):
    invoice = issued(entrepreneur, accountant, activity, customer)  # 120,00 € TTC
    client = client_for(accountant)
    url = f"/gestion/facturation/factures/{invoice.pk}/"
    page = text(client.get(url))
    assert "Enregistrer un paiement" in page and 'value="120,00"' in page
    assert 'data-testid="payment-status"><span class="badge payment-unpaid">à payer' in page

    payment = {"date": "2026-03-10", "amount": "50,00", "method": "cheque", "reference": "CHQ 123"}
    assert client.post(f"{url}paiement/", payment).status_code == 302
    page = text(client.get(url))
    assert "payée en partie" in page and "70,00\u00a0€" in page and "CHQ 123" in page

    response = client.post(f"{url}paiement/", payment | {"amount": "80,00"})
    assert response.status_code == 400 and "dépasse le reste dû" in text(response)

    client.post(f"{url}paiement/", payment | {"amount": "70,00", "method": "transfer"})
    page = text(client.get(url))
    assert 'class="badge payment-paid">payée' in page and "Enregistrer un paiement" not in page
    assert DocumentEvent.objects.filter(invoice=invoice, kind=EventKind.PAYMENT).count() == 2


def test_overdue_invoice_shows_in_the_overdue_list(
    accountant, coop, entrepreneur, activity, customer, time_machine
):
    invoice = issued(entrepreneur, accountant, activity, customer)
    assert invoice.number not in text(client_for(accountant).get("/gestion/facturation/retards/"))
    time_machine.move_to(datetime.datetime(2026, 4, 20, 10, 0), tick=False)
    client = client_for(accountant)
    page = text(client.get("/gestion/facturation/retards/"))
    assert invoice.number in page and "11 j" in page
    assert "en retard" in text(client.get(f"/gestion/facturation/factures/{invoice.pk}/"))


def test_a_wrong_payment_is_cancelled_with_a_reason(accountant, coop, entrepreneur, activity, customer):
    invoice = issued(entrepreneur, accountant, activity, customer)
    payment = services.payment_record(
        by=accountant, invoice=invoice, date=invoice.date, amount=Decimal(120), method="cash"
    )
    client = client_for(accountant)
    client.post(f"/gestion/facturation/paiements/{payment.pk}/annuler/", {"reason": "Saisi deux fois"})
    payment = Payment.objects.get(pk=payment.pk)
    invoice.refresh_from_db()
    assert payment.cancelled_at is not None and invoice.amount_paid == 0


# --- credit notes --------------------------------------------------------------------------------


def test_whole_credit_note_takes_back_every_line(accountant, coop, entrepreneur, activity, customer):
    invoice = issued(entrepreneur, accountant, activity, customer, [line(), line("Impression", "2", "50.00")])
    client = client_for(accountant)
    url = f"/gestion/facturation/factures/{invoice.pk}/avoir/"
    page = text(client.get(url))
    assert "Impression" in page and 'value="2"' in page
    data = {"mode": "whole", "subject": "", "notes": "Annulation", **_credit_lines(invoice)}
    response = client.post(url, data)
    note = Invoice.objects.get(kind="credit_note")
    assert response["Location"] == f"/gestion/facturation/factures/{note.pk}/"
    assert (note.credited_invoice, note.total_ttc, note.status) == (
        invoice,
        invoice.total_ttc,
        InvoiceStatus.DRAFT,
    )


def test_partial_credit_note_takes_back_the_ticked_lines(accountant, coop, entrepreneur, activity, customer):
    invoice = issued(entrepreneur, accountant, activity, customer, [line(), line("Impression", "2", "50.00")])
    data = {"mode": "partial", "subject": "Geste commercial", "notes": "", **_credit_lines(invoice)}
    data["credit-0-include"] = ""  # not the first line
    data["credit-1-quantity"] = "1"
    client_for(accountant).post(f"/gestion/facturation/factures/{invoice.pk}/avoir/", data)
    note = Invoice.objects.get(kind="credit_note")
    assert [(li.description, li.quantity) for li in note.lines.all()] == [("Impression", Decimal("1.000"))]
    assert note.total_ht == Decimal("50.00") and note.subject == "Geste commercial"


def test_credit_note_larger_than_the_invoice_is_refused_on_the_form(
    accountant, coop, entrepreneur, activity, customer
):
    invoice = issued(entrepreneur, accountant, activity, customer)
    data = {"mode": "partial", "subject": "", "notes": "", **_credit_lines(invoice)}
    data["credit-0-quantity"] = "5"
    response = client_for(accountant).post(f"/gestion/facturation/factures/{invoice.pk}/avoir/", data)
    assert response.status_code == 400 and "dépasse ce qui reste à créditer" in text(response)
    assert not Invoice.objects.filter(kind="credit_note").exists()


def _credit_lines(invoice) -> dict:
    lines = list(invoice.lines.order_by("position", "pk"))
    data = {"credit-TOTAL_FORMS": str(len(lines)), "credit-INITIAL_FORMS": str(len(lines))}
    for index, li in enumerate(lines):
        data |= {
            f"credit-{index}-credited_line_id": li.pk,
            f"credit-{index}-include": "on",
            f"credit-{index}-description": li.description,
            f"credit-{index}-quantity": str(li.quantity),
            f"credit-{index}-unit_price": str(li.unit_price),
            f"credit-{index}-vat_rate": str(li.vat_rate),
        }
    return data


# --- sending -------------------------------------------------------------------------------------


def test_sending_logs_an_event_and_emails_the_pdf(accountant, coop, entrepreneur, activity, customer):
    invoice = issued(entrepreneur, accountant, activity, customer)
    client = client_for(accountant)
    page = text(client.get(f"/gestion/facturation/factures/{invoice.pk}/"))
    assert (
        'value="compta@jardins.example"' in page
        and "Veuillez trouver ci-joint notre facture 2026-00001" in page
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"/gestion/facturation/factures/{invoice.pk}/envoyer/",
            {
                "to": "compta@jardins.example, direction@jardins.example",
                "subject": "Votre facture",
                "message": "Bonjour",
            },
        )
    assert response.status_code == 302
    event = DocumentEvent.objects.get(invoice=invoice, kind=EventKind.SENT)
    assert event.data["to"] == ["compta@jardins.example", "direction@jardins.example"]
    (message,) = mail.outbox
    assert message.to == ["compta@jardins.example", "direction@jardins.example"]
    assert message.subject == "Votre facture"
    (name, content, mimetype) = message.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    page = text(client.get(f"/gestion/facturation/factures/{invoice.pk}/"))
    assert "Envoi au client" in page and "direction@jardins.example" in page


def test_sending_a_draft_or_to_a_wrong_address_is_refused(accountant, coop, entrepreneur, activity, customer):
    invoice = issued(entrepreneur, accountant, activity, customer)
    response = client_for(accountant).post(
        f"/gestion/facturation/factures/{invoice.pk}/envoyer/",
        {"to": "pas-une-adresse", "subject": "", "message": ""},
    )
    assert response.status_code == 400 and "Adresse e-mail invalide" in text(response)
    assert not DocumentEvent.objects.filter(kind=EventKind.SENT).exists()


# --- dunning -------------------------------------------------------------------------------------


def test_dunning_screen_prepares_lists_sends_and_prints_reminders(
    accountant, coop, entrepreneur, activity, customer, time_machine
):
    emailed = issued(entrepreneur, accountant, activity, customer)
    by_post = issued(
        entrepreneur, accountant, activity, make_customer(activity, name="Sans e-mail", email="")
    )
    time_machine.move_to(datetime.datetime(2026, 4, 20, 10, 0), tick=False)  # 11 days after the due date
    client = client_for(accountant)
    page = text(client.get("/gestion/facturation/relances/"))
    assert "Aucune relance en attente" in page

    response = client.post("/gestion/facturation/relances/preparer/", follow=True)
    page = text(response)
    assert "2 relances préparées." in page
    assert emailed.number in page and by_post.number in page and "Relance amiable" in page
    assert "7 jours après l'échéance" in page
    assert client.post("/gestion/facturation/relances/preparer/", follow=True).status_code == 200
    assert DunningLog.objects.count() == 2  # prepared once

    logs = {log.invoice_id: log for log in DunningLog.objects.all()}
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/gestion/facturation/relances/envoyer/",
            {"logs": [logs[emailed.pk].pk, logs[by_post.pk].pk]},
            follow=True,
        )
    page = text(response)
    assert "1 relance envoyée." in page and "pas d'adresse e-mail" in page
    assert DunningLog.objects.get(pk=logs[emailed.pk].pk).status == DunningStatus.SENT
    assert mail.outbox[0].to == ["compta@jardins.example"]

    letter = client.get(f"/gestion/facturation/relances/{logs[by_post.pk].pk}/lettre/")
    assert letter["Content-Type"] == "application/pdf" and letter.content.startswith(b"%PDF")


def test_sending_no_reminder_is_explained(accountant, coop):
    response = client_for(accountant).post("/gestion/facturation/relances/envoyer/", {})
    assert response.status_code == 400 and "Cochez au moins une relance." in text(response)


# --- customers -----------------------------------------------------------------------------------


def test_staff_list_create_and_edit_customers_of_any_activity(
    accountant, coop, activity, other_activity, customer, other_customer
):
    client = client_for(accountant)
    page = text(client.get("/gestion/facturation/clients/"))
    assert customer.name in page and other_customer.name in page
    page = text(client.get("/gestion/facturation/clients/", {"activity": other_activity.pk}))
    assert other_customer.name in page and customer.name not in page
    response = client.post(
        "/gestion/facturation/clients/nouveau/",
        {
            "activity": other_activity.pk,
            "kind": "person",
            "name": "Mme Rose Martin",
            "country": "fr",
            "postcode": "05000",
            "city": "Gap",
        },
    )
    created = other_activity.customers.get(name="Mme Rose Martin")
    assert response["Location"] == f"/gestion/facturation/clients/{created.pk}/"
    assert created.country == "FR"
    response = client.post(
        f"/gestion/facturation/clients/{created.pk}/modifier/",
        {"kind": "person", "name": "Mme Rose Martin", "country": "FR", "postcode": "5000", "city": "Gap"},
    )
    assert response.status_code == 200 and "Code postal français attendu" in text(response)


def test_new_customer_from_the_document_form_comes_back_chosen(accountant, coop, activity):
    form_url = f"/gestion/facturation/factures/nouvelle/?activity={activity.pk}"
    response = client_for(accountant).post(
        f"/gestion/facturation/clients/nouveau/?activity={activity.pk}",
        {"activity": activity.pk, "kind": "company", "name": "SAS Alpes", "country": "FR", "next": form_url},
    )
    created = activity.customers.get()
    assert response["Location"] == f"{form_url}&customer={created.pk}"
    page = text(client_for(accountant).get(response["Location"]))
    assert f'<option value="{created.pk}" selected>' in page


def test_customer_page_lists_its_documents(accountant, coop, entrepreneur, activity, customer):
    invoice = issued(entrepreneur, accountant, activity, customer)
    page = text(client_for(accountant).get(f"/gestion/facturation/clients/{customer.pk}/"))
    assert invoice.number in page and "830518973" in page


# --- downloads -----------------------------------------------------------------------------------


def test_draft_preview_and_issued_pdf_download(accountant, coop, entrepreneur, activity, customer):
    client = client_for(accountant)
    preview = client.get(
        f"/gestion/facturation/factures/{draft(entrepreneur, activity, customer).pk}/pdf/?apercu=1"
    )
    assert preview["Content-Disposition"].startswith("inline") and preview.content.startswith(b"%PDF")
    invoice = issued(entrepreneur, accountant, activity, customer)
    response = client.get(f"/gestion/facturation/factures/{invoice.pk}/pdf/")
    assert response["Content-Disposition"] == 'attachment; filename="facture-2026-00001.pdf"'
    assert response.content.startswith(b"%PDF")
    invoice.refresh_from_db()
    assert invoice.pdf_sha256  # rendered and stored on first download
