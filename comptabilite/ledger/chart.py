"""The default chart of accounts (the PCG subset of DOMAIN.md §4.1), journals and structure sections.

Installed by migration and by ``ensure_chart()`` (idempotent); staff may then rename accounts or add
their own.
Accounts the automatic postings use are named by the constants below.
"""

from __future__ import annotations

CUSTOMERS = "411"
SUPPLIERS = "401"
SALARIES_DUE = "421"
URSSAF = "431"
OTHER_SOCIAL = "437"
INCOME_TAX_WITHHELD = "4421"
VAT_DUE = "44551"
VAT_DEDUCTIBLE = "44566"
VAT_COLLECTED = "44571"
VAT_PENDING = "44574"  # collected on services, due when the customer pays (CGI art. 269-2-c)
BANK = "512"
SERVICES = "706"
GOODS = "707"
ANCILLARY = "708"
SALARIES = "6411"
SOCIAL_CHARGES = "645"
CONTRIBUTION_CHARGE = "6586"  # internal: cancels out with 7586 in the general ledger (DOMAIN.md §2.1)
CONTRIBUTION_INCOME = "7586"
OPENING_EQUITY = "110"
LIAISON = "181"  # between sections: the contribution carried by the opening entries (see ledger.opening)

DEFAULT_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("101", "Capital"),
    ("1013", "Capital souscrit, appelé, versé (parts sociales)"),
    ("1061", "Réserve légale"),
    ("1068", "Autres réserves (réserves impartageables)"),
    ("110", "Report à nouveau"),
    ("120", "Résultat de l'exercice (bénéfice)"),
    ("129", "Résultat de l'exercice (perte)"),
    ("151", "Provisions pour risques"),
    ("181", "Comptes de liaison entre sections (contribution cumulée)"),
    ("2183", "Matériel de bureau et informatique"),
    ("28183", "Amortissements du matériel de bureau"),
    ("401", "Fournisseurs"),
    ("408", "Fournisseurs, factures non parvenues"),
    ("411", "Clients"),
    ("416", "Clients douteux"),
    ("418", "Clients, produits non encore facturés"),
    ("4191", "Clients, avances et acomptes reçus"),
    ("421", "Personnel, rémunérations dues"),
    ("425", "Personnel, avances et acomptes"),
    ("431", "Sécurité sociale (URSSAF)"),
    ("437", "Autres organismes sociaux (retraite, prévoyance)"),
    ("4421", "Prélèvement à la source"),
    ("44551", "TVA à décaisser"),
    ("44562", "TVA déductible sur immobilisations"),
    ("44566", "TVA déductible sur autres biens et services"),
    ("44567", "Crédit de TVA à reporter"),
    ("44571", "TVA collectée"),
    ("44574", "TVA collectée sur encaissements, en attente"),
    ("455", "Associés, comptes courants"),
    ("467", "Autres comptes débiteurs ou créditeurs"),
    ("512", "Banque"),
    ("580", "Virements internes"),
    ("601", "Achats de matières premières et fournitures"),
    ("604", "Achats de prestations de services (sous-traitance)"),
    ("606", "Achats non stockés de matières et fournitures"),
    ("607", "Achats de marchandises"),
    ("611", "Sous-traitance générale"),
    ("613", "Locations"),
    ("615", "Entretien et réparations"),
    ("616", "Primes d'assurance"),
    ("618", "Documentation et divers"),
    ("622", "Rémunérations d'intermédiaires et honoraires"),
    ("623", "Publicité, publications, relations publiques"),
    ("625", "Déplacements, missions et réceptions"),
    ("6251", "Voyages et déplacements (indemnités kilométriques)"),
    ("6257", "Réceptions et repas"),
    ("626", "Frais postaux et de télécommunications"),
    ("627", "Services bancaires"),
    ("628", "Divers (cotisations, autres services)"),
    ("6333", "Participation des employeurs à la formation professionnelle continue"),
    ("635", "Autres impôts, taxes et versements assimilés"),
    ("6411", "Salaires, appointements"),
    ("6412", "Congés payés"),
    ("645", "Charges de sécurité sociale et de prévoyance"),
    ("647", "Autres charges sociales"),
    ("6541", "Créances irrécouvrables"),
    ("6586", "Contribution coopérative versée (interne)"),
    ("661", "Charges d'intérêts"),
    ("671", "Charges exceptionnelles sur opérations de gestion"),
    ("6811", "Dotations aux amortissements"),
    ("706", "Prestations de services"),
    ("707", "Ventes de marchandises"),
    ("708", "Produits des activités annexes"),
    ("74", "Subventions d'exploitation"),
    ("758", "Produits divers de gestion courante"),
    ("7586", "Contribution coopérative reçue (interne)"),
    ("764", "Revenus des valeurs mobilières de placement"),
    ("771", "Produits exceptionnels sur opérations de gestion"),
    ("7815", "Reprises sur provisions pour risques"),
    ("791", "Transferts de charges"),
)

# (code, label, kind)
DEFAULT_JOURNALS: tuple[tuple[str, str, str], ...] = (
    ("VT", "Ventes", "sales"),
    ("HA", "Achats", "purchases"),
    ("BQ", "Banque", "bank"),
    ("PA", "Paie", "payroll"),
    ("OD", "Opérations diverses", "misc"),
    ("AN", "À-nouveaux", "opening"),
)

STRUCTURE_SECTION = "STRUCTURE"
DEFAULT_SECTIONS: tuple[tuple[str, str], ...] = (
    (STRUCTURE_SECTION, "Structure (fonctionnement de la coopérative)"),
)


def install(account_model, journal_model, section_model) -> None:
    """Create what is missing of the default chart (used by the migration with historical models)."""
    account_model.objects.bulk_create(
        [account_model(code=code, label=label) for code, label in DEFAULT_ACCOUNTS], ignore_conflicts=True
    )
    journal_model.objects.bulk_create(
        [journal_model(code=code, label=label, kind=kind) for code, label, kind in DEFAULT_JOURNALS],
        ignore_conflicts=True,
    )
    section_model.objects.bulk_create(
        [section_model(code=code, name=name) for code, name in DEFAULT_SECTIONS], ignore_conflicts=True
    )


def ensure_chart() -> None:
    from comptabilite.models import Account, AnalyticSection, Journal

    install(Account, Journal, AnalyticSection)
