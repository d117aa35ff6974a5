"""Word lists for the fictitious people and activities of the demo data (see ``entrepreneurs.demo``)."""

FIRST_NAMES = (
    "Adèle", "Agathe", "Alain", "Alexandre", "Alice", "Amandine", "Anaïs", "André", "Anne", "Antoine",
    "Armelle", "Arnaud", "Aurélie", "Baptiste", "Bastien", "Béatrice", "Benoît", "Bertrand", "Brigitte",
    "Camille", "Carole", "Catherine", "Cédric", "Céline", "Chantal", "Charlotte", "Christophe", "Clément",
    "Coralie", "Damien", "Delphine", "Denis", "Didier", "Dominique", "Élodie", "Émilie", "Emmanuel",
    "Éric", "Estelle", "Étienne", "Fabien", "Fabienne", "Florence", "Florian", "Françoise", "Frédéric",
    "Gaëlle", "Gaëtan", "Geneviève", "Gilles", "Grégoire", "Guillaume", "Hélène", "Hugo", "Isabelle",
    "Jacques", "Jeanne", "Jérôme", "Joëlle", "Julien", "Juliette", "Karine", "Laetitia", "Laure",
    "Laurent", "Léa", "Louis", "Lucas", "Magali", "Manon", "Marc", "Margaux", "Marine", "Martine",
    "Mathieu", "Maxime", "Mélanie", "Michel", "Muriel", "Nadège", "Nathalie", "Nicolas", "Noémie",
    "Olivier", "Pascale", "Patrick", "Pauline", "Philippe", "Pierre", "Rachel", "Raphaël", "Rémi",
    "Romain", "Sabine", "Samuel", "Sandrine", "Sébastien", "Séverine", "Simon", "Solène", "Stéphane",
    "Sylvie", "Thierry", "Thomas", "Valérie", "Vincent", "Virginie", "Xavier", "Yann", "Yvette", "Zoé",
)  # fmt: skip

LAST_NAMES = (
    "Achard", "Allemand", "Arnaud", "Aubert", "Audibert", "Bellon", "Bernard", "Blanc", "Bonnardel",
    "Borel", "Bouchet", "Brun", "Chabrand", "Chaix", "Chauvet", "Chevalier", "Clément", "Colomb",
    "Combe", "Daumas", "Davin", "Disdier", "Dumas", "Escallier", "Eyraud", "Fabre", "Faure", "Ferrary",
    "Gaillard", "Garcin", "Gauthier", "Giraud", "Gondre", "Grimaud", "Guigues", "Hermitte", "Imbert",
    "Jacob", "Jouve", "Julien", "Lagier", "Laurent", "Martin", "Martinon", "Maurel", "Meyer", "Michel",
    "Milliard", "Motte", "Nicolas", "Oddou", "Pascal", "Pellegrin", "Pérès", "Peyrot", "Philip",
    "Pons", "Provensal", "Queyras", "Rambaud", "Ravel", "Reynaud", "Richaud", "Rolland", "Rostain",
    "Roux", "Sarrazin", "Savornin", "Sibille", "Silvestre", "Tardieu", "Tron", "Turc", "Vallon",
    "Vasserot", "Vial", "Vieux", "Villard", "Vincent", "Xueref",
)  # fmt: skip

ACTIVITY_NAMES = (
    "Graphisme et illustration", "Menuiserie et agencement", "Traduction anglais-italien", "Photographie",
    "Maraîchage biologique", "Accompagnateur en montagne", "Conseil en communication", "Couture et retouches",
    "Création de sites web", "Formation bureautique", "Massages bien-être", "Céramique", "Guide de pêche",
    "Secrétariat indépendant", "Rénovation écologique", "Cours de yoga", "Apiculture",
    "Tapisserie d'ameublement",
    "Vidéo et montage", "Coaching professionnel", "Cueillette de plantes aromatiques", "Électricité générale",
    "Paysagisme", "Bijoux fantaisie", "Rédaction web", "Aide administrative aux particuliers", "Plomberie",
    "Savonnerie artisanale", "Restauration de meubles", "Cours de musique", "Ferronnerie d'art",
    "Conseil en énergie", "Garde d'animaux", "Dépannage informatique", "Animation nature", "Sophrologie",
    "Broderie et linge de maison", "Maçonnerie pierre sèche", "Traiteur végétarien", "Sellerie",
)  # fmt: skip

EXIT_NOTES = {
    "company_creation": "Création de sa propre société pour développer l'activité.",
    "salaried_job": "A retrouvé un emploi salarié dans sa branche.",
    "retirement": "Départ en retraite.",
}

APPOINTMENT_NOTES = (
    "Point sur le chiffre d'affaires et les devis en cours.",
    "Préparation du prévisionnel de l'année.",
    "Suivi de la trésorerie de l'activité et de la rémunération.",
    "Travail sur la stratégie commerciale et les tarifs.",
    "Bilan de la période, objectifs du prochain trimestre.",
    "Point sur les démarches d'assurance et la facturation.",
)
