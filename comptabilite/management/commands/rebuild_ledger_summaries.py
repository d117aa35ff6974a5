"""Recompute the per-section monthly and yearly summaries from the ledger lines and report any difference."""

from django.core.management.base import BaseCommand

from comptabilite.ledger.summaries import rebuild


class Command(BaseCommand):
    help = (
        "Recalcule les synthèses mensuelles et annuelles des sections depuis les écritures "
        "et signale les écarts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Signaler les écarts sans corriger (code de sortie 1 si écart).",
        )

    def handle(self, *args, check=False, **options):
        found = rebuild(apply=not check)
        for difference in found[:200]:
            period = (
                f"{difference.year}"
                if difference.month is None
                else f"{difference.year}-{difference.month:02d}"
            )
            self.stdout.write(
                f"section {difference.section_id} {period} "
                f"{difference.column}: "
                f"enregistré {difference.stored}, recalculé {difference.expected}"
            )
        if len(found) > 200:
            self.stdout.write(f"… et {len(found) - 200} autres écarts")
        if not found:
            self.stdout.write("Synthèses conformes au grand livre.")
        elif check:
            raise SystemExit(1)
        else:
            self.stdout.write(f"{len(found)} écart(s) corrigé(s).")
