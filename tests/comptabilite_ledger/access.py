"""Records of the ledger pages for the access matrix of tests/coodyssee/test_access.py: an entry and a
contribution rule (staff pages only: every other role is refused by the permission)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from comptabilite.ledger.posting import EntrySpec, Line, post_entry, structure_section_id
from comptabilite.models import ContributionRule


def ledger_objects(personas) -> dict:
    section = structure_section_id()
    entry = post_entry(
        EntrySpec(
            journal="OD",
            date=datetime.date(2017, 6, 1),
            label="Écriture de l'accès",
            lines=[Line("512", section, debit=Decimal("10")), Line("758", section, credit=Decimal("10"))],
        )
    )
    rule = ContributionRule.objects.create(starts_on=datetime.date(2030, 1, 1), rate=Decimal("11"))
    return {"ledger_entry": entry, "contribution_rule": rule}
