from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coodyssee.importing import run_import_directory


class Command(BaseCommand):
    help = (
        "Importe l'historique d'une coopérative depuis les fichiers CSV d'un dossier "
        "(format décrit dans docs/import-format.md). Tout ou rien ; réimporter ne change rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Dossier contenant cooperative.csv, entrepreneurs.csv, etc.")

    def handle(self, *args, directory, **options):
        path = Path(directory)
        if not path.is_dir():
            raise CommandError(f"Dossier introuvable : {directory}")
        result = run_import_directory(path)
        for name in result.ignored:
            self.stderr.write(f"{name}: ignoré (ce fichier n'est pas encore pris en charge)")
        if not result.reports:
            raise CommandError(f"Aucun fichier à importer dans {directory}.")
        if not result.ok:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(result.errors)} erreur(s) : import annulé, rien n'a été enregistré.")
        for report in result.reports:
            self.stdout.write(report.summary)
