"""Sample documents for the PDF tests and the benchmark: built from plain dataclasses, no database."""

from __future__ import annotations

import datetime
from decimal import Decimal

from comptabilite.facturx import (
    Address,
    DocumentData,
    DunningItem,
    DunningLetterData,
    Line,
    Party,
    VatBreakdown,
    cents,
    late_penalty,
)

D = Decimal

SELLER = Party(
    name="Coodyssée",
    legal_form="SCOP SA à capital variable",
    address_lines=("12 rue des Coopérateurs", "Bâtiment B"),
    postcode="76000",
    city="Rouen",
    siren="812345676",
    siret="81234567600021",
    vat_number="FR40812345676",
    rcs="RCS Rouen 812 345 676",
    email="facturation@coodyssee.example",
    phone="02 35 00 00 00",
)

BUYER = Party(
    name="Boulangerie Martin SARL",
    legal_form="SARL",
    address_lines=("4 place du Marché",),
    postcode="27000",
    city="Évreux",
    siren="443061841",
    vat_number="FR21443061841",
    email="compta@boulangerie-martin.example",
)


def _lines(count: int) -> tuple[Line, ...]:
    lines = []
    for index in range(count):
        if index % 4 == 3:
            # Training sold by the cooperative under its training-body number: exempt (art. 261-4-4° a CGI).
            quantity, price = D("7"), D("85.00")
            lines.append(
                Line(
                    description=f"Formation « Gérer sa trésorerie » — session {index + 1}",
                    quantity=quantity,
                    unit_price_ht=price,
                    vat_rate=D("0"),
                    total_ht=cents(quantity * price),
                    vat_category="E",
                    unit_code="HUR",
                    unit_label="h",
                )
            )
        else:
            quantity, price = D(index % 3 + 1), D("123.45") + index
            lines.append(
                Line(
                    description=f"Création graphique — déclinaison n° {index + 1}",
                    detail="Maquettes, deux allers-retours de corrections compris" if index % 5 == 0 else "",
                    quantity=quantity,
                    unit_price_ht=price,
                    vat_rate=D("20"),
                    total_ht=cents(quantity * price),
                )
            )
    return tuple(lines)


PAID = Decimal("500.00")
EXEMPTION = "Exonération de TVA, article 261-4-4° a du CGI (formation professionnelle continue)"


def sample_document(*, kind: str = "invoice", line_count: int = 40, amount_paid: Decimal = PAID, **changes):
    """The sample invoice (40 lines over two pages, 20 % and an exempt 0 %), credit note or quote."""
    lines = _lines(line_count)
    base_20 = sum((line.total_ht for line in lines if line.vat_rate == 20), D("0"))
    base_0 = sum((line.total_ht for line in lines if line.vat_rate == 0), D("0"))
    breakdown = [VatBreakdown(rate=D("20"), base_ht=base_20, vat_amount=cents(base_20 * D("0.20")))]
    if base_0:
        breakdown.append(
            VatBreakdown(
                rate=D("0"),
                base_ht=base_0,
                vat_amount=D("0"),
                category_code="E",
                exemption_reason=EXEMPTION,
            )
        )
    total_ht = base_20 + base_0
    total_vat = sum((row.vat_amount for row in breakdown), D("0"))
    values = dict(
        kind=kind,
        number="2026-ACT042-0007" if kind == "invoice" else "AV-2026-ACT042-0002",
        issue_date=datetime.date(2026, 3, 16),
        due_date=datetime.date(2026, 4, 15),
        delivery_date=datetime.date(2026, 3, 13),
        seller=SELLER,
        buyer=BUYER,
        lines=lines,
        vat_breakdown=tuple(breakdown),
        total_ht=total_ht,
        total_vat=total_vat,
        total_ttc=total_ht + total_vat,
        amount_paid=amount_paid,
        purchase_order_ref="BC-2026-118",
        operation_category="mixed",
        delivery_address=Address(
            name="Boulangerie Martin — atelier",
            lines=("Zone artisanale du Long Buisson", "Lot 7"),
            postcode="27930",
            city="Guichainville",
        ),
        payment_terms_text="Paiement à 30 jours date de facture, par virement.",
        late_penalty_rate=D("12.15"),
        vat_on_debits=True,
        iban="FR76 3000 4000 0312 3456 7890 143",
        bic="BNPAFRPPXXX",
        notes="Merci de rappeler le numéro de facture dans le libellé du virement.",
        activity_label="Atelier Faure Graphisme",
        entrepreneur_name="Lucie Faure",
    )
    if kind == "credit_note":
        values.update(
            preceding_invoice_number="2026-ACT042-0005",
            preceding_invoice_date=datetime.date(2026, 2, 27),
            amount_paid=D("0"),
            payment_terms_text="Montant remboursé par virement sous 15 jours.",
        )
    if kind == "quote":
        values.update(
            number="D-2026-ACT042-0012",
            valid_until=datetime.date(2026, 4, 15),
            amount_paid=D("0"),
            due_date=None,
        )
    values.update(changes)
    return DocumentData(**values)


def sample_dunning_letter(level: int = 3) -> DunningLetterData:
    rate = D("12.15")
    items = []
    for number, issued, due, total, due_amount in (
        (
            "2026-ACT042-0002",
            datetime.date(2026, 1, 12),
            datetime.date(2026, 2, 11),
            D("1440.00"),
            D("1440.00"),
        ),
        ("2026-ACT042-0004", datetime.date(2026, 2, 2), datetime.date(2026, 3, 4), D("2316.00"), D("816.00")),
    ):
        days = (datetime.date(2026, 4, 20) - due).days
        items.append(
            DunningItem(
                number=number,
                issue_date=issued,
                due_date=due,
                total_ttc=total,
                amount_due=due_amount,
                days_late=days,
                penalty=late_penalty(due_amount, rate, days),
            )
        )
    return DunningLetterData(
        level=level,
        issue_date=datetime.date(2026, 4, 20),
        seller=SELLER,
        buyer=BUYER,
        items=tuple(items),
        payment_deadline=datetime.date(2026, 4, 28),
        late_penalty_rate=rate,
        iban="FR76 3000 4000 0312 3456 7890 143",
        bic="BNPAFRPPXXX",
        activity_label="Atelier Faure Graphisme",
        entrepreneur_name="Lucie Faure",
        place="Rouen",
        signatory_name="Gina Gérante",
        signatory_title="Gérante",
        reference="REL-2026-0031",
    )
