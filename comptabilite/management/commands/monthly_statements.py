"""Post the month's fixed contributions and generate the monthly statements (what Celery beat runs on the
1st), for the month just ended or the one given. Safe to run again: nothing is done twice."""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError

from comptabilite import contribution, statements
from coodyssee.audit import acting_as
from coodyssee.errors import DomainError

_MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$")


class Command(BaseCommand):
    help = "Établit les relevés mensuels des activités (et passe les contributions fixes du mois)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="Mois à traiter, AAAA-MM (par défaut : le mois précédent).")

    def handle(self, *args, month=None, **options):
        if month:
            match = _MONTH.match(month)
            if not match:
                raise CommandError("--month attend AAAA-MM, par exemple 2026-03.")
            year, number = int(match["year"]), int(match["month"])
        else:
            year, number = statements.previous_month()
        try:
            statements.check_month_over(year, number)
            with acting_as("relevés mensuels"):
                posted = contribution.post_fixed_contributions(year=year, month=number)
                run = statements.statements_generate(year=year, month=number)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"{year}-{number:02d} : {len(posted)} contribution(s) fixe(s) passée(s), "
            f"{len(run.created)} relevé(s) établi(s), {len(run.existing)} déjà établi(s)"
            + (f", {len(run.failed)} en échec (activités {run.failed})" if run.failed else "")
            + "."
        )
        if run.failed:
            raise SystemExit(1)
