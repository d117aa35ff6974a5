"""Rendered once per test session: a 40-line invoice, a credit note, a quote and a formal notice."""

from __future__ import annotations

import shutil

import pytest

from comptabilite.facturx import build_cii_xml, embed_facturx, pdf_metadata_for
from coodyssee.pdf import pdf_to_text, render_pdf
from tests.pdf.samples import sample_document, sample_dunning_letter

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils absent")


def render_issued(doc) -> bytes:
    pdf = render_pdf("comptabilite/pdf/invoice.html", {"doc": doc, "seller": doc.seller})
    return embed_facturx(pdf, build_cii_xml(doc), pdf_metadata=pdf_metadata_for(doc))


@pytest.fixture(scope="session")
def invoice_doc():
    return sample_document()


@pytest.fixture(scope="session")
def invoice_pdf(invoice_doc) -> bytes:
    return render_issued(invoice_doc)


@pytest.fixture(scope="session")
def invoice_text(invoice_pdf) -> str:
    return pdf_to_text(invoice_pdf)


@pytest.fixture(scope="session")
def credit_note_doc():
    return sample_document(kind="credit_note", line_count=6)


@pytest.fixture(scope="session")
def credit_note_pdf(credit_note_doc) -> bytes:
    return render_issued(credit_note_doc)


@pytest.fixture(scope="session")
def quote_pdf() -> bytes:
    doc = sample_document(kind="quote", line_count=6)
    return render_pdf("comptabilite/pdf/quote.html", {"doc": doc, "seller": doc.seller})


@pytest.fixture(scope="session")
def formal_notice_pdf() -> bytes:
    letter = sample_dunning_letter(level=3)
    return render_pdf("comptabilite/pdf/dunning_letter.html", {"letter": letter, "seller": letter.seller})
