"""EN 16931 rules checked in Python before any XML or PDF exists; the official schematron if Saxon is here."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import facturx
import pytest

from comptabilite.facturx import InvoiceDataError, VatBreakdown, build_cii_xml, check_document, late_penalty
from tests.pdf.samples import sample_document

D = Decimal


def _broken(**changes):
    return dataclasses.replace(sample_document(line_count=8), **changes)


def _problems(doc) -> str:
    with pytest.raises(InvoiceDataError) as error:
        build_cii_xml(doc)
    return str(error.value)


def test_sample_documents_are_consistent():
    check_document(sample_document())
    check_document(sample_document(kind="credit_note"))
    check_document(sample_document(kind="quote"))


def test_total_ht_must_be_the_sum_of_the_lines():
    doc = sample_document(line_count=8)
    assert "BR-CO-10" in _problems(dataclasses.replace(doc, total_ht=doc.total_ht + D("0.01")))


def test_vat_total_must_be_the_sum_of_the_breakdown():
    doc = sample_document(line_count=8)
    assert "BR-CO-14" in _problems(
        dataclasses.replace(doc, total_vat=doc.total_vat + 1, total_ttc=doc.total_ttc + 1)
    )


def test_grand_total_must_be_net_plus_vat():
    doc = sample_document(line_count=8)
    assert "BR-CO-15" in _problems(
        dataclasses.replace(doc, total_ttc=doc.total_ttc + 1, amount_due=doc.amount_due + 1)
    )


def test_amount_due_must_be_grand_total_minus_paid():
    doc = sample_document(line_count=8)
    assert "BR-CO-16" in _problems(dataclasses.replace(doc, amount_due=doc.amount_due - 1))


def test_vat_of_a_rate_is_base_times_rate_rounded():
    doc = sample_document(line_count=8)
    row = doc.vat_breakdown[0]
    wrong = dataclasses.replace(row, vat_amount=row.vat_amount + D("0.01"))
    problems = _problems(
        dataclasses.replace(
            doc,
            vat_breakdown=(wrong, *doc.vat_breakdown[1:]),
            total_vat=doc.total_vat + D("0.01"),
            total_ttc=doc.total_ttc + D("0.01"),
            amount_due=None,
        )
    )
    assert "BR-CO-17" in problems


def test_line_total_is_quantity_times_price():
    doc = sample_document(line_count=8)
    line = dataclasses.replace(doc.lines[0], quantity=doc.lines[0].quantity + 1)
    assert "ligne 1" in _problems(dataclasses.replace(doc, lines=(line, *doc.lines[1:])))


def test_exempt_rate_needs_its_mention():
    doc = sample_document(line_count=8)
    exempt = dataclasses.replace(doc.vat_breakdown[1], exemption_reason="", exemption_reason_code="")
    assert "BR-E-10" in _problems(dataclasses.replace(doc, vat_breakdown=(doc.vat_breakdown[0], exempt)))


def test_every_rate_of_the_lines_needs_a_breakdown_row():
    doc = sample_document(line_count=8)
    assert "BR-CO-18" in _problems(dataclasses.replace(doc, vat_breakdown=doc.vat_breakdown[:1]))


def test_credit_note_must_name_the_corrected_invoice():
    doc = sample_document(kind="credit_note", line_count=4)
    assert "facture qu'il corrige" in _problems(dataclasses.replace(doc, preceding_invoice_number=""))


def test_reverse_charge_needs_the_buyer_vat_number():
    doc = sample_document(line_count=3)  # lines at 20 % only
    line = dataclasses.replace(doc.lines[0], vat_rate=D("0"), vat_category="AE")
    others = doc.lines[1:]
    base_20 = sum((item.total_ht for item in others), D("0"))
    breakdown = (
        VatBreakdown(rate=D("20"), base_ht=base_20, vat_amount=(base_20 * D("0.2")).quantize(D("0.01"))),
        VatBreakdown(
            rate=D("0"),
            base_ht=line.total_ht,
            vat_amount=D("0"),
            category_code="AE",
            exemption_reason="Autoliquidation",
        ),
    )
    doc = dataclasses.replace(
        doc,
        lines=(line, *others),
        vat_breakdown=breakdown,
        total_vat=breakdown[0].vat_amount,
        total_ttc=doc.total_ht + breakdown[0].vat_amount,
        amount_due=None,
    )
    build_cii_xml(doc)  # valid with the buyer's VAT number
    assert "BR-AE-02" in _problems(
        dataclasses.replace(doc, buyer=dataclasses.replace(doc.buyer, vat_number=""))
    )


def test_quotes_have_no_facturx():
    assert "Factur-X" in _problems(sample_document(kind="quote"))


def test_every_problem_is_reported_at_once():
    doc = sample_document(line_count=8)
    with pytest.raises(InvoiceDataError) as error:
        check_document(dataclasses.replace(doc, total_ht=doc.total_ht + 1, number=""))
    assert len(error.value.problems) >= 2


def test_payment_means_without_iban_is_unspecified():
    xml = build_cii_xml(sample_document(line_count=4, iban="", bic=""))
    assert b"<ram:TypeCode>1</ram:TypeCode>" in xml
    assert b"IBANID" not in xml


def test_xml_passes_the_xsd():
    assert facturx.xml_check_xsd(build_cii_xml(sample_document()), flavor="factur-x", level="en16931")


def test_late_penalty_is_simple_interest_over_365_days():
    assert late_penalty(D("1000.00"), D("12.15"), 30) == D("9.99")
    assert late_penalty(D("1000.00"), D("12.15"), 0) == D("0")


SAXON = Path("/usr/share/java/Saxon-HE.jar")
SCHEMATRON = (
    Path(facturx.__file__).parent / "xsd_and_schematron" / "facturx-en16931" / "FACTUR-X_EN16931.xslt"
)


@pytest.mark.skipif(not (SAXON.exists() and shutil.which("java")), reason="Saxon-HE (libsaxonhe-java) absent")
def test_invoice_and_credit_note_pass_the_en16931_schematron(tmp_path):
    """The official EN 16931 schematron (XSLT 2, shipped with factur-x) run by Debian's Saxon-HE."""
    sources, reports = tmp_path / "xml", tmp_path / "svrl"
    sources.mkdir()
    reports.mkdir()
    (sources / "invoice.xml").write_bytes(build_cii_xml(sample_document()))
    (sources / "credit_note.xml").write_bytes(build_cii_xml(sample_document(kind="credit_note")))
    minimal = sample_document(
        line_count=3, iban="", bic="", delivery_date=None, delivery_address=None, notes=""
    )
    (sources / "minimal.xml").write_bytes(build_cii_xml(minimal))
    subprocess.run(
        [
            "java",
            "-cp",
            str(SAXON),
            "net.sf.saxon.Transform",
            f"-s:{sources}",
            f"-xsl:{SCHEMATRON}",
            f"-o:{reports}",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for report in sorted(reports.iterdir()):
        text = report.read_text(encoding="utf-8")
        assert "fired-rule" in text
        assert "failed-assert" not in text, (report.name, text[text.find("failed-assert") - 200 :][:1500])
