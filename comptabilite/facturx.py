"""What a printed or electronic invoice says, independent of the models: frozen dataclasses, the EN 16931
arithmetic checks, the UN/CEFACT CII D16B XML (Factur-X profile EN 16931) and its embedding in a PDF/A-3.

Amounts are ``Decimal`` euros rounded to the cent; VAT rates are percentages (``Decimal("20")``). A credit
note carries positive amounts, as EN 16931 wants: its type code (381) says it is a credit.

The XML is checked against the official XSD shipped with the factur-x package. The EN 16931 schematron needs
an XSLT 2 processor (Saxon: the tests run it when Debian's libsaxonhe-java is installed, there is no Saxon
server to call in production); so :func:`check_document` re-checks in Python the business rules a wrong
amount or a missing identifier would break (BR-CO-10 to BR-CO-17, BR-16, BR-CO-25, BR-S/E/AE/K/Z…), and
raises :class:`InvoiceDataError` listing every broken rule.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import facturx
from lxml import etree

CENT = Decimal("0.01")
ZERO = Decimal("0")
NBSP = "\u00a0"
GUIDELINE_EN16931 = "urn:cen.eu:en16931:2017"

TYPE_CODES = {"invoice": "380", "credit_note": "381"}
DOCUMENT_KINDS = ("invoice", "credit_note", "quote")
OPERATION_CATEGORIES = {"goods": "Livraison de biens", "services": "Prestation de services", "mixed": "Mixte"}
# French e-invoicing "cadre de facturation" (BT-23): B1 goods, S1 services, M1 both, plain invoice.
_BUSINESS_PROCESS = {"goods": "B1", "services": "S1", "mixed": "M1"}

# VAT categories (UNTDID 5305 subset of EN 16931). Those other than S and Z need an exemption reason.
VAT_CATEGORIES = {
    "S": "Taux normal",
    "Z": "Taux zéro",
    "E": "Exonération",
    "AE": "Autoliquidation",
    "K": "Livraison intracommunautaire",
    "G": "Exportation hors UE",
    "O": "Hors champ de la TVA",
}
_NEEDS_EXEMPTION_REASON = {"E", "AE", "K", "G", "O"}
_BUYER_VAT_REQUIRED = {"AE", "K"}
_SELLER_VAT_REQUIRED = {"S", "Z", "E", "AE", "K", "G"}

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


def cents(value: Decimal) -> Decimal:
    """Round half-up to the cent (the rounding of French invoices and of EN 16931)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class InvoiceDataError(ValueError):
    """The document breaks EN 16931 rules; ``problems`` lists each broken rule in French."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("Document incohérent : " + " ; ".join(problems))


@dataclass(frozen=True)
class Address:
    lines: tuple[str, ...] = ()
    postcode: str = ""
    city: str = ""
    country_code: str = "FR"
    name: str = ""


@dataclass(frozen=True)
class Party:
    name: str
    address_lines: tuple[str, ...] = ()
    postcode: str = ""
    city: str = ""
    country_code: str = "FR"
    legal_form: str = ""
    siren: str = ""
    siret: str = ""
    vat_number: str = ""
    rcs: str = ""  # "RCS Rouen 812 345 676", printed as given
    share_capital: Decimal | None = None  # None for a variable capital stated in legal_form
    email: str = ""
    phone: str = ""

    @property
    def siren_display(self) -> str:
        return _group_siren(self.siren)

    @property
    def siret_display(self) -> str:
        digits = self.siret.replace(" ", "")
        if len(digits) != 14:
            return self.siret
        return NBSP.join((digits[0:3], digits[3:6], digits[6:9], digits[9:]))

    @property
    def legal_line(self) -> str:
        """Seller's legal information in one line (BT-33 and the PDF footer)."""
        parts = [self.name]
        if self.legal_form:
            parts.append(self.legal_form)
        if self.share_capital is not None:
            parts.append(f"capital {_fr_amount(self.share_capital)}")
        if self.siren:
            parts.append(f"SIREN {_group_siren(self.siren)}")
        if self.rcs:
            parts.append(self.rcs)
        if self.vat_number:
            parts.append(f"TVA {self.vat_number}")
        return " — ".join(parts)


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    unit_price_ht: Decimal
    vat_rate: Decimal
    total_ht: Decimal
    vat_category: str = (
        ""  # empty: "S" when the rate is positive, else the only 0 % category of the breakdown
    )
    unit_code: str = "C62"  # UN/ECE rec. 20: C62 unit, HUR hour, DAY day
    unit_label: str = ""  # printed next to the quantity ("h", "jour")
    detail: str = ""  # second line of the description


@dataclass(frozen=True)
class VatBreakdown:
    rate: Decimal
    base_ht: Decimal
    vat_amount: Decimal
    exemption_reason: str = ""  # printed on the PDF and sent as BT-120
    category_code: str = "S"
    exemption_reason_code: str = ""  # VATEX code (BT-121), e.g. "VATEX-FR-FRANCHISE"


@dataclass(frozen=True)
class DocumentData:
    kind: str  # "invoice" | "credit_note" | "quote"
    number: str
    issue_date: datetime.date
    seller: Party
    buyer: Party
    lines: tuple[Line, ...]
    vat_breakdown: tuple[VatBreakdown, ...]
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal
    amount_paid: Decimal = ZERO
    amount_due: Decimal | None = None  # None: total TTC minus amount paid
    due_date: datetime.date | None = None
    delivery_date: datetime.date | None = None
    currency: str = "EUR"
    purchase_order_ref: str = ""
    buyer_reference: str = ""  # BT-10, e.g. the service code of a public buyer
    operation_category: str = "services"  # "goods" | "services" | "mixed"
    delivery_address: Address | None = None  # only when it differs from the buyer's address
    payment_terms_text: str = ""
    early_payment_text: str = "Pas d'escompte pour paiement anticipé."
    late_penalty_rate: Decimal | None = None  # annual percentage
    recovery_indemnity: Decimal = Decimal("40")
    b2b: bool = True  # the 40 € indemnity applies between professionals only
    vat_on_debits: bool = False
    iban: str = ""
    bic: str = ""
    subject: str = ""  # "Objet : …" above the lines
    notes: str = ""
    preceding_invoice_number: str = ""  # credit notes
    preceding_invoice_date: datetime.date | None = None
    activity_label: str = ""  # the entrepreneur's activity the document belongs to
    entrepreneur_name: str = ""
    valid_until: datetime.date | None = None  # quotes

    def __post_init__(self):
        if self.amount_due is None:
            object.__setattr__(self, "amount_due", self.total_ttc - self.amount_paid)

    @property
    def is_credit_note(self) -> bool:
        return self.kind == "credit_note"

    @property
    def iban_display(self) -> str:
        return group_iban(self.iban)

    @property
    def type_code(self) -> str:
        return TYPE_CODES[self.kind]

    @property
    def title(self) -> str:
        return {"invoice": "Facture", "credit_note": "Avoir", "quote": "Devis"}[self.kind]

    @property
    def operation_category_label(self) -> str:
        return OPERATION_CATEGORIES.get(self.operation_category, self.operation_category)

    @property
    def exemption_mentions(self) -> list[str]:
        return [row.exemption_reason for row in self.vat_breakdown if row.exemption_reason]

    def line_category(self, line: Line) -> str:
        if line.vat_category:
            return line.vat_category
        if line.vat_rate > 0:
            return "S"
        zero_rows = {row.category_code for row in self.vat_breakdown if row.rate == 0}
        return zero_rows.pop() if len(zero_rows) == 1 else "Z"


@dataclass(frozen=True)
class DunningItem:
    number: str
    issue_date: datetime.date
    due_date: datetime.date
    total_ttc: Decimal
    amount_due: Decimal
    days_late: int
    penalty: Decimal = ZERO  # late penalties accrued to the letter's date


@dataclass(frozen=True)
class DunningLetterData:
    level: int  # 1 first reminder, 2 second reminder, 3 formal notice (mise en demeure)
    issue_date: datetime.date
    seller: Party
    buyer: Party
    items: tuple[DunningItem, ...]
    payment_deadline: datetime.date | None = None
    late_penalty_rate: Decimal | None = None
    recovery_indemnity: Decimal = Decimal("40")
    b2b: bool = True
    iban: str = ""
    bic: str = ""
    activity_label: str = ""
    entrepreneur_name: str = ""
    place: str = ""  # "Fait à Rouen"
    signatory_name: str = ""
    signatory_title: str = ""
    reference: str = ""  # the letter's own reference, if any

    @property
    def title(self) -> str:
        return {1: "Relance", 2: "Deuxième relance"}.get(self.level, "Mise en demeure de payer")

    @property
    def iban_display(self) -> str:
        return group_iban(self.iban)

    @property
    def is_formal_notice(self) -> bool:
        return self.level >= 3

    @property
    def total_due(self) -> Decimal:
        return sum((item.amount_due for item in self.items), ZERO)

    @property
    def total_penalties(self) -> Decimal:
        return sum((item.penalty for item in self.items), ZERO)

    @property
    def total_indemnities(self) -> Decimal:
        return self.recovery_indemnity * len(self.items) if self.b2b else ZERO

    @property
    def total_claimed(self) -> Decimal:
        if not self.is_formal_notice:
            return self.total_due
        return self.total_due + self.total_penalties + self.total_indemnities


def group_iban(iban: str) -> str:
    """An IBAN in groups of four, as printed on French invoices (stored without spaces)."""
    compact = iban.replace(" ", "")
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def late_penalty(amount_due: Decimal, annual_rate: Decimal, days_late: int) -> Decimal:
    """Penalties for ``days_late`` days at an annual percentage rate, simple interest over 365 days."""
    if days_late <= 0 or not annual_rate:
        return ZERO
    return cents(amount_due * annual_rate / 100 * days_late / 365)


# --- EN 16931 arithmetic and completeness -------------------------------------------------------------


def check_document(doc: DocumentData) -> None:
    """Raise :class:`InvoiceDataError` if the document breaks an EN 16931 rule Python can check."""
    problems: list[str] = []
    add = problems.append
    if doc.kind not in DOCUMENT_KINDS:
        add(f"type de document inconnu « {doc.kind} »")
    if not doc.number:
        add("BR-02 : numéro manquant")
    if not doc.lines:
        add("BR-16 : au moins une ligne est requise")
    if not doc.seller.name or not doc.buyer.name:
        add("BR-06/BR-07 : nom du vendeur et de l'acheteur requis")
    if not doc.seller.country_code or not doc.buyer.country_code:
        add("BR-09/BR-11 : pays du vendeur et de l'acheteur requis")
    if not (doc.seller.siren or doc.seller.vat_number):
        add("BR-CO-26 : SIREN ou n° de TVA du vendeur requis")
    if doc.operation_category not in OPERATION_CATEGORIES:
        add(f"catégorie d'opération inconnue « {doc.operation_category} »")
    if doc.kind == "credit_note" and not doc.preceding_invoice_number:
        add("un avoir doit citer la facture qu'il corrige")

    for index, line in enumerate(doc.lines, start=1):
        for name in ("quantity", "unit_price_ht", "vat_rate", "total_ht"):
            if not isinstance(getattr(line, name), Decimal):
                add(f"ligne {index} : {name} doit être un Decimal")
        if cents(line.total_ht) != line.total_ht:
            add(f"ligne {index} : le total HT {line.total_ht} n'est pas arrondi au centime")
        elif (
            isinstance(line.quantity, Decimal) and cents(line.quantity * line.unit_price_ht) != line.total_ht
        ):
            add(
                f"ligne {index} : {line.quantity} × {line.unit_price_ht} ≠ total HT {line.total_ht}"
                " (arrondi au centime)"
            )
        if not line.description:
            add(f"BR-25 : ligne {index} sans désignation")

    lines_sum = sum((line.total_ht for line in doc.lines), ZERO)
    if lines_sum != doc.total_ht:
        add(f"BR-CO-10 : somme des lignes {lines_sum} ≠ total HT {doc.total_ht}")

    by_category: dict[tuple[str, Decimal], Decimal] = {}
    for line in doc.lines:
        key = (doc.line_category(line), line.vat_rate)
        by_category[key] = by_category.get(key, ZERO) + line.total_ht
    declared = {}
    for row in doc.vat_breakdown:
        key = (row.category_code, row.rate)
        if key in declared:
            add(f"ventilation de TVA : le taux {row.rate} % ({row.category_code}) figure deux fois")
        declared[key] = row
        code = row.category_code
        if row.category_code not in VAT_CATEGORIES:
            add(f"catégorie de TVA inconnue « {row.category_code} »")
            continue
        if cents(row.base_ht) != row.base_ht or cents(row.vat_amount) != row.vat_amount:
            add(f"ventilation {row.rate} % : montants non arrondis au centime")
        if row.category_code == "S":
            if row.rate <= 0:
                add("BR-S-05 : le taux normal doit être positif")
            expected = cents(row.base_ht * row.rate / 100)
            if row.vat_amount != expected:
                add(f"BR-CO-17 : TVA à {row.rate} % sur {row.base_ht} = {expected}, pas {row.vat_amount}")
        else:
            if row.rate != 0 or row.vat_amount != 0:
                add(f"BR-{code}-06/09 : la catégorie {code} a un taux et une TVA nuls")
        if row.category_code in _NEEDS_EXEMPTION_REASON and not (
            row.exemption_reason or row.exemption_reason_code
        ):
            add(f"BR-{code}-10 : mention d'exonération requise pour la catégorie {code}")
        if row.category_code in {"S", "Z"} and (row.exemption_reason or row.exemption_reason_code):
            add(f"BR-{code}-10 : pas de mention d'exonération pour la catégorie {code}")
        if row.category_code in _SELLER_VAT_REQUIRED and not doc.seller.vat_number:
            add(f"BR-{row.category_code}-02 : n° de TVA du vendeur requis")
        if row.category_code in _BUYER_VAT_REQUIRED and not doc.buyer.vat_number:
            add(f"BR-{row.category_code}-02 : n° de TVA de l'acheteur requis")
    for key, base in by_category.items():
        row = declared.get(key)
        if row is None:
            add(f"BR-CO-18 : pas de ventilation de TVA pour {key[1]} % ({key[0]})")
        elif row.base_ht != base:
            add(f"BR-{key[0]}-08 : base {row.base_ht} à {key[1]} % ≠ somme des lignes {base}")
    for key in declared.keys() - by_category.keys():
        add(f"ventilation de TVA à {key[1]} % ({key[0]}) sans ligne correspondante")

    vat_sum = sum((row.vat_amount for row in doc.vat_breakdown), ZERO)
    if vat_sum != doc.total_vat:
        add(f"BR-CO-14 : somme des TVA {vat_sum} ≠ total TVA {doc.total_vat}")
    if doc.total_ht + doc.total_vat != doc.total_ttc:
        add(f"BR-CO-15 : {doc.total_ht} + {doc.total_vat} ≠ total TTC {doc.total_ttc}")
    if doc.total_ttc - doc.amount_paid != doc.amount_due:
        add(f"BR-CO-16 : {doc.total_ttc} − déjà payé {doc.amount_paid} ≠ reste à payer {doc.amount_due}")
    if doc.kind != "quote" and doc.amount_due > 0 and not (doc.due_date or doc.payment_terms_text):
        add("BR-CO-25 : échéance ou conditions de paiement requises quand un montant reste dû")
    if doc.due_date and doc.due_date < doc.issue_date:
        add("l'échéance précède la date d'émission")
    if problems:
        raise InvoiceDataError(problems)


# --- CII XML ------------------------------------------------------------------------------------------


def _el(parent, prefix_tag: str, text=None, **attrs):
    prefix, tag = prefix_tag.split(":")
    element = etree.SubElement(parent, f"{{{NS[prefix]}}}{tag}", {k: v for k, v in attrs.items() if v})
    if text is not None:
        element.text = str(text)
    return element


def _amount(value: Decimal) -> str:
    return f"{cents(value):.2f}"


def _number(value: Decimal) -> str:
    """A quantity or a rate as plain decimal text without trailing zeros ("7", "5.5")."""
    return format(Decimal(value).normalize(), "f")


def _price(value: Decimal) -> str:
    text = _number(value)
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


def _date(parent, prefix_tag: str, value: datetime.date, *, qualified=False):
    wrapper = _el(parent, prefix_tag)
    _el(
        wrapper,
        "qdt:DateTimeString" if qualified else "udt:DateTimeString",
        value.strftime("%Y%m%d"),
        format="102",
    )
    return wrapper


def _fr_amount(value: Decimal) -> str:
    """French amount for the XML's free texts: "1 234,56 €", and "40 €" for a whole amount."""
    whole, _, decimals = f"{cents(value):,.2f}".partition(".")
    text = whole.replace(",", NBSP) + ("" if decimals == "00" else "," + decimals)
    return text + NBSP + "€"


def _fr_rate(value: Decimal) -> str:
    return _number(value).replace(".", ",")


def _group_siren(siren: str) -> str:
    digits = siren.replace(" ", "")
    return NBSP.join(digits[i : i + 3] for i in range(0, len(digits), 3)) if len(digits) == 9 else siren


def _party(parent, tag: str, party: Party, *, seller: bool):
    node = _el(parent, tag)
    _el(node, "ram:Name", party.name)
    if seller and (party.legal_form or party.rcs or party.share_capital is not None):
        _el(node, "ram:Description", party.legal_line)
    if party.siren or party.siret:
        legal = _el(node, "ram:SpecifiedLegalOrganization")
        _el(
            legal, "ram:ID", party.siren.replace(" ", "") or party.siret.replace(" ", "")[:9], schemeID="0002"
        )
    if party.email or party.phone:
        contact = _el(node, "ram:DefinedTradeContact")
        if party.phone:
            _el(_el(contact, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber", party.phone)
        if party.email:
            _el(_el(contact, "ram:EmailURIUniversalCommunication"), "ram:URIID", party.email)
    _address(node, party.address_lines, party.postcode, party.city, party.country_code)
    if party.email:
        _el(_el(node, "ram:URIUniversalCommunication"), "ram:URIID", party.email, schemeID="EM")
    if party.vat_number:
        _el(
            _el(node, "ram:SpecifiedTaxRegistration"),
            "ram:ID",
            party.vat_number.replace(" ", ""),
            schemeID="VA",
        )
    return node


def _address(parent, lines, postcode, city, country_code):
    address = _el(parent, "ram:PostalTradeAddress")
    if postcode:
        _el(address, "ram:PostcodeCode", postcode)
    for tag, text in zip(("ram:LineOne", "ram:LineTwo", "ram:LineThree"), lines, strict=False):
        _el(address, tag, text)
    if len(lines) > 3:  # CII has three lines: keep the rest rather than lose it
        address[-1].text = ", ".join(lines[2:])
    if city:
        _el(address, "ram:CityName", city)
    _el(address, "ram:CountryID", country_code or "FR")


def _notes(doc: DocumentData) -> list[tuple[str, str]]:
    """Notes (BT-21/22): the French mandatory payment mentions, with the subject codes used in France."""
    notes = []
    if doc.activity_label:
        who = f" — {doc.entrepreneur_name}" if doc.entrepreneur_name else ""
        notes.append(("AAI", f"Activité : {doc.activity_label}{who}"))
    if doc.subject:
        notes.append(("AAI", f"Objet : {doc.subject}"))
    if doc.notes:
        notes.append(("AAI", doc.notes))
    if doc.is_credit_note:
        if doc.vat_on_debits:
            notes.append(("TXD", "Option pour le paiement de la taxe d'après les débits."))
        return notes
    if doc.late_penalty_rate is not None:
        notes.append(
            (
                "PMD",
                f"Pénalités de retard : taux annuel de {_fr_rate(doc.late_penalty_rate)} %, exigibles dès le "
                "lendemain de la date d'échéance (art. L441-10 du Code de commerce).",
            )
        )
    if doc.b2b and doc.recovery_indemnity:
        notes.append(
            (
                "PMT",
                "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : "
                f"{_fr_amount(doc.recovery_indemnity)} (art. D441-5 du Code de commerce).",
            )
        )
    if doc.early_payment_text:
        notes.append(("AAB", doc.early_payment_text))
    if doc.vat_on_debits:
        notes.append(("TXD", "Option pour le paiement de la taxe d'après les débits."))
    return notes


def build_cii_xml(doc: DocumentData) -> bytes:
    """The Factur-X EN 16931 XML of an invoice or credit note (CII D16B), checked against the XSD."""
    if doc.kind not in TYPE_CODES:
        raise InvoiceDataError([f"un document « {doc.kind} » n'a pas de Factur-X"])
    check_document(doc)
    root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)

    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(
        _el(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"),
        "ram:ID",
        _BUSINESS_PROCESS[doc.operation_category],
    )
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE_EN16931)

    header = _el(root, "rsm:ExchangedDocument")
    _el(header, "ram:ID", doc.number)
    _el(header, "ram:TypeCode", doc.type_code)
    _date(header, "ram:IssueDateTime", doc.issue_date)
    for subject, content in _notes(doc):
        note = _el(header, "ram:IncludedNote")
        _el(note, "ram:Content", content)
        _el(note, "ram:SubjectCode", subject)

    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for index, line in enumerate(doc.lines, start=1):
        item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(index))
        product = _el(item, "ram:SpecifiedTradeProduct")
        _el(product, "ram:Name", line.description)
        if line.detail:
            _el(product, "ram:Description", line.detail)
        agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
        _el(_el(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", _price(line.unit_price_ht))
        _el(
            _el(item, "ram:SpecifiedLineTradeDelivery"),
            "ram:BilledQuantity",
            _number(line.quantity),
            unitCode=line.unit_code,
        )
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:TypeCode", "VAT")
        category = doc.line_category(line)
        _el(tax, "ram:CategoryCode", category)
        if category != "O":
            _el(tax, "ram:RateApplicablePercent", _number(line.vat_rate))
        summation = _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        _el(summation, "ram:LineTotalAmount", _amount(line.total_ht))

    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    if doc.buyer_reference:
        _el(agreement, "ram:BuyerReference", doc.buyer_reference)
    _party(agreement, "ram:SellerTradeParty", doc.seller, seller=True)
    _party(agreement, "ram:BuyerTradeParty", doc.buyer, seller=False)
    if doc.purchase_order_ref:
        _el(
            _el(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID", doc.purchase_order_ref
        )

    delivery = _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    if doc.delivery_address:
        ship_to = _el(delivery, "ram:ShipToTradeParty")
        _el(ship_to, "ram:Name", doc.delivery_address.name or doc.buyer.name)
        address = doc.delivery_address
        _address(ship_to, address.lines, address.postcode, address.city, address.country_code)
    # French invoices give the sale or service date only when it differs from the issue date (and an empty
    # delivery element is flagged by the schematron): default to the issue date.
    delivered = doc.delivery_date or doc.issue_date
    _date(_el(delivery, "ram:ActualDeliverySupplyChainEvent"), "ram:OccurrenceDateTime", delivered)

    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    if doc.kind == "invoice":
        _el(settlement, "ram:PaymentReference", doc.number)
    _el(settlement, "ram:InvoiceCurrencyCode", doc.currency)
    means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    if doc.iban:
        _el(means, "ram:TypeCode", "58")  # SEPA credit transfer
        _el(means, "ram:Information", "Virement SEPA")
        _el(_el(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", doc.iban.replace(" ", ""))
        if doc.bic:
            _el(
                _el(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"),
                "ram:BICID",
                doc.bic.replace(" ", ""),
            )
    else:
        _el(means, "ram:TypeCode", "1")  # not specified: 30/58 would require an account (BR-61)
    # VAT is due on the invoice date when the seller opted for debits, otherwise on payment for services
    # and on delivery for goods (BT-8, UNTDID 2475).
    if doc.vat_on_debits:
        due_date_code = "5"
    elif doc.operation_category == "services":
        due_date_code = "72"
    else:
        due_date_code = "29"
    for row in doc.vat_breakdown:
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:CalculatedAmount", _amount(row.vat_amount))
        _el(tax, "ram:TypeCode", "VAT")
        if row.exemption_reason:
            _el(tax, "ram:ExemptionReason", row.exemption_reason)
        _el(tax, "ram:BasisAmount", _amount(row.base_ht))
        _el(tax, "ram:CategoryCode", row.category_code)
        if row.exemption_reason_code:
            _el(tax, "ram:ExemptionReasonCode", row.exemption_reason_code)
        _el(tax, "ram:DueDateTypeCode", due_date_code)
        if row.category_code != "O":
            _el(tax, "ram:RateApplicablePercent", _number(row.rate))
    if doc.due_date or doc.payment_terms_text:
        terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
        if doc.payment_terms_text:
            _el(terms, "ram:Description", doc.payment_terms_text)
        if doc.due_date:
            _date(terms, "ram:DueDateDateTime", doc.due_date)
    totals = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(totals, "ram:LineTotalAmount", _amount(doc.total_ht))
    _el(totals, "ram:TaxBasisTotalAmount", _amount(doc.total_ht))
    _el(totals, "ram:TaxTotalAmount", _amount(doc.total_vat), currencyID=doc.currency)
    _el(totals, "ram:GrandTotalAmount", _amount(doc.total_ttc))
    if doc.amount_paid:
        _el(totals, "ram:TotalPrepaidAmount", _amount(doc.amount_paid))
    _el(totals, "ram:DuePayableAmount", _amount(doc.amount_due))
    if doc.preceding_invoice_number:
        reference = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(reference, "ram:IssuerAssignedID", doc.preceding_invoice_number)
        if doc.preceding_invoice_date:
            _date(reference, "ram:FormattedIssueDateTime", doc.preceding_invoice_date, qualified=True)

    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    return xml


def pdf_metadata_for(doc: DocumentData) -> dict[str, str]:
    """The PDF's title, author, subject and keywords, in French (factur-x writes them to Info and XMP)."""
    title = f"{doc.title} {doc.number}"
    return {
        "author": doc.seller.name,
        "title": title,
        "subject": f"{title} du {doc.issue_date:%d/%m/%Y}, émis par {doc.seller.name} pour {doc.buyer.name}",
        "keywords": f"{doc.title}, Factur-X",
    }


def embed_facturx(pdf_bytes: bytes, xml_bytes: bytes, *, pdf_metadata: dict[str, str] | None = None) -> bytes:
    """Attach the XML as ``factur-x.xml`` (/AFRelationship /Data) and write the Factur-X XMP metadata.

    ``pdf_bytes`` must already be a PDF/A-3 (``render_pdf`` default): the factur-x package adds the attachment
    and metadata but does not convert the PDF.
    """
    return facturx.generate_from_binary(
        pdf_bytes,
        xml_bytes,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        pdf_metadata=dict(pdf_metadata) if pdf_metadata else None,
        lang="fr-FR",
    )
