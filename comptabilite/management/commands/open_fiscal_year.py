"""Post the opening entries (à-nouveaux) of a year from the balances at the end of the previous one."""

from django.core.management.base import BaseCommand, CommandError

from comptabilite.ledger.opening import open_year
from coodyssee.errors import DomainError


class Command(BaseCommand):
    help = "Passe les à-nouveaux de l'exercice YEAR (soldes de bilan au 31/12/YEAR-1, résultat en 120/129)."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year, **options):
        try:
            entry = open_year(year)
        except DomainError as error:
            raise CommandError(error.message) from None
        lines = entry.lines.count()
        self.stdout.write(f"{entry.fec_number} : {lines} lignes d'à-nouveaux au 01/01/{year}.")
