"""The demo activities' expenses: what each kind of activity buys, from whom, at which VAT rate.

Pure drawing, no database: ``draw_year`` turns an activity's turnover of a year into individual expense
reports and supplier invoices (validated, and paid unless their payment is still to come);
``tune_vat`` scales one year's purchases so that their deductible VAT is a given amount to the cent.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from comptabilite.demo.builder import at
from comptabilite.demo.catalogue import vat_rate_in
from comptabilite.demo.history import working_day
from comptabilite.models import Expense, ExpenseCategory, ExpenseKind, ExpenseStatus, PaymentMethod
from coodyssee.money import ZERO, apply_rate, round_cents
from entrepreneurs.models import Activity, Entrepreneur

DAY = datetime.timedelta(days=1)
REPORT_CAP = Decimal(250)  # an expense report (fuel, a meal, a ticket) stays under this, excl. VAT
C = ExpenseCategory
SUPPLIER, REPORT = ExpenseKind.SUPPLIER, ExpenseKind.REPORT


@dataclass(frozen=True)
class Purchase:
    weight: int
    category: str
    kind: str
    rate: str  # today's VAT rate, percent (the rate of the year is ``vat_rate_in``)
    description: str
    suppliers: tuple[str, ...]
    size: float  # relative amount of one such expense


@dataclass
class Drawn:
    expense: Expense
    rate: Decimal  # VAT rate the expense was drawn with (an expense stores its VAT, not its rate)


_FUEL = Purchase(
    10, C.TRAVEL, REPORT, "20", "Carburant", ("TotalEnergies Chorges", "Intermarché Embrun"), 0.2
)
_TOLL = Purchase(4, C.TRAVEL, REPORT, "20", "Péage autoroute A51", ("Vinci Autoroutes",), 0.1)
_TRAIN = Purchase(5, C.TRAVEL, REPORT, "10", "Billet de train", ("SNCF Voyageurs",), 0.4)
_MEAL = Purchase(6, C.MEALS, REPORT, "10", "Repas", ("Brasserie du Théâtre", "Le Relais des Alpes"), 0.12)
_PHONE = Purchase(5, C.TELECOM, SUPPLIER, "20", "Téléphone et internet", ("Orange Pro", "Free Pro"), 0.25)
_PRINT = Purchase(
    4,
    C.ADVERTISING,
    SUPPLIER,
    "20",
    "Cartes de visite et flyers",
    ("Imprimerie des Alpes", "Vistaprint"),
    0.5,
)
_INSURANCE = Purchase(
    3, C.INSURANCE, SUPPLIER, "0", "Assurance responsabilité civile professionnelle", ("MACIF", "Hiscox"), 1.2
)
_OFFICE = Purchase(
    6, C.SUPPLIES, SUPPLIER, "20", "Matériel informatique", ("LDLC Pro", "Bureau Vallée Gap"), 1.5
)
_SOFTWARE = Purchase(4, C.OTHER, SUPPLIER, "20", "Abonnement logiciel", ("OVHcloud", "Adobe Systems"), 0.4)
_COWORKING = Purchase(
    5,
    C.RENT,
    SUPPLIER,
    "20",
    "Bureau en espace partagé",
    ("Pépinière Lucéo", "Altipolis Briançon", "Tiers-lieu La Juncha"),
    1.0,
)
_TRAINING = Purchase(
    2, C.TRAINING, SUPPLIER, "0", "Formation professionnelle", ("Alpes Compétences Formation",), 1.5
)
_MARKET = Purchase(
    5, C.RENT, SUPPLIER, "0", "Emplacement au marché et aux salons", ("Régie des marchés de Gap",), 0.3
)

# Profile → (share of the turnover spent, typical amount excl. VAT of one expense, what is bought).
PROFILES: dict[str, tuple[float, int, tuple[Purchase, ...]]] = {
    "building": (
        0.45,
        900,
        (
            Purchase(8, C.SUPPLIES, SUPPLIER, "20", "Outillage", ("Würth France", "Brico Dépôt Gap"), 0.8),
            Purchase(
                5, C.RENT, SUPPLIER, "20", "Location de matériel", ("Kiloutou Gap", "Loxam Embrun"), 0.7
            ),
            Purchase(
                4,
                C.SUBCONTRACTING,
                SUPPLIER,
                "10",
                "Sous-traitance de chantier",
                ("SARL Alpes Bâtiment", "EURL Durance Services"),
                2.5,
            ),
            Purchase(3, C.INSURANCE, SUPPLIER, "0", "Assurance décennale", ("SMABTP", "MAAF Pro"), 2.0),
            _FUEL,
            _MEAL,
            _PHONE,
        ),
    ),
    "craft": (0.40, 400, (_OFFICE, _PRINT, _MARKET, _FUEL, _PHONE, _INSURANCE)),
    "food": (
        0.38,
        350,
        (
            Purchase(
                8, C.SUPPLIES, SUPPLIER, "20", "Bocaux et emballages", ("Emballages du Sud", "Verallia"), 0.6
            ),
            _MARKET,
            _FUEL,
            _PHONE,
            _INSURANCE,
        ),
    ),
    "outdoor": (0.20, 220, (_FUEL, _TOLL, _MEAL, _PHONE, _PRINT, _INSURANCE, _TRAINING)),
    "service": (
        0.17,
        220,
        (_OFFICE, _SOFTWARE, _COWORKING, _PHONE, _PRINT, _TRAIN, _TOLL, _MEAL, _INSURANCE, _TRAINING),
    ),
}


def _main(weight, category, rate, description, suppliers, size=2.0, kind=SUPPLIER) -> Purchase:
    return Purchase(weight, category, kind, rate, description, suppliers, size)


# Each demo activity (entrepreneurs.demo.names.ACTIVITY_NAMES): its profile and its main purchase.
ACTIVITIES: dict[str, tuple[str, Purchase]] = {
    "Menuiserie et agencement": (
        "building",
        _main(
            30, C.MATERIALS, "20", "Bois et quincaillerie", ("Bois et Matériaux des Alpes", "Würth France")
        ),
    ),
    "Rénovation écologique": (
        "building",
        _main(
            30, C.MATERIALS, "20", "Isolants et enduits", ("Point P Gap", "Chanvribloc", "Gedimat Chorges")
        ),
    ),
    "Électricité générale": (
        "building",
        _main(30, C.MATERIALS, "20", "Matériel électrique", ("Rexel Embrun", "Sonepar Gap")),
    ),
    "Plomberie": ("building", _main(30, C.MATERIALS, "20", "Fournitures sanitaires", ("Cedeo Gap",))),
    "Maçonnerie pierre sèche": (
        "building",
        _main(25, C.MATERIALS, "20", "Pierre et chaux", ("Carrière du Champsaur", "Point P Gap")),
    ),
    "Paysagisme": (
        "building",
        _main(25, C.MATERIALS, "10", "Plants et terreau", ("Pépinières du Buëch", "Jardiland Gap")),
    ),
    "Ferronnerie d'art": (
        "building",
        _main(30, C.MATERIALS, "20", "Acier et consommables de soudure", ("Descours et Cabaud",)),
    ),
    "Restauration de meubles": (
        "craft",
        _main(25, C.MATERIALS, "20", "Cires, vernis et quincaillerie", ("Le Géant des Beaux-Arts",)),
    ),
    "Tapisserie d'ameublement": (
        "craft",
        _main(30, C.MATERIALS, "20", "Tissus et garnitures", ("Casal Tissus", "Mondial Tissus")),
    ),
    "Sellerie": ("craft", _main(30, C.MATERIALS, "20", "Cuir et fournitures", ("Tanneries Roux",))),
    "Céramique": (
        "craft",
        _main(25, C.MATERIALS, "20", "Terre et émaux", ("Céradel", "Solargil")),
    ),
    "Bijoux fantaisie": ("craft", _main(25, C.PURCHASES, "20", "Perles et apprêts", ("Perles & Co",), 1.0)),
    "Savonnerie artisanale": (
        "craft",
        _main(25, C.MATERIALS, "5.5", "Huiles et beurres végétaux", ("Aroma-Zone", "Biocoop Gap"), 1.2),
    ),
    "Broderie et linge de maison": (
        "craft",
        _main(25, C.MATERIALS, "20", "Fils et toiles de lin", ("DMC", "Mondial Tissus"), 1.0),
    ),
    "Couture et retouches": (
        "craft",
        _main(20, C.MATERIALS, "20", "Tissus et mercerie", ("Mondial Tissus", "Self Tissus"), 0.8),
    ),
    "Maraîchage biologique": (
        "food",
        _main(25, C.MATERIALS, "10", "Semences et plants", ("Agrosemens", "Graines Voltz"), 1.2),
    ),
    "Apiculture": (
        "food",
        _main(25, C.MATERIALS, "5.5", "Sucre de nourrissement et cire", ("Icko Apiculture",), 1.2),
    ),
    "Cueillette de plantes aromatiques": (
        "food",
        _main(20, C.SUPPLIES, "20", "Sachets et étiquettes", ("Emballages du Sud",), 0.8),
    ),
    "Traiteur végétarien": (
        "food",
        _main(30, C.PURCHASES, "5.5", "Produits frais", ("Biocoop Gap", "Coopérative du Champsaur"), 1.0),
    ),
    "Accompagnateur en montagne": (
        "outdoor",
        _main(10, C.SUPPLIES, "20", "Matériel de montagne", ("Au Vieux Campeur", "Sport 2000 Chorges"), 1.5),
    ),
    "Guide de pêche": (
        "outdoor",
        _main(10, C.SUPPLIES, "20", "Matériel de pêche", ("Pêche Passion Embrun",), 1.5),
    ),
    "Animation nature": (
        "outdoor",
        _main(10, C.SUPPLIES, "20", "Matériel pédagogique", ("Nature et Découvertes",), 1.0),
    ),
    "Garde d'animaux": (
        "outdoor",
        _main(10, C.PURCHASES, "20", "Croquettes et accessoires", ("Animalis Gap",), 0.8),
    ),
    "Photographie": ("service", _main(10, C.SUPPLIES, "20", "Matériel photo", ("Miss Numérique",), 3.0)),
    "Vidéo et montage": ("service", _main(10, C.SUPPLIES, "20", "Matériel vidéo", ("Cinéma Loc",), 3.0)),
    "Massages bien-être": (
        "service",
        _main(10, C.SUPPLIES, "20", "Huiles de massage et linge", ("Aroma-Zone",), 0.5),
    ),
    "Cours de yoga": ("service", _main(10, C.RENT, "20", "Location de salle", ("MJC de Chorges",), 1.0)),
    "Sophrologie": (
        "service",
        _main(10, C.RENT, "20", "Location de salle", ("Maison des associations",), 1.0),
    ),
    "Cours de musique": (
        "service",
        _main(10, C.SUPPLIES, "20", "Partitions et cordes", ("Fnac Gap", "Woodbrass"), 0.5),
    ),
    "Dépannage informatique": (
        "service",
        _main(15, C.PURCHASES, "20", "Pièces détachées informatiques", ("LDLC Pro", "Materiel.net"), 1.0),
    ),
    "Création de sites web": (
        "service",
        _main(10, C.OTHER, "20", "Hébergement et noms de domaine", ("OVHcloud", "Gandi"), 0.5),
    ),
}
DEFAULT = ("service", _OFFICE)


def _amounts(rng: random.Random, total: Decimal, sizes: list[float]) -> list[Decimal]:
    """Amounts (at least 5 €) proportional to ``sizes`` with some spread, summing to about ``total``."""
    weights = [size * rng.lognormvariate(0, 0.5) for size in sizes]
    cents, spread = int(total * 100), sum(weights)
    return [Decimal(max(int(cents * weight / spread), 500)) / 100 for weight in weights]


def draw_year(
    rng: random.Random,
    *,
    person: Entrepreneur,
    activity: Activity,
    first: datetime.date,
    last: datetime.date,
    turnover: Decimal,
    sales: list[datetime.date],
    most: int,
    scale: Decimal = Decimal(1),
    today: datetime.date,
    accountant_id: int | None,
) -> list[Drawn]:
    """At most ``most`` posted expenses of ``activity`` between ``first`` and ``last`` for a year of
    ``turnover`` invoiced on the days ``sales`` (spending ``scale`` times what such an activity spends):
    one every few weeks for a busy activity when ``most`` allows it, a few larger ones else; supplier
    invoices fall in the month before a sale.
    """
    profile, main = ACTIVITIES.get(activity.name, DEFAULT)
    share, typical, purchases = PROFILES[profile]
    budget = round_cents(turnover * scale * Decimal(f"{share * rng.uniform(0.8, 1.2):.4f}"))
    if budget < 50:
        return []
    count = max(1, min(round(float(budget) / typical), most))
    # The activity's main purchase every year; small expense reports stay small, the rest goes to it.
    picked = [main, *rng.choices(purchases, weights=[p.weight for p in purchases], k=count - 1)]
    amounts = _amounts(rng, budget, [p.size for p in picked])
    for n, purchase in enumerate(picked[1:], start=1):
        if purchase.kind == REPORT and amounts[n] > REPORT_CAP:
            amounts[0] += amounts[n] - REPORT_CAP
            amounts[n] = REPORT_CAP
    drawn = []
    for purchase, amount_ht in zip(picked, amounts, strict=True):
        day = working_day(rng, first, last)
        if sales and purchase.kind == SUPPLIER:  # bought for a job: shortly before invoicing it
            day = min(max(rng.choice(sales) - DAY * rng.randint(0, 30), first), last)
        rate = vat_rate_in(Decimal(purchase.rate), day.year)
        drawn.append(_expense(rng, person, activity, purchase, day, amount_ht, rate, today, accountant_id))
    return drawn


def _expense(rng, person, activity, purchase, day, amount_ht, rate, today, accountant_id) -> Drawn:
    vat = apply_rate(amount_ht, rate)
    supplier_invoice = purchase.kind == SUPPLIER
    validated = day + DAY * rng.randint(1, 6)
    paid = day + DAY * rng.randint(25, 45) if supplier_invoice else validated + DAY * rng.randint(3, 12)
    expense = Expense(
        kind=purchase.kind,
        status=ExpenseStatus.PAID if paid < today else ExpenseStatus.VALIDATED,
        activity=activity,
        entrepreneur=person,
        date=day,
        category=purchase.category,
        description=purchase.description,
        supplier=rng.choice(purchase.suppliers),
        supplier_invoice_number=f"F{day:%y%m}-{rng.randint(1000, 99999)}" if supplier_invoice else "",
        due_date=day + DAY * 30 if supplier_invoice else None,
        amount_ht=amount_ht,
        vat=vat,
        amount_ttc=amount_ht + vat,
        created_by_id=person.user_id,
        created_at=at(day, 18),
        submitted_at=at(day, 18, 30),
        validated_at=at(validated, 11),
        validated_by_id=accountant_id,
    )
    if paid < today:
        expense.paid_on = paid
        expense.payment_method = PaymentMethod.TRANSFER
        expense.payment_reference = f"VIR-{paid:%Y%m%d}-{rng.randint(100, 999)}"
    return Drawn(expense, rate)


def pending(
    rng: random.Random,
    *,
    person: Entrepreneur,
    activity: Activity,
    day: datetime.date,
    status: str,
    amount_ttc: int,
    comment: str = "",
) -> Expense:
    """An expense report still with its author (draft) or waiting in the staff's queue (submitted)."""
    purchase = rng.choice((_MEAL, _TRAIN, _FUEL))
    ttc = Decimal(amount_ttc) / 100
    rate = Decimal(purchase.rate)
    vat = round_cents(ttc * rate / (100 + rate))
    return Expense(
        kind=REPORT,
        status=status,
        activity=activity,
        entrepreneur=person,
        date=day,
        category=purchase.category,
        description=purchase.description,
        supplier=rng.choice(purchase.suppliers),
        amount_ttc=ttc,
        vat=vat,
        amount_ht=ttc - vat,
        created_by_id=person.user_id,
        created_at=at(day, 18),
        submitted_at=at(day, 18, 30) if status == ExpenseStatus.SUBMITTED or comment else None,
        return_comment=comment,
    )


def tune_vat(drawn: list[Drawn], *, year: int, target: Decimal) -> None:
    """Scale the year's purchases bearing VAT so that their VAT sums to ``target`` exactly.

    Each amount is scaled and its VAT recomputed at its rate; the cents left over go to the largest
    purchase at 20 %, whose amount excl. VAT is then five times its VAT (so the rate still holds).
    """
    taxed = [d for d in drawn if d.expense.date.year == year and d.expense.vat > 0]
    total = sum((d.expense.vat for d in taxed), ZERO)
    if not taxed or target <= 0:
        raise ValueError(f"demo {year}: no purchase bearing VAT to reach {target}")
    factor = target / total
    for item in taxed:
        expense = item.expense
        expense.amount_ht = round_cents(expense.amount_ht * factor)
        expense.vat = apply_rate(expense.amount_ht, item.rate)
        expense.amount_ttc = expense.amount_ht + expense.vat
    rest = target - sum((d.expense.vat for d in taxed), ZERO)
    largest = max((d for d in taxed if d.rate == 20), key=lambda d: d.expense.vat).expense
    largest.vat += rest
    largest.amount_ht = largest.vat * 5
    largest.amount_ttc = largest.amount_ht + largest.vat
