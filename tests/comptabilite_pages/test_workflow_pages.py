"""The whole life of an invoice through the pages only: drafted in the portal, returned with a comment,
fixed, resubmitted, accepted, issued, paid in two goes, then corrected by a credit note."""

from __future__ import annotations

from decimal import Decimal

import pytest

from comptabilite.models import DocumentEvent, Invoice, InvoiceStatus, PaymentStatus
from tests.comptabilite_pages.conftest import ALL_TICKED, document_post, form_line, text
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_invoice_from_draft_to_payment_and_credit_note(entrepreneur, accountant, coop, activity, customer):
    mine, staff = client_for(entrepreneur), client_for(accountant)

    # The entrepreneur drafts and submits.
    mine.post(
        "/portail/factures/nouvelle/", document_post(customer, [form_line("Site vitrine", "1", "1000")])
    )
    invoice = Invoice.objects.get()
    url = f"/portail/factures/{invoice.pk}/"
    mine.post(f"{url}soumettre/")
    assert "Aperçu PDF" in text(mine.get(url))

    # The accountant finds it in the queue and returns it with a comment.
    assert f"/gestion/facturation/factures/{invoice.pk}/controle/" in text(
        staff.get("/gestion/facturation/controle/")
    )
    control = f"/gestion/facturation/factures/{invoice.pk}/controle/"
    response = staff.post(control, {"decision": "return", "comment": "Précisez la date de mise en ligne."})
    assert response["Location"] == "/gestion/facturation/controle/"

    # The entrepreneur sees the comment, fixes the draft and submits it again.
    assert "Précisez la date de mise en ligne." in text(mine.get(url))
    data = document_post(customer, [form_line("Site vitrine", "1", "1000")], service_date="2026-03-06")
    data["lines-INITIAL_FORMS"] = "1"
    assert mine.post(f"{url}modifier/", data).status_code == 302
    mine.post(f"{url}soumettre/")
    invoice.refresh_from_db()
    assert (invoice.status, str(invoice.service_date)) == (InvoiceStatus.SUBMITTED, "2026-03-06")

    # The accountant accepts it and issues it.
    staff.post(control, {"decision": "accept", "checklist": list(ALL_TICKED), "comment": ""})
    staff.post(f"/gestion/facturation/factures/{invoice.pk}/emettre/")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == (InvoiceStatus.ISSUED, "2026-00001")
    page = text(mine.get(url))
    assert "Facture 2026-00001" in page and "Télécharger le PDF" in page and "Modifier" not in page

    # Paid in two goes.
    detail = f"/gestion/facturation/factures/{invoice.pk}/"
    staff.post(f"{detail}paiement/", {"date": "2026-03-10", "amount": "200", "method": "transfer"})
    invoice.refresh_from_db()
    assert invoice.payment_status(invoice.date) == PaymentStatus.PARTLY_PAID
    assert "payée en partie" in text(mine.get(url))
    staff.post(f"{detail}paiement/", {"date": "2026-03-10", "amount": "1000,00", "method": "transfer"})
    invoice.refresh_from_db()
    assert invoice.payment_status(invoice.date) == PaymentStatus.PAID and invoice.amount_due == 0

    # A partial credit note, through its own control and issue.
    line = invoice.lines.get()
    staff.post(
        f"{detail}avoir/",
        {
            "mode": "partial",
            "subject": "Remise",
            "notes": "",
            "credit-TOTAL_FORMS": "1",
            "credit-INITIAL_FORMS": "1",
            "credit-0-credited_line_id": line.pk,
            "credit-0-include": "on",
            "credit-0-description": "Remise sur le site vitrine",
            "credit-0-quantity": "1",
            "credit-0-unit_price": "100",
            "credit-0-vat_rate": "20.00",
        },
    )
    note = Invoice.objects.get(kind="credit_note")
    staff.post(f"/gestion/facturation/factures/{note.pk}/soumettre/")
    staff.post(
        f"/gestion/facturation/factures/{note.pk}/controle/",
        {"decision": "accept", "checklist": list(ALL_TICKED)},
    )
    staff.post(f"/gestion/facturation/factures/{note.pk}/emettre/")
    note.refresh_from_db()
    invoice.refresh_from_db()
    assert note.number.startswith("AV") and note.status == InvoiceStatus.ISSUED
    assert invoice.amount_credited == Decimal("120.00") and invoice.amount_due == Decimal("-120.00")
    assert list(DocumentEvent.objects.filter(invoice=invoice).values_list("kind", flat=True)) == [
        "created",
        "submitted",
        "returned",
        "updated",
        "submitted",
        "accepted",
        "issued",
        "payment",
        "payment",
        "credited",
    ]
    assert note.number in text(staff.get(detail))
