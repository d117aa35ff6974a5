from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from coodyssee.audit import acting_as
from coodyssee.demo import DEMO_PASSWORD, DEMO_PEOPLE, load_demo
from coodyssee.permissions import Role


class Command(BaseCommand):
    help = "Charge les données de démonstration de la coopérative de référence (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Ne pas afficher les identifiants.")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "load_demo refuses to run with DJANGO_ENV=production: demo passwords are public."
            )
        with acting_as("données de démonstration"):
            load_demo()
        if connection.vendor == "postgresql":
            # Fresh statistics for the tables just filled in bulk: without them the planner takes the
            # demo's thousands of invoices for a handful, until autovacuum comes by (a 4 ms query, not 0.1).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if options["quiet_logins"]:
            return
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        self.stdout.write(f"Identifiants de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
        for person in DEMO_PEOPLE:
            roles = ", ".join(str(Role(role).label) for role in person.roles)
            self.stdout.write(f"  {person.email:<42} {roles}")
