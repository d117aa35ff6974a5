"""render_and_store and the downloads against the invoicing models: stored once, with its hash."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from unittest import mock

import facturx
import pypdf
import pytest
from lxml import etree

from comptabilite import documents
from comptabilite.facturx import NS
from comptabilite.models import (
    Customer,
    CustomerKind,
    DocumentKind,
    DunningChannel,
    DunningLevel,
    DunningLog,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    IssuedDocumentError,
    VatExemption,
)
from comptabilite.parties import buyer_fields, seller_fields
from comptabilite.totals import document_totals
from coodyssee.models import Cooperative
from coodyssee.pdf import sha256_hex
from entrepreneurs.models import Activity
from tests.entrepreneurs.factories import EntrepreneurFactory

D = Decimal


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def coop(db):
    return Cooperative.objects.create(
        name="Coodyssée",
        legal_form="SCOP SA à capital variable",
        siren="812345676",
        siret="81234567600021",
        vat_number="FR40812345676",
        rcs_city="Rouen",
        address="12 rue des Coopérateurs\n76000 Rouen",
        email="facturation@coodyssee.example",
        iban="FR7630004000031234567890143",
        bic="BNPAFRPPXXX",
    )


@pytest.fixture
def customer(db):
    activity = Activity.objects.create(code="ACT042", name="Atelier Faure Graphisme")
    return Customer.objects.create(
        activity=activity,
        kind=CustomerKind.COMPANY,
        name="Boulangerie Martin SARL",
        address_line1="4 place du Marché",
        postcode="27000",
        city="Évreux",
        siren="443061841",
        vat_number="FR21443061841",
    )


def _invoice(coop, customer, *, issue=True, kind=DocumentKind.INVOICE, credited=None, number="2026-00001"):
    entrepreneur = EntrepreneurFactory(first_name="Lucie", last_name="Faure")
    rows = [
        ("Identité visuelle", D("1"), D("1200.00"), D("20.00"), ""),
        ("Atelier de formation", D("7"), D("85.00"), D("0.00"), "h"),
    ]
    invoice = Invoice.objects.create(
        kind=kind,
        activity=customer.activity,
        entrepreneur=entrepreneur,
        customer=customer,
        credited_invoice=credited,
        subject="Refonte de l'identité visuelle",
        operation_category="services",
        vat_exemption=VatExemption.EXEMPT_261,
        service_date=datetime.date(2026, 3, 13),
    )
    for position, (description, quantity, price, rate, unit) in enumerate(rows):
        InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            description=description,
            quantity=quantity,
            unit=unit,
            unit_price=price,
            vat_rate=rate,
            total_ht=(quantity * price).quantize(D("0.01")),
        )
    totals = document_totals([(rate, (q * p).quantize(D("0.01"))) for _d, q, p, rate, _u in rows])
    invoice.total_ht, invoice.total_vat, invoice.total_ttc = (
        totals.total_ht,
        totals.total_vat,
        totals.total_ttc,
    )
    invoice.vat_breakdown = totals.breakdown_json()
    if issue:
        for name, value in {**seller_fields(coop), **buyer_fields(customer)}.items():
            setattr(invoice, name, value)
        invoice.status = InvoiceStatus.ISSUED
        invoice.number, invoice.series, invoice.year = number, number[:2], 2026
        invoice.sequence = int(number[-5:])
        invoice.date = datetime.date(2026, 3, 16)
        invoice.due_date = datetime.date(2026, 4, 15)
    invoice.save()
    return invoice


@pytest.mark.django_db
def test_issued_invoice_pdf_is_stored_once_with_its_hash(coop, customer):
    invoice = _invoice(coop, customer)
    documents.render_and_store(invoice.pk)
    invoice.refresh_from_db()
    assert invoice.pdf.name.endswith(".pdf")
    with invoice.pdf.open("rb") as file:
        stored = file.read()
    assert invoice.pdf_sha256 == sha256_hex(stored)
    _name, xml = facturx.get_xml_from_pdf(stored, check_xsd=True)
    root = etree.fromstring(xml)
    assert root.findtext(".//rsm:ExchangedDocument/ram:ID", namespaces=NS) == "2026-00001"
    total = root.findtext(".//ram:GrandTotalAmount", namespaces=NS)
    assert Decimal(total) == invoice.total_ttc == D("2035.00")
    exempt = [
        tax.findtext("ram:ExemptionReason", namespaces=NS)
        for tax in root.findall(
            ".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=NS
        )
        if tax.findtext("ram:CategoryCode", namespaces=NS) == "E"
    ]
    assert exempt == ["Exonération de TVA, art. 261 du CGI"]
    assert root.find(".//ram:BilledQuantity", namespaces=NS) is not None

    with mock.patch.object(documents, "render_pdf", side_effect=AssertionError("re-rendered")):
        documents.render_and_store(invoice.pk)  # already stored: nothing happens
        assert documents.invoice_pdf_bytes(invoice) == stored
    invoice.refresh_from_db()
    assert invoice.pdf_sha256 == sha256_hex(stored)


@pytest.mark.django_db
def test_a_stored_pdf_cannot_be_replaced(coop, customer):
    invoice = _invoice(coop, customer)
    documents.render_and_store(invoice.pk)
    invoice.refresh_from_db()
    invoice.pdf_sha256 = "0" * 64
    with pytest.raises(IssuedDocumentError):
        invoice.save(update_fields=["pdf_sha256", "updated_at"])


@pytest.mark.django_db
def test_first_download_stores_the_pdf_of_an_issued_document(coop, customer):
    invoice = _invoice(coop, customer)
    data = documents.invoice_pdf_bytes(invoice)
    invoice.refresh_from_db()
    assert invoice.pdf and invoice.pdf_sha256 == sha256_hex(data)


@pytest.mark.django_db
def test_tampered_stored_pdf_is_detected(coop, customer):
    invoice = _invoice(coop, customer)
    documents.render_and_store(invoice.pk)
    invoice.refresh_from_db()
    with open(invoice.pdf.path, "ab") as file:
        file.write(b"%tampered")
    with pytest.raises(documents.StoredPdfError):
        documents.invoice_pdf_bytes(invoice)


@pytest.mark.django_db
def test_draft_download_is_a_marked_preview_never_stored(coop, customer):
    invoice = _invoice(coop, customer, issue=False)
    data = documents.invoice_pdf_bytes(invoice)
    assert "BROUILLON" in pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert facturx.get_xml_from_pdf(data, check_xsd=False) == (False, False)
    invoice.refresh_from_db()
    assert not invoice.pdf and not invoice.pdf_sha256
    with pytest.raises(ValueError):
        documents.render_and_store(invoice.pk)


@pytest.mark.django_db
def test_credit_note_refers_to_its_invoice(coop, customer):
    original = _invoice(coop, customer)
    credit_note = _invoice(
        coop, customer, kind=DocumentKind.CREDIT_NOTE, credited=original, number="AV2026-00001"
    )
    documents.render_and_store(credit_note.pk)
    credit_note.refresh_from_db()
    with credit_note.pdf.open("rb") as file:
        _name, xml = facturx.get_xml_from_pdf(file.read(), check_xsd=True)
    root = etree.fromstring(xml)
    assert root.findtext(".//rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "381"
    assert (
        root.findtext(".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID", namespaces=NS) == "2026-00001"
    )


@pytest.mark.django_db
def test_dunning_letter_of_a_formal_notice(coop, customer):
    invoice = _invoice(coop, customer)
    level = DunningLevel.objects.create(
        name="Mise en demeure",
        days_after_due=45,
        channel=DunningChannel.LETTER,
        subject="s",
        body="b",
        with_penalties=True,
    )
    log = DunningLog.objects.create(
        invoice=invoice,
        level=level,
        prepared_on=datetime.date(2026, 5, 30),
        channel=DunningChannel.LETTER,
        subject="s",
        body="b",
        amount_due=D("2035.00"),
        days_late=45,
        penalties=D("30.49"),
        indemnity=D("40.00"),
    )
    data = documents.render_dunning_letter(log.pk)
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "MISE EN DEMEURE" in text
    assert "2026-00001" in text
    assert "2 105,49" in text.replace("\u00a0", " ")  # 2 035,00 + 30,49 + 40,00
