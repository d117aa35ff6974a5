"""Demo of the structure budget: the 2017 budget lines of the reference cooperative with their forecasts,
and the structure's own 2017 ledger (rent, payroll, suppliers, subsidies…) from which the actuals of the
activity report's "BUDGET de fonctionnement" table come out.

Every amount is an individual entry on the structure section (journals HA, BQ, PA, OD), balanced against
the supplier (401), the bank (512), net salaries (421) or URSSAF (431) as such an operation would be. The
yearly totals carry cents chosen so that, rounded to the euro, each line, each section subtotal, each total
and the results print as in the report (whose section subtotals are authoritative: the printed lines of
section 62 add up to one euro less than their subtotal). No VAT is posted on the structure's operations,
so the demo's VAT figures stay those of the activities' invoices.

One line is not posted here: "Mutualisation entrepreneurs" is the sum of the contribution (7586) that
every invoice of the activities posts to the structure — 103,333.00 € in 2017.

Registered in ``coodyssee.demo.DEMO_STEPS``; idempotent (a second run adds nothing).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from comptabilite.ledger import chart
from comptabilite.ledger.automatic import supplier_aux
from comptabilite.ledger.bulk import BulkLedger
from comptabilite.ledger.posting import EntrySpec, Line, structure_section_id
from comptabilite.models import Account, Entry
from coodyssee.money import round_cents
from gouvernance.models import BudgetLine, BudgetSide

YEAR = 2017
SOURCE = "demo_structure"
SEED = 2017
D = Decimal
CHARGE, PRODUCT = BudgetSide.CHARGE, BudgetSide.PRODUCT

# Accounts the structure's bookkeeping uses beyond the default chart (PCG sub-accounts).
EXTRA_ACCOUNTS = (
    ("444", "État, impôts sur les bénéfices (crédits d'impôt)"),
    ("6048", "Achats de prestations, projet CJS"),
    ("6061", "Fournitures non stockables (eau, énergie)"),
    ("6063", "Fournitures d'entretien et de petit équipement"),
    ("6064", "Fournitures administratives"),
    ("6068", "Autres matières et fournitures (équipement)"),
    ("6185", "Frais de colloques, séminaires, formations"),
    ("6227", "Frais d'actes et de contentieux"),
    ("64118", "Salaires, projet CJS"),
    ("6458", "Charges sociales, projet CJS"),
    ("649", "Crédit d'impôt pour la compétitivité et l'emploi (CICE)"),
    ("658", "Charges diverses de gestion courante"),
    ("7441", "Subvention d'exploitation, Région"),
    ("7442", "Subvention d'exploitation, Département"),
    ("748", "Autres subventions d'exploitation (prise en charge de formations)"),
)


@dataclass(frozen=True)
class Plan:
    """A budget line of 2017 and how its actual is booked.

    ``real`` is the year's actual to the cent (None: nothing booked); ``kind`` says which operations make
    it: ``purchase`` supplier invoices (HA 6xx/401, paid by BQ 401/512), ``bank`` direct debits or
    receipts (BQ), ``payroll`` monthly payslips (PA 641/645 against 421/431, net paid by BQ), ``expense``
    staff expense reports (OD 625/421, refunded by BQ), ``od`` year-end entries, ``none`` nothing here.
    """

    side: str
    section: str
    label: str
    forecast: Decimal | None
    accounts: str
    real: Decimal | None = None
    kind: str = "purchase"
    counterpart: str = ""  # supplier name, bank label or the OD counterpart account
    count: int = 1  # number of operations in the year
    months: tuple[int, ...] = ()  # months they fall in (all year when empty)
    eligible: bool = True


R60, R61, R62, R64 = (
    "60 Achats",
    "61 Services extérieurs",
    "62 Autres services extérieurs",
    ("64 Charges de personnel"),
)
RP, SUB, OTHER = "Ressources propres", "Subventions", "Autres recettes"
SUMMER = (6, 7, 8)

PLANS: tuple[Plan, ...] = (
    # Charges, section by section (printed subtotals: 5,916 / 17,417 / 24,617 / 104,231).
    Plan(CHARGE, R60, "Achat équipement", D(500), "6068", None, "none"),
    Plan(
        CHARGE,
        R60,
        "Fournitures de bureau",
        D(1500),
        "6064",
        D("1207.35"),
        counterpart="Bureau Alpin",
        count=9,
    ),
    Plan(
        CHARGE,
        R60,
        "Entretien petit équipement",
        D(300),
        "6063",
        D("444.80"),
        counterpart="Quincaillerie Chorgeaise",
        count=3,
    ),
    Plan(
        CHARGE,
        R60,
        "Fournitures eau électricité",
        D(1500),
        "6061",
        D("1129.62"),
        counterpart="Énergies des Alpes",
        count=6,
        months=(2, 4, 6, 8, 10, 12),
    ),
    Plan(
        CHARGE,
        R60,
        "Entrepreneuriat coopératif",
        D(2000),
        "604",
        D("3134.18"),
        counterpart="Réseau Entreprendre Coop",
        count=5,
    ),
    Plan(CHARGE, R61, "Locations", D(9000), "613", D("8724.00"), counterpart="SCI du Lac", count=12),
    Plan(CHARGE, R61, "Maintenance", D(1500), "615", D("2874.40"), counterpart="Alp'Info Services", count=6),
    Plan(
        CHARGE,
        R61,
        "Assurances",
        D(2700),
        "616",
        D("2321.90"),
        counterpart="Mutuelle Assurance Coop",
        count=2,
        months=(1, 7),
    ),
    Plan(
        CHARGE,
        R61,
        "Documentation",
        D(500),
        "618",
        D("311.75"),
        counterpart="Éditions Sociales et Solidaires",
        count=4,
    ),
    Plan(
        CHARGE,
        R61,
        "Formation",
        D(1500),
        "6185",
        D("3185.20"),
        counterpart="Institut Coopératif de Formation",
        count=3,
    ),
    Plan(
        CHARGE,
        R62,
        "Honoraires",
        D(5100),
        "622",
        D("5527.30"),
        counterpart="Cabinet Durance Expertise",
        count=5,
    ),
    Plan(CHARGE, R62, "Publicité", D(200), "623", None, "none"),
    Plan(CHARGE, R62, "Déplacements missions", D(4000), "625", D("5219.20"), "expense", count=12),
    Plan(
        CHARGE,
        R62,
        "Frais postaux, téléphone",
        D(2000),
        "626",
        D("1986.15"),
        counterpart="Télécom Alpes",
        count=12,
    ),
    Plan(
        CHARGE,
        R62,
        "Cotisations",
        D(4000),
        "628",
        D("6274.10"),
        counterpart="Union régionale des Scop",
        count=3,
        months=(3, 6, 9),
    ),
    Plan(
        CHARGE,
        R62,
        "Impôts et taxes",
        D(800),
        "63",
        D("5244.05"),
        "bank",
        "Direction générale des finances publiques",
        count=3,
        months=(2, 5, 12),
    ),
    Plan(
        CHARGE,
        R62,
        "Services bancaires",
        D(500),
        "627",
        D("366.00"),
        "bank",
        "Frais de tenue de compte",
        count=12,
    ),
    Plan(CHARGE, R64, "Salaires et charges", D(94000), "641, 645", D("102131.64"), "payroll", count=12),
    Plan(
        CHARGE,
        R64,
        "Autres charges personnel",
        D(2000),
        "647, 648",
        D("2099.20"),
        counterpart="Service de santé au travail des Alpes",
        count=2,
        months=(3, 10),
    ),
    # Products (printed subtotals: 104,483 / 35,600 / 42,765).
    Plan(PRODUCT, RP, "Mutualisation entrepreneurs", D(90000), "7586", None, "none"),
    Plan(
        PRODUCT,
        RP,
        "Prestations de services (sauf CJS)",
        D(8000),
        "706",
        D("1024.80"),
        "bank",
        "Animation d'ateliers création d'activité",
        count=2,
        months=(3, 11),
    ),
    Plan(
        PRODUCT,
        RP,
        "Vente marchandises",
        None,
        "707",
        D("124.90"),
        "bank",
        "Vente d'ouvrages",
        count=1,
        months=(9,),
    ),
    Plan(
        PRODUCT,
        SUB,
        "Région PACA (dispositif territorial d'accompagnement des créateurs d'activités)",
        D(30600),
        "7441",
        D("30600.00"),
        "bank",
        "Subvention Région PACA",
        count=2,
        months=(4, 11),
    ),
    Plan(
        PRODUCT,
        SUB,
        "Département Hautes-Alpes",
        D(5000),
        "7442",
        D("5000.00"),
        "bank",
        "Subvention Département des Hautes-Alpes",
        count=1,
        months=(6,),
    ),
    Plan(PRODUCT, OTHER, "CICE", None, "649", D("36565.12"), "od", "444", count=1, months=(12,)),
    Plan(
        PRODUCT,
        OTHER,
        "Uniformation",
        None,
        "748",
        D("6200.00"),
        "bank",
        "Prise en charge Uniformation",
        count=2,
        months=(5, 10),
    ),
    # Non-eligible charges (printed total 6,341; the printed lines add up to 6,342).
    Plan(
        CHARGE,
        "",
        "Frais projet CJS",
        None,
        "6048",
        D("1360.70"),
        counterpart="Fournisseurs projet CJS",
        count=4,
        months=SUMMER,
        eligible=False,
    ),
    Plan(
        CHARGE,
        "",
        "Salaire projet CJS",
        None,
        "64118, 6458",
        D("2855.75"),
        "payroll",
        count=3,
        months=SUMMER,
        eligible=False,
    ),
    Plan(
        CHARGE,
        "",
        "CAPE CJS",
        None,
        "791",
        D("-1840.00"),
        "bank",
        "Remboursement CAPE CJS",
        count=2,
        months=(9, 11),
        eligible=False,
    ),
    Plan(
        CHARGE,
        "",
        "Frais d'actes",
        None,
        "6227",
        D("51.90"),
        counterpart="Greffe du tribunal de commerce de Gap",
        count=1,
        months=(5,),
        eligible=False,
    ),
    Plan(
        CHARGE,
        "",
        "Autres charges de gestion",
        None,
        "65",
        D("2946.80"),
        "bank",
        "Charges diverses de gestion",
        count=3,
        eligible=False,
    ),
    Plan(
        CHARGE,
        "",
        "Dotations aux amortissements",
        None,
        "68",
        D("332.95"),
        "od",
        "28183",
        count=1,
        months=(12,),
        eligible=False,
    ),
    Plan(
        CHARGE,
        "",
        "Charges exceptionnelles",
        None,
        "67",
        D("632.95"),
        "bank",
        "Pénalités et régularisations",
        count=2,
        eligible=False,
    ),
    # Non-eligible products (printed total 23,982).
    Plan(
        PRODUCT,
        "",
        "Produits projet CJS",
        None,
        "708",
        D("4216.90"),
        "bank",
        "Prestations de la CJS",
        count=5,
        months=SUMMER,
        eligible=False,
    ),
    Plan(
        PRODUCT,
        "",
        "Produits divers de gestion",
        None,
        "758",
        D("1723.10"),
        "bank",
        "Produits divers de gestion",
        count=2,
        eligible=False,
    ),
    Plan(
        PRODUCT,
        "",
        "Produits financiers",
        None,
        "76",
        D("1535.84"),
        "bank",
        "Intérêts du compte sur livret",
        count=1,
        months=(12,),
        eligible=False,
    ),
    Plan(
        PRODUCT,
        "",
        "Reprise provision pour risques",
        None,
        "78",
        D("16485.00"),
        "od",
        "151",
        count=1,
        months=(12,),
        eligible=False,
    ),
    Plan(
        PRODUCT,
        "",
        "Produits exceptionnels",
        None,
        "77",
        D("21.30"),
        "bank",
        "Produit exceptionnel",
        count=1,
        months=(12,),
        eligible=False,
    ),
)

# The account each plan books to (a line's first prefix may name several accounts: book on one of them).
BOOKED_ACCOUNT = {
    "Impôts et taxes": ("6333", "635", "635"),
    "Autres charges personnel": ("647",),
    "Déplacements missions": ("6251",),
    "Autres charges de gestion": ("658",),
    "Dotations aux amortissements": ("6811",),
    "Charges exceptionnelles": ("671",),
    "Produits financiers": ("764",),
    "Reprise provision pour risques": ("7815",),
    "Produits exceptionnels": ("771",),
}


def split(total: Decimal, count: int, rng: random.Random, *, spread: float = 0.35) -> list[Decimal]:
    """``total`` in ``count`` amounts to the cent, unequal (± ``spread``), adding up exactly."""
    if count == 1:
        return [total]
    weights = [1 + rng.uniform(-spread, spread) for _ in range(count)]
    scale = sum(weights)
    parts = [round_cents(total * Decimal(str(w)) / Decimal(str(scale))) for w in weights[:-1]]
    return [*parts, total - sum(parts)]


def _day(rng: random.Random, month: int, *, first: int = 1, last: int = 28) -> datetime.date:
    day = datetime.date(YEAR, month, rng.randint(first, last))
    if day.weekday() >= 5:  # a working day
        day -= datetime.timedelta(days=day.weekday() - 4)
    return day


def _months(plan: Plan, rng: random.Random) -> list[int]:
    if plan.months and len(plan.months) >= plan.count:
        return list(plan.months[: plan.count])
    pool = list(plan.months or range(1, 13))
    if plan.count >= len(pool):
        return sorted((pool * (plan.count // len(pool) + 1))[: plan.count])
    return sorted(rng.sample(pool, plan.count))


def _account(plan: Plan, index: int) -> str:
    booked = BOOKED_ACCOUNT.get(plan.label)
    if booked:
        return booked[index % len(booked)]
    return plan.accounts.split(",")[0].strip()


class _Ledger:
    """Collects the structure's 2017 entries as ``EntrySpec`` for the bulk loader."""

    def __init__(self, section: int):
        self.section = section
        self.specs: list[EntrySpec] = []
        self.pieces = 0

    def add(self, journal: str, date: datetime.date, label: str, lines: list[Line], piece: str = "") -> None:
        self.pieces += 1
        self.specs.append(
            EntrySpec(
                journal=journal,
                date=date,
                label=label,
                lines=lines,
                piece_ref=piece or f"STR{YEAR}-{self.pieces:04d}",
                piece_date=date,
                source=SOURCE,
            )
        )

    def line(self, account: str, *, debit=None, credit=None, **extra) -> Line:
        return Line(account, self.section, debit=debit or D("0.00"), credit=credit or D("0.00"), **extra)

    # --- the kinds of operations ---------------------------------------------------------------------

    def purchase(self, plan: Plan, account: str, day: datetime.date, amount: Decimal, number: int) -> None:
        """A supplier invoice (HA) and, three weeks later, its payment by transfer (BQ)."""
        aux = {"aux_code": supplier_aux(plan.counterpart), "aux_label": plan.counterpart}
        piece = f"F{YEAR}{day.month:02d}-{number:03d}"
        label = f"{plan.counterpart} — {plan.label.lower()}"
        self.add(
            "HA",
            day,
            label,
            [self.line(account, debit=amount), self.line(chart.SUPPLIERS, credit=amount, **aux)],
            piece,
        )
        paid = day + datetime.timedelta(days=21)
        if paid.year == YEAR:
            self.add(
                "BQ",
                paid,
                f"Virement {plan.counterpart}",
                [self.line(chart.SUPPLIERS, debit=amount, **aux), self.line(chart.BANK, credit=amount)],
                piece,
            )

    def bank(self, plan: Plan, account: str, day: datetime.date, amount: Decimal) -> None:
        """A direct debit (charge) or a receipt (product) on the bank statement (BQ)."""
        charge = plan.side == CHARGE
        if amount < 0:  # a refund booked against a charge line (transfer of charges)
            charge, amount = not charge, -amount
        if charge:
            lines = [self.line(account, debit=amount), self.line(chart.BANK, credit=amount)]
        else:
            lines = [self.line(chart.BANK, debit=amount), self.line(account, credit=amount)]
        self.add("BQ", day, plan.counterpart or plan.label, lines)

    def expense_report(self, account: str, day: datetime.date, amount: Decimal) -> None:
        """The support team's travel for the month (OD 625/421), refunded with the salaries (BQ)."""
        month = f"{day:%m/%Y}"
        self.add(
            "OD",
            day,
            f"Notes de frais équipe d'appui {month}",
            [self.line(account, debit=amount), self.line(chart.SALARIES_DUE, credit=amount)],
        )
        self.add(
            "BQ",
            day + datetime.timedelta(days=2),
            f"Remboursement notes de frais {month}",
            [self.line(chart.SALARIES_DUE, debit=amount), self.line(chart.BANK, credit=amount)],
        )

    def payroll(self, plan: Plan, month: int, cost: Decimal) -> None:
        """The month's payslips (PA): gross and employer charges against net pay and URSSAF; the net is
        paid on the last working day, URSSAF on the 15th of the next month (within the year)."""
        salaries, charges = ("64118", "6458") if not plan.eligible else (chart.SALARIES, chart.SOCIAL_CHARGES)
        gross = round_cents(cost / D("1.42"))
        employer = cost - gross
        employee = round_cents(gross * D("0.22"))
        net = gross - employee
        end = _last_working_day(month)
        what = "projet CJS" if not plan.eligible else "équipe d'appui"
        self.add(
            "PA",
            end,
            f"Salaires {what} {end:%m/%Y}",
            [
                self.line(salaries, debit=gross),
                self.line(charges, debit=employer),
                self.line(chart.SALARIES_DUE, credit=net),
                self.line(chart.URSSAF, credit=employee + employer),
            ],
        )
        self.add(
            "BQ",
            end,
            f"Virement des salaires {what} {end:%m/%Y}",
            [self.line(chart.SALARIES_DUE, debit=net), self.line(chart.BANK, credit=net)],
        )
        if month < 12:
            self.add(
                "BQ",
                datetime.date(YEAR, month + 1, 15),
                f"URSSAF cotisations {end:%m/%Y}",
                [
                    self.line(chart.URSSAF, debit=employee + employer),
                    self.line(chart.BANK, credit=employee + employer),
                ],
            )

    def year_end(self, plan: Plan, account: str, amount: Decimal) -> None:
        """An inventory entry of 31 December (OD): depreciation, provision released, tax credit."""
        day = datetime.date(YEAR, 12, 31)
        if plan.side == CHARGE:
            lines = [self.line(account, debit=amount), self.line(plan.counterpart, credit=amount)]
        else:
            lines = [self.line(plan.counterpart, debit=amount), self.line(account, credit=amount)]
        self.add("OD", day, f"{plan.label} {YEAR}", lines)


def _last_working_day(month: int) -> datetime.date:
    day = (datetime.date(YEAR, month, 28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def structure_entries(section: int, rng: random.Random | None = None) -> list[EntrySpec]:
    """The structure's 2017 entries (every plan except the contribution, which the invoices post)."""
    rng = rng or random.Random(SEED)
    ledger = _Ledger(section)
    for plan in PLANS:
        if plan.real is None or plan.kind == "none":
            continue
        months = _months(plan, rng)
        if plan.label == "Locations":
            amounts = [plan.real / plan.count] * plan.count  # the same rent every month
        elif plan.label == "Services bancaires":
            amounts = [round_cents(plan.real / plan.count)] * plan.count
        else:
            amounts = split(plan.real, plan.count, rng, spread=0.1 if plan.kind == "payroll" else 0.35)
        assert sum(amounts) == plan.real, plan.label
        for index, (month, amount) in enumerate(zip(months, amounts, strict=True)):
            account = _account(plan, index)
            if plan.kind == "purchase":
                first = 1 if plan.label == "Locations" else 2
                last = 1 if plan.label == "Locations" else 27
                day = (
                    datetime.date(YEAR, month, 1)
                    if first == last
                    else _day(rng, month, first=first, last=last)
                )
                ledger.purchase(plan, account, day, amount, index + 1)
            elif plan.kind == "bank":
                ledger.bank(plan, account, _day(rng, month, first=3, last=28), amount)
            elif plan.kind == "expense":
                ledger.expense_report(account, _last_working_day(month) - datetime.timedelta(days=3), amount)
            elif plan.kind == "payroll":
                ledger.payroll(plan, month, amount)
            elif plan.kind == "od":
                ledger.year_end(plan, account, amount)
    return ledger.specs


def ensure_accounts() -> None:
    Account.objects.bulk_create(
        [Account(code=code, label=label) for code, label in EXTRA_ACCOUNTS], ignore_conflicts=True
    )


def budget_lines(year: int = YEAR) -> list[BudgetLine]:
    positions: dict[tuple[str, bool], int] = {}
    lines = []
    for plan in PLANS:
        key = (plan.side, plan.eligible)
        positions[key] = positions.get(key, 0) + 10
        lines.append(
            BudgetLine(
                year=year,
                side=plan.side,
                eligible=plan.eligible,
                section=plan.section,
                label=plan.label,
                position=positions[key],
                forecast=plan.forecast,
                accounts=plan.accounts,
            )
        )
    return lines


@transaction.atomic
def load_structure_budget() -> None:
    """The 2017 budget lines and the structure's 2017 ledger (each once)."""
    if not BudgetLine.objects.filter(year=YEAR).exists():
        for line in budget_lines():
            line.save()  # one by one: the creations are audited like any other
    if Entry.objects.filter(source=SOURCE, year=YEAR).exists():
        return
    chart.ensure_chart()
    ensure_accounts()
    bulk = BulkLedger()
    bulk.extend(structure_entries(structure_section_id()))
    bulk.flush()
