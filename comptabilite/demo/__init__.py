"""Demo invoices of the reference cooperative, registered in ``coodyssee.demo.DEMO_STEPS`` after the journeys.

Deterministic (seeded) and written with ``bulk_create``; no PDF is rendered (a demo document's PDF is
rendered on its first download). What it builds:

- 2017: 2,386 issued invoices totalling 979,000.00 € excl. VAT, no credit note, for the 103 people
  present in 2017 (each has at least one invoice dated while present), all paid; the largest activities
  get a degressive 8 % contribution rate so that the contract's mutualisation figures come out exactly
  (103,333.00 €, 103 contributors, 13 between 2,000 and 4,000 €, 26 under 300 €) — see ``amounts``.
- every other year since 2009, up to today: a few invoices per person present, all paid before the
  current year; in the current year the older ones mostly paid, some partly, some overdue with the
  reminders the daily run would have sent;
- around today: documents in every state for the demo accounts (``showcase``).

Idempotent: a second run finds the demo people's documents and adds nothing.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from stdnum.fr import siret as siret_number

from comptabilite.demo.builder import Builder
from comptabilite.demo.history import REPORT_YEAR, Presence, build_2017, build_year, past_reminders
from comptabilite.demo.showcase import build_showcase
from comptabilite.models import Invoice
from comptabilite.services.dunning import dunning_levels_ensure_defaults, dunning_prepare
from coodyssee.models import Cooperative, User
from entrepreneurs.models import PRESENT_STATUSES, Activity, ActivityKind, Entrepreneur

SEED = 4242
REF_PREFIX = "COO-"
FIRST_YEAR = 2009
LUCIE_EMAIL = "entrepreneur@demo.coodyssee.fr"
ACCOUNTANT_EMAIL = "comptabilite@demo.coodyssee.fr"
DAY = datetime.timedelta(days=1)


def _complete_cooperative(cooperative: Cooperative) -> None:
    """Fill the invoicing identity of the demo cooperative where it is blank (fictitious values)."""
    changed = []
    if not cooperative.siret and cooperative.siren:
        for nic in range(10, 100):
            candidate = f"{cooperative.siren}{nic:05d}"
            if siret_number.is_valid(candidate):
                cooperative.siret = candidate
                changed.append("siret")
                break
    for name, value in (("rcs_city", "Gap"), ("ape_code", "7022Z"), ("bic", "CCOPFRPPXXX")):
        if not getattr(cooperative, name):
            setattr(cooperative, name, value)
            changed.append(name)
    if not cooperative.iban:
        cooperative.iban = "FR7642559100000812345676095"
        changed.append("iban")
    if changed:
        cooperative.save(update_fields=changed)


def _presences(today: datetime.date, cooperative: Cooperative) -> list[Presence]:
    people = (
        Entrepreneur.objects.filter(ref__startswith=REF_PREFIX, entry_date__isnull=False)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=Activity.objects.filter(kind=ActivityKind.INDIVIDUAL).order_by("pk"),
                to_attr="individual_activities",
            )
        )
        .order_by("ref")
    )
    default = cooperative.default_contribution_rate or Decimal("12.00")
    presences = []
    for person in people:
        if not person.individual_activities:
            continue
        end = person.exit_date - DAY if person.exit_date else today
        if end < person.entry_date:
            continue
        rate = person.contribution_rate if person.contribution_rate is not None else default
        presences.append(Presence(person, person.individual_activities[0], person.entry_date, end, rate))
    return presences


def load_invoices() -> None:
    if Invoice.objects.filter(entrepreneur__ref__startswith=REF_PREFIX).exists():
        return
    cooperative = Cooperative.objects.order_by("pk").first()
    if cooperative is None:
        return
    today = timezone.localdate()
    rng = random.Random(SEED)
    _complete_cooperative(cooperative)
    if not cooperative.default_contribution_rate:
        # The figures of the report need a contribution: the reference cooperative's 12 %.
        cooperative.default_contribution_rate = Decimal("12.00")
        cooperative.save(update_fields=["default_contribution_rate"])
    levels = dunning_levels_ensure_defaults()
    accountant = User.objects.filter(email=ACCOUNTANT_EMAIL).first()
    presences = _presences(today, cooperative)
    builder = Builder(cooperative=cooperative, rng=rng, today=today, accountant=accountant)

    large_rates = build_2017(builder, presences, rng)
    for year in range(FIRST_YEAR, today.year + 1):
        if year != REPORT_YEAR:
            build_year(builder, presences, year, rng)
    past_reminders(builder, [level for level in levels if level.is_active])
    current = [p for p in presences if p.person.status in PRESENT_STATUSES and p.end >= today - 120 * DAY]
    lucie = next((p for p in current if p.person.user and p.person.user.email == LUCIE_EMAIL), None)
    if lucie is not None:
        others = [p for p in current if p is not lucie and p.start <= today - 200 * DAY]
        build_showcase(builder, lucie, rng.sample(others, min(len(others), 25)), levels)
    builder.save()

    people = {p.person.pk: p.person for p in presences}
    changed = []
    for key, rate in large_rates.items():
        people[key].contribution_rate = rate
        changed.append(people[key])
    Entrepreneur.objects.bulk_update(changed, ["contribution_rate"])
    dunning_prepare(today=today)
