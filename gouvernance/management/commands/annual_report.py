import json

from django.core.management.base import BaseCommand, CommandError

from gouvernance.reports import annual_report_data


class Command(BaseCommand):
    help = (
        "Chiffres du rapport d'activité annuel (--json) ; le PDF (--pdf) viendra avec le rapport mis en page."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="Année du rapport, par exemple 2017.")
        output = parser.add_mutually_exclusive_group(required=True)
        output.add_argument(
            "--json", action="store_true", help="Écrire les chiffres en JSON sur la sortie standard."
        )
        output.add_argument("--pdf", metavar="FICHIER", help="Écrire le rapport en PDF dans FICHIER.")

    def handle(self, *args, year, **options):
        if not 1900 <= year <= 2999:
            raise CommandError(f"Année invalide : {year}")
        if options["pdf"]:
            raise CommandError(
                "Le rapport PDF n'est pas encore disponible : utilisez --json pour obtenir les chiffres."
            )
        # The JSON object is the whole of stdout: scripts parse it.
        self.stdout.write(json.dumps(annual_report_data(year), ensure_ascii=False, indent=2))
