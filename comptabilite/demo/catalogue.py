"""What the demo activities sell, and the fictitious customers they sell to (word lists, no database)."""

from __future__ import annotations

import random
from decimal import Decimal

from stdnum import luhn

from comptabilite.models import CustomerKind, OperationCategory, VatExemption

# What each demo activity (entrepreneurs.demo.names.ACTIVITY_NAMES) sells: "name | VAT rate today | operation
# category", then its items "description / unit / unit price" indented below. Rates: 10 % renovation of
# homes, 5.5 % food, 0 % vocational training and teaching (art. 261 du CGI), 20 % otherwise.
_TABLE = """
Graphisme et illustration | 20 | services
    Création de logo et charte graphique /  / 650
    Illustration /  / 180
Menuiserie et agencement | 10 | mixed
    Fabrication et pose d'un placard /  / 1450
    Main-d'œuvre menuiserie / h / 45
Traduction anglais-italien | 20 | services
    Traduction anglais → français / mot / 0.12
    Relecture / h / 38
Photographie | 20 | services
    Reportage photo / jour / 420
    Tirages d'art /  / 35
Maraîchage biologique | 5.5 | goods
    Panier de légumes biologiques /  / 18
    Légumes de saison (vente en gros) / kg / 3.2
Accompagnateur en montagne | 20 | services
    Sortie raquettes accompagnée / jour / 260
    Randonnée encadrée / demi-journée / 150
Conseil en communication | 20 | services
    Accompagnement stratégie de communication / jour / 480
    Atelier réseaux sociaux / h / 70
Couture et retouches | 20 | mixed
    Retouches /  / 15
    Confection de rideaux /  / 120
Création de sites web | 20 | services
    Création de site internet /  / 1800
    Maintenance du site / mois / 45
Formation bureautique | 0 | services
    Formation tableur niveau 1 / h / 55
    Formation traitement de texte / jour / 390
Massages bien-être | 20 | services
    Séance de massage bien-être /  / 60
    Carte de 5 séances /  / 270
Céramique | 20 | goods
    Service de vaisselle en grès /  / 240
    Bol en céramique /  / 28
Guide de pêche | 20 | services
    Journée de pêche guidée / jour / 280
    Initiation pêche à la mouche / demi-journée / 140
Secrétariat indépendant | 20 | services
    Travaux de secrétariat / h / 32
    Saisie et mise en forme / h / 30
Rénovation écologique | 10 | mixed
    Isolation en fibre de bois / m² / 48
    Enduits chaux-chanvre / m² / 38
Cours de yoga | 20 | services
    Cours de yoga collectif /  / 12
    Stage de yoga / jour / 90
Apiculture | 5.5 | goods
    Miel de lavande / kg / 16
    Pollen / kg / 28
Tapisserie d'ameublement | 20 | mixed
    Réfection d'un fauteuil /  / 380
    Tissu d'ameublement / m / 42
Vidéo et montage | 20 | services
    Tournage / jour / 550
    Montage vidéo / h / 60
Coaching professionnel | 20 | services
    Séance de coaching individuel / h / 90
    Bilan professionnel /  / 600
Cueillette de plantes aromatiques | 5.5 | goods
    Tisane de plantes sauvages /  / 6.5
    Plantes séchées en vrac / kg / 45
Électricité générale | 10 | mixed
    Mise aux normes du tableau électrique /  / 980
    Main-d'œuvre électricité / h / 48
Paysagisme | 20 | mixed
    Entretien d'espaces verts / h / 42
    Création de massif /  / 850
Bijoux fantaisie | 20 | goods
    Collier /  / 35
    Boucles d'oreilles /  / 22
Rédaction web | 20 | services
    Rédaction d'article /  / 120
    Fiches produit /  / 25
Aide administrative aux particuliers | 20 | services
    Aide administrative / h / 30
    Classement de documents / h / 28
Plomberie | 10 | mixed
    Remplacement d'un chauffe-eau /  / 1150
    Main-d'œuvre plomberie / h / 48
Savonnerie artisanale | 20 | goods
    Savon saponifié à froid /  / 6
    Coffret de savons /  / 32
Restauration de meubles | 20 | mixed
    Restauration d'une commode /  / 520
    Décapage et cirage / h / 40
Cours de musique | 0 | services
    Cours de guitare / h / 32
    Stage de musique d'ensemble / jour / 85
Ferronnerie d'art | 20 | goods
    Garde-corps en fer forgé / m / 320
    Portail forgé /  / 2400
Conseil en énergie | 20 | services
    Audit énergétique /  / 850
    Accompagnement de projet / jour / 450
Garde d'animaux | 20 | services
    Garde de chien / jour / 22
    Visite à domicile /  / 15
Dépannage informatique | 20 | services
    Dépannage informatique / h / 45
    Installation de poste /  / 90
Animation nature | 20 | services
    Animation nature scolaire / demi-journée / 180
    Sortie découverte /  / 240
Sophrologie | 20 | services
    Séance de sophrologie /  / 55
    Atelier collectif /  / 180
Broderie et linge de maison | 20 | goods
    Linge brodé /  / 45
    Nappe brodée /  / 160
Maçonnerie pierre sèche | 10 | mixed
    Mur en pierre sèche / m² / 180
    Main-d'œuvre maçonnerie / h / 42
Traiteur végétarien | 10 | services
    Buffet végétarien / personne / 24
    Plateau-repas /  / 16
Sellerie | 20 | goods
    Selle sur mesure /  / 1900
    Réparation de harnachement /  / 110
"""


def _parse(table: str) -> dict[str, tuple[str, str, tuple[tuple[str, ...], ...]]]:
    catalogue: dict = {}
    for row in table.strip("\n").splitlines():
        if row.startswith(" "):
            name = next(reversed(catalogue))
            rate, category, items = catalogue[name]
            catalogue[name] = (rate, category, (*items, tuple(part.strip() for part in row.split("/"))))
        else:
            name, rate, category = (cell.strip() for cell in row.split("|"))
            catalogue[name] = (rate, category, ())
    return catalogue


CATALOGUE = _parse(_TABLE)
GENERIC = (
    "20",
    OperationCategory.SERVICES,
    (("Prestation de services", "", "300"), ("Intervention", "h", "45")),
)

TOWNS = (
    ("05000", "Gap"), ("05200", "Embrun"), ("05100", "Briançon"), ("05230", "Chorges"), ("05400", "Veynes"),
    ("05300", "Laragne-Montéglin"), ("05700", "Serres"), ("05600", "Guillestre"), ("05130", "Tallard"),
    ("05500", "Saint-Bonnet-en-Champsaur"), ("05160", "Savines-le-Lac"), ("05120", "L'Argentière-la-Bessée"),
    ("04200", "Sisteron"), ("38000", "Grenoble"), ("13001", "Marseille"), ("26000", "Valence"),
)  # fmt: skip
STREETS = (
    "rue de la République", "avenue Jean Jaurès", "chemin des Prés", "place de l'Église", "route de Briançon",
    "rue du Centre", "impasse des Lilas", "boulevard de la Libération", "rue des Écoles", "allée des Mélèzes",
    "chemin du Moulin", "rue Carnot", "route de Grenoble", "place du Marché", "rue des Alpes",
)  # fmt: skip
BUSINESSES = (
    "Boulangerie", "Gîte", "Camping", "Atelier", "Restaurant", "Cabinet", "Librairie", "Ferme", "Garage",
    "Hôtel", "Agence", "Chalet", "Épicerie", "Menuiserie", "Auberge", "Domaine", "Studio", "Bergerie",
    "Fromagerie", "Refuge",
)  # fmt: skip
PLACES = (
    "des Écrins", "du Lac", "des Mélèzes", "de la Durance", "du Buëch", "des Cimes", "du Queyras",
    "de Serre-Ponçon", "du Dévoluy", "des Trois Vallées", "du Champsaur", "des Alpages", "du Col",
    "des Marmottes", "des Edelweiss", "du Vieux Moulin", "de la Source", "du Torrent", "des Sapins",
    "du Soleil",
)  # fmt: skip
LEGAL_FORMS = ("SARL", "SAS", "EURL", "SCOP", "")
PUBLIC = (
    "Mairie de",
    "Office de tourisme de",
    "Comité des fêtes de",
    "Association sportive de",
    "Collège de",
)

RETURN_COMMENTS = (
    "Merci d'indiquer la date de la prestation et le détail des heures sur la première ligne.",
    "L'adresse du client est incomplète : il manque le code postal.",
    "Le taux de TVA ne correspond pas à votre activité, merci de vérifier avec nous.",
)


def vat_rate_in(rate_today: Decimal, year: int) -> Decimal:
    """The rate the same sale carried in ``year`` (19.6 % and 7 % before 2014, 5.5 % before 2012)."""
    if year >= 2014 or rate_today in (Decimal("0"), Decimal("5.5")):
        return rate_today
    if rate_today == Decimal("20"):
        return Decimal("19.6")
    return Decimal("7") if year >= 2012 else Decimal("5.5")


def exemption_for(rate: Decimal) -> str:
    return VatExemption.EXEMPT_261 if rate == 0 else ""


def fake_siren(rng: random.Random) -> str:
    body = str(rng.randint(30_000_000, 99_999_999))
    return body + luhn.calc_check_digit(body)


def fake_siret(siren: str, rng: random.Random) -> str:
    while True:
        nic = f"{rng.randint(1, 99):03d}"
        body = siren + "0" + nic
        siret = body + luhn.calc_check_digit(body)
        if len(siret) == 14:
            return siret


def customer_values(rng: random.Random, first_names, last_names) -> dict:
    """Fields of a fictitious customer: a local business, a public body or a private person."""
    postcode, city = rng.choice(TOWNS)
    address = f"{rng.randint(1, 48)} {rng.choice(STREETS)}"
    roll = rng.random()
    if roll < 0.22:
        first, last = rng.choice(first_names), rng.choice(last_names)
        name = f"{rng.choice(('Mme', 'M.'))} {first} {last}"
        return {
            "kind": CustomerKind.PERSON,
            "name": name,
            "address_line1": address,
            "postcode": postcode,
            "city": city,
        }
    if roll < 0.35:
        name = f"{rng.choice(PUBLIC)} {city}"
    else:
        legal = rng.choice(LEGAL_FORMS)
        name = f"{legal} {rng.choice(BUSINESSES)} {rng.choice(PLACES)}".strip()
    siren = fake_siren(rng)
    slug = "".join(c for c in city.lower() if c.isalpha())[:12]
    return {
        "kind": CustomerKind.COMPANY,
        "name": name,
        "address_line1": address,
        "postcode": postcode,
        "city": city,
        "siren": siren,
        "siret": fake_siret(siren, rng),
        "email": f"compta.{siren[-4:]}@{slug}.example",
    }
