"""Rendering an invoice PDF with its Factur-X XML: cold (first in the process) and warm."""

from __future__ import annotations

import logging
import statistics
import time

from benchmarks import benchmark


@benchmark("Rendu PDF Factur-X")
def bench_pdf_render():
    from comptabilite.facturx import build_cii_xml, embed_facturx, pdf_metadata_for
    from coodyssee.pdf import render_pdf
    from tests.pdf.samples import sample_document

    logging.getLogger("factur-x").setLevel(logging.WARNING)  # one INFO line per XSD check otherwise
    doc = sample_document()  # 40 lines, two VAT rates, two pages

    def render_only() -> bytes:
        return render_pdf("comptabilite/pdf/invoice.html", {"doc": doc, "seller": doc.seller})

    def render_and_embed() -> bytes:
        return embed_facturx(render_only(), build_cii_xml(doc), pdf_metadata=pdf_metadata_for(doc))

    def timed(func) -> tuple[float, bytes]:
        started = time.perf_counter()
        result = func()
        return time.perf_counter() - started, result

    cold, pdf = timed(render_and_embed)
    warm = [timed(render_and_embed)[0] for _ in range(10)]
    render = [timed(render_only)[0] for _ in range(10)]
    xml = [timed(lambda: build_cii_xml(doc))[0] for _ in range(10)]
    return [
        ("document", "facture de 40 lignes, 2 taux de TVA, 2 pages A4"),
        ("cold render + Factur-X (first in the process)", f"{cold:.2f} s"),
        ("warm render + Factur-X, median of 10", f"{statistics.median(warm):.2f} s"),
        ("warm render + Factur-X, best of 10", f"{min(warm):.2f} s"),
        ("warm WeasyPrint render alone, median of 10", f"{statistics.median(render):.2f} s"),
        ("CII XML build + XSD check, median of 10", f"{statistics.median(xml) * 1000:.0f} ms"),
        ("PDF size", f"{len(pdf) / 1024:.0f} Kio"),
    ]
