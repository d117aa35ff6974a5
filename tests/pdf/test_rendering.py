"""The rendering engine: local files only, previews, metadata, page limit."""

from __future__ import annotations

import io

import facturx
import pypdf
import pytest
from django.conf import settings

from comptabilite.documents import render_document_pdf
from coodyssee.pdf import PdfRenderingError, _LocalFilesFetcher, render_pdf, sha256_hex
from tests.pdf.samples import sample_document


def test_fetcher_refuses_the_network_and_files_outside_the_app():
    fetcher = _LocalFilesFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("http://example.org/logo.png")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    response = fetcher.fetch((settings.BASE_DIR / "coodyssee" / "fonts" / "README.txt").as_uri())
    assert b"Liberation" in response.read()


def test_preview_is_marked_and_carries_no_xml():
    pdf = render_document_pdf(sample_document(line_count=3), watermark="BROUILLON")
    assert "BROUILLON" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert facturx.get_xml_from_pdf(pdf, check_xsd=False) == (False, False)


def test_plain_render_has_french_metadata():
    doc = sample_document(kind="quote", line_count=2)
    pdf = render_pdf("comptabilite/pdf/quote.html", {"doc": doc, "seller": doc.seller})
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == f"Devis {doc.number}"
    assert reader.metadata.author == "Coodyssée"
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_a_runaway_layout_is_refused():
    doc = sample_document(line_count=40)
    with pytest.raises(PdfRenderingError):
        render_pdf("comptabilite/pdf/invoice.html", {"doc": doc, "seller": doc.seller}, max_pages=1)


def test_logo_from_a_data_uri_is_drawn():
    # A 1×1 PNG: the image shows as an XObject on the first page.
    logo = (
        "data:image/png;base64,"
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    doc = sample_document(kind="quote", line_count=1)
    pdf = render_pdf("comptabilite/pdf/quote.html", {"doc": doc, "seller": doc.seller, "logo": logo})
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    assert any(obj.get_object()["/Subtype"] == "/Image" for obj in page["/Resources"]["/XObject"].values())


def test_sha256_hex():
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
