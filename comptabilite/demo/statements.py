"""Demo monthly statements: the last three finished months of the demo entrepreneurs who sign in (Lucie
Faure, Jean-Marc Rochebrune), so that "Mes relevés" shows what the 1st of each month produces. Generated
like the monthly run does (PDF stored once), without e-mailing them. Idempotent: existing ones are kept."""

from __future__ import annotations

from django.utils import timezone

from comptabilite.statements import previous_month, statement_generate
from entrepreneurs.models import ActivityMembership

DEMO_EMAILS = ("entrepreneur@demo.coodyssee.fr", "entrepreneur-associe@demo.coodyssee.fr")
MONTHS = 3


def load_statements() -> None:
    activity_ids = sorted(
        set(
            ActivityMembership.objects.filter(entrepreneur__user__email__in=DEMO_EMAILS).values_list(
                "activity_id", flat=True
            )
        )
    )
    year, month = previous_month(timezone.localdate())
    for _index in range(MONTHS):
        for activity_id in activity_ids:
            statement_generate(activity_id=activity_id, year=year, month=month, notify=False)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
