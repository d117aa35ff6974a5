"""Write the FEC of a financial year (``export_fec 2017 --output DIR``), optionally checking it (``--check``),
or check an existing file (``export_fec --check FILE``)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comptabilite.fec import ENCODINGS, FecError, check_fec, opening_journal, write_fec


def _euros(value) -> str:
    return f"{value:.2f}".replace(".", ",")


class Command(BaseCommand):
    help = (
        "Écrit le fichier des écritures comptables (FEC) d'un exercice : SIRENFECAAAAMMJJ.txt dans DIR. "
        "Avec --check, vérifie le fichier écrit (ou le fichier donné)."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", nargs="?", type=int, help="exercice (année civile)")
        parser.add_argument("--output", default=".", help="dossier où écrire le fichier (défaut : .)")
        parser.add_argument("--encoding", default="utf-8", choices=ENCODINGS, help="encodage (défaut utf-8)")
        parser.add_argument(
            "--check",
            nargs="?",
            const=True,
            default=False,
            metavar="FICHIER",
            help="vérifier le fichier écrit, ou le FICHIER donné sans rien exporter",
        )

    def handle(self, *args, year=None, output=".", encoding="utf-8", check=False, **options):
        if year is None and not isinstance(check, str):
            raise CommandError("Indiquez l'exercice (export_fec 2017 --output DIR) ou --check FICHIER.")
        if year is not None:
            if not 1900 < year < 2200:
                raise CommandError(f"Exercice invalide : {year}.")
            try:
                result = write_fec(year, output, encoding=encoding)
            except FecError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(str(result.path))
            self.stdout.write(
                f"{result.records} lignes, débit {_euros(result.debit)}, crédit {_euros(result.credit)}"
            )
            path = result.path
        if isinstance(check, str):
            path = Path(check)
            if not path.is_file():
                raise CommandError(f"Fichier introuvable : {path}")
        if check:
            self._check(path, encoding)

    def _check(self, path: Path, encoding: str) -> None:
        try:
            found = check_fec(path, encoding=encoding, opening_journal_code=opening_journal())
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} : encodage illisible en {encoding} ({error}).") from None
        self.stdout.write(
            f"Vérification : {found.records} lignes, {found.entries} écritures, "
            f"débit {_euros(found.debit)}, crédit {_euros(found.credit)}"
        )
        for message in found.errors:
            self.stdout.write(f"  {message}")
        if found.error_count > len(found.errors):
            self.stdout.write(f"  … et {found.error_count - len(found.errors)} autres anomalies")
        if not found.ok:
            raise CommandError(f"FEC non conforme : {found.error_count} anomalie(s).")
        self.stdout.write("FEC conforme.")
