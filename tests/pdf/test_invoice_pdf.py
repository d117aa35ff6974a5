"""The sample invoice PDF: PDF/A-3 with its Factur-X XML, the French mandatory mentions, clean pagination."""

from __future__ import annotations

import re
from decimal import Decimal

import facturx
import pypdf
import pytest
from lxml import etree

from comptabilite.facturx import NS
from tests.pdf.conftest import needs_poppler


def _flat(text: str) -> str:
    """pdftotext output with every kind of space collapsed, so "812 345 676" and "812 345 676" compare."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def _xmp(pdf: bytes) -> str:
    reader = pypdf.PdfReader(__import__("io").BytesIO(pdf))
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")


def _xml(pdf: bytes) -> etree._Element:
    filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert filename == "factur-x.xml"
    return etree.fromstring(xml)


def _amount(root, name: str) -> Decimal:
    return Decimal(
        root.findtext(f".//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:{name}", namespaces=NS)
    )


def test_invoice_pdf_is_a_pdf_a3b_with_facturx_metadata(invoice_pdf):
    assert invoice_pdf.startswith(b"%PDF-")
    xmp = _xmp(invoice_pdf)
    assert re.search(r"<pdfaid:part>3</pdfaid:part>|pdfaid:part=\"3\"", xmp)
    assert re.search(r"<pdfaid:conformance>B</pdfaid:conformance>|pdfaid:conformance=\"B\"", xmp)
    assert "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
    assert "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>" in xmp
    # The sRGB output intent WeasyPrint writes for PDF/A survives the Factur-X embedding.
    reader = pypdf.PdfReader(__import__("io").BytesIO(invoice_pdf))
    root = reader.trailer["/Root"]
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert root["/Lang"] == "fr-FR"


def test_facturx_xml_is_attached_as_data(invoice_pdf):
    reader = pypdf.PdfReader(__import__("io").BytesIO(invoice_pdf))
    specs = [spec.get_object() for spec in reader.trailer["/Root"]["/AF"]]
    facturx_spec = next(spec for spec in specs if spec["/F"] == "factur-x.xml")
    assert facturx_spec["/AFRelationship"] == "/Data"


def test_pdf_metadata_names_the_document_and_the_cooperative(invoice_pdf, invoice_doc):
    info = pypdf.PdfReader(__import__("io").BytesIO(invoice_pdf)).metadata
    assert info.title == f"Facture {invoice_doc.number}"
    assert info.author == "Coodyssée"


def test_extracted_xml_passes_the_xsd_and_matches_the_totals(invoice_pdf, invoice_doc):
    root = _xml(invoice_pdf)
    assert facturx.xml_check_xsd(etree.tostring(root), flavor="factur-x", level="en16931")
    assert facturx.get_level(root) == "en16931"
    assert root.findtext(".//rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "380"
    assert root.findtext(".//rsm:ExchangedDocument/ram:ID", namespaces=NS) == invoice_doc.number
    assert _amount(root, "LineTotalAmount") == invoice_doc.total_ht
    assert _amount(root, "TaxTotalAmount") == invoice_doc.total_vat
    assert _amount(root, "GrandTotalAmount") == invoice_doc.total_ttc
    assert _amount(root, "TotalPrepaidAmount") == invoice_doc.amount_paid
    assert _amount(root, "DuePayableAmount") == invoice_doc.amount_due
    lines = root.findall(".//ram:IncludedSupplyChainTradeLineItem", namespaces=NS)
    assert len(lines) == 40
    taxes = root.findall(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=NS)
    assert {t.findtext("ram:CategoryCode", namespaces=NS) for t in taxes} == {"S", "E"}
    exempt = next(t for t in taxes if t.findtext("ram:CategoryCode", namespaces=NS) == "E")
    assert "261-4-4°" in exempt.findtext("ram:ExemptionReason", namespaces=NS)


def test_xml_carries_the_french_mentions_and_identifiers(invoice_pdf):
    root = _xml(invoice_pdf)
    notes = {
        note.findtext("ram:SubjectCode", namespaces=NS): note.findtext("ram:Content", namespaces=NS)
        for note in root.findall(".//rsm:ExchangedDocument/ram:IncludedNote", namespaces=NS)
    }
    assert "12,15 %" in notes["PMD"]
    assert "40\u00a0€" in notes["PMT"]
    assert notes["AAB"] == "Pas d'escompte pour paiement anticipé."
    assert "débits" in notes["TXD"]
    seller_siren = root.find(".//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID", namespaces=NS)
    assert (seller_siren.text, seller_siren.get("schemeID")) == ("812345676", "0002")
    buyer_siren = root.find(".//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID", namespaces=NS)
    assert (buyer_siren.text, buyer_siren.get("schemeID")) == ("443061841", "0002")
    vat = root.find(".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID", namespaces=NS)
    assert (vat.text, vat.get("schemeID")) == ("FR40812345676", "VA")
    means = root.find(".//ram:SpecifiedTradeSettlementPaymentMeans", namespaces=NS)
    assert means.findtext("ram:TypeCode", namespaces=NS) == "58"
    assert means.findtext(".//ram:IBANID", namespaces=NS) == "FR7630004000031234567890143"
    assert root.findtext(".//ram:ShipToTradeParty//ram:CityName", namespaces=NS) == "Guichainville"
    assert (
        root.findtext(".//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID", namespaces=NS) == "M1"
    )


@needs_poppler
def test_printed_invoice_carries_the_mandatory_mentions(invoice_text, invoice_doc):
    text = _flat(invoice_text)
    for expected in (
        "FACTURE",
        f"N° {invoice_doc.number}",
        "SIREN 812 345 676",  # the cooperative
        "SIREN 443 061 841",  # the customer
        "N° TVA intracommunautaire FR40812345676",
        "N° TVA FR21443061841",
        "Activité : Atelier Faure Graphisme — Lucie Faure",
        "Date d'émission 16/03/2026",
        "Échéance 15/04/2026",
        "Date de livraison / prestation 13/03/2026",
        "Catégorie de l'opération : Mixte",
        "Zone artisanale du Long Buisson",  # delivery address
        "Pas d'escompte pour paiement anticipé",
        "taux annuel de 12,15 %",
        "Indemnité forfaitaire pour frais de recouvrement : 40 €",
        "Exonération de TVA, article 261-4-4° a du CGI",
        "Option pour le paiement de la taxe d'après les débits",
        "FR76 3000 4000 0312 3456 7890 143",
        "Total TTC 16 208,80 €",
        "Déjà payé −500,00 €",
        "Reste à payer 15 708,80 €",
        "Page 1/2",
        "Page 2/2",
        "SCOP SA à capital variable",
        "RCS Rouen 812 345 676",
    ):
        assert expected in text, expected


@needs_poppler
def test_lines_continue_on_page_two_under_a_repeated_header(invoice_pdf):
    from coodyssee.pdf import pdf_to_text

    reader = pypdf.PdfReader(__import__("io").BytesIO(invoice_pdf))
    assert len(reader.pages) == 2
    page_two = _flat(reader.pages[1].extract_text())
    assert "Désignation" in page_two and "Total HT" in page_two
    assert "Facture n° 2026-ACT042-0007" in page_two  # running reference on the following pages
    assert "session 40" in _flat(pdf_to_text(invoice_pdf))


def test_credit_note_is_type_381_and_refers_to_the_invoice(credit_note_pdf, credit_note_doc):
    root = _xml(credit_note_pdf)
    assert root.findtext(".//rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "381"
    reference = root.find(".//ram:InvoiceReferencedDocument", namespaces=NS)
    assert reference.findtext("ram:IssuerAssignedID", namespaces=NS) == "2026-ACT042-0005"
    assert reference.findtext(".//qdt:DateTimeString", namespaces=NS) == "20260227"
    assert _amount(root, "DuePayableAmount") == credit_note_doc.total_ttc > 0


@needs_poppler
def test_printed_credit_note_names_the_corrected_invoice(credit_note_pdf):
    from coodyssee.pdf import pdf_to_text

    text = _flat(pdf_to_text(credit_note_pdf))
    assert "AVOIR" in text
    assert "Avoir sur la facture n° 2026-ACT042-0005 du 27/02/2026" in text
    assert "Page 1/1" in text


@needs_poppler
def test_quote_has_validity_and_signature_box(quote_pdf):
    from coodyssee.pdf import pdf_to_text

    text = _flat(pdf_to_text(quote_pdf))
    assert "DEVIS" in text
    assert "Valable jusqu'au 15/04/2026" in text
    assert "Bon pour accord" in text
    assert facturx.get_xml_from_pdf(quote_pdf, check_xsd=False) == (False, False)


@needs_poppler
def test_formal_notice_claims_penalties_and_indemnities(formal_notice_pdf):
    from coodyssee.pdf import pdf_to_text

    text = _flat(pdf_to_text(formal_notice_pdf))
    assert "MISE EN DEMEURE" in text
    assert "2026-ACT042-0002" in text and "2026-ACT042-0004" in text
    assert "Indemnités forfaitaires (2 × 40 €) 80,00 €" in text
    assert "Total réclamé 2 381,37 €" in text  # 2 256,00 + 45,37 penalties + 80,00
    assert "11/02/2026" in text  # a due date


@needs_poppler
def test_first_reminder_is_friendly_and_claims_nothing_more(tmp_path):
    from coodyssee.pdf import pdf_to_text, render_pdf
    from tests.pdf.samples import sample_dunning_letter

    letter = sample_dunning_letter(level=1)
    text = _flat(
        pdf_to_text(
            render_pdf("comptabilite/pdf/dunning_letter.html", {"letter": letter, "seller": letter.seller})
        )
    )
    assert "RELANCE" in text.upper()
    assert "MISE EN DEMEURE" not in text
    assert "Total restant dû 2 256,00 €" in text


@pytest.mark.parametrize("dpi", [40])
@needs_poppler
def test_pages_rasterise(invoice_pdf, tmp_path, dpi):
    from coodyssee.pdf import pdf_to_png_pages

    pages = pdf_to_png_pages(invoice_pdf, tmp_path, prefix="facture", dpi=dpi)
    assert [page.name for page in pages] == ["facture-1.png", "facture-2.png"]
    assert all(page.read_bytes().startswith(b"\x89PNG") for page in pages)
