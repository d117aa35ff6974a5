"""The fixed monthly part of the contribution coopérative (DOMAIN.md §2.1: e.g. Coopaname's 30 €/month).

For a month M, every activity whose effective contribution rule has a fixed monthly amount, and one of
whose entrepreneurs is present during M (entered on or before its last day, not gone before its first),
gets one entry dated the last day of M: 6586 on the activity's section against 7586 on the structure's
(the same internal transfer as the contribution on invoices).

Effective rule: the activity's own rule in force on the last day of M, else the cooperative's default rule
(the one with no activity) in force that day. A rule of the activity with no fixed amount therefore
exempts the activity from the cooperative's fixed amount.

Posting twice is impossible: each entry carries ``Entry.key = "fixed-contribution:<activity>:<YYYY-MM>"``,
unique in the ledger; the keys already posted are skipped, and a concurrent run that loses the race on the
unique key skips too. A month already closed in the ledger is left alone.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from comptabilite.ledger import chart
from comptabilite.ledger.posting import (
    EntrySpec,
    Line,
    closed_until,
    journal_code,
    post_entry,
    section_for_activity,
    structure_section_id,
)
from comptabilite.models import AnalyticSection, ContributionRule, Entry
from entrepreneurs.models import ActivityMembership

logger = logging.getLogger(__name__)
SOURCE = "fixed_contribution"


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def entry_key(activity_id: int, year: int, month: int) -> str:
    return f"fixed-contribution:{activity_id}:{year:04d}-{month:02d}"


@dataclass(frozen=True)
class FixedContribution:
    activity_id: int
    entrepreneur_id: int
    amount: Decimal
    rule_id: int


def _rules_in_force(day: datetime.date) -> tuple[dict[int, ContributionRule], ContributionRule | None]:
    """The rule in force on ``day`` of each activity that has one, and the cooperative's default rule."""
    rules = (
        ContributionRule.objects.filter(starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .order_by("-starts_on", "-pk")
    )
    by_activity: dict[int, ContributionRule] = {}
    default = None
    for rule in rules:
        if rule.activity_id is None:
            default = default or rule
        else:
            by_activity.setdefault(rule.activity_id, rule)
    return by_activity, default


def present_members(year: int, month: int) -> dict[int, int]:
    """``{activity_id: entrepreneur_id}``: each activity with one of its members present in the month."""
    first, last = month_bounds(year, month)
    rows = (
        ActivityMembership.objects.filter(entrepreneur__entry_date__lte=last)
        .filter(Q(entrepreneur__exit_date__isnull=True) | Q(entrepreneur__exit_date__gte=first))
        .order_by("activity_id", "entrepreneur_id")
        .values_list("activity_id", "entrepreneur_id")
    )
    present: dict[int, int] = {}
    for activity_id, entrepreneur_id in rows:
        present.setdefault(activity_id, entrepreneur_id)
    return present


def fixed_contributions_due(year: int, month: int) -> list[FixedContribution]:
    """What month ``year``-``month`` owes in fixed contributions (posted or not)."""
    _first, last = month_bounds(year, month)
    by_activity, default = _rules_in_force(last)
    present = present_members(year, month)
    due = []
    for activity_id in sorted(present):
        rule = by_activity.get(activity_id, default)
        if rule is not None and rule.fixed_monthly > 0:
            due.append(FixedContribution(activity_id, present[activity_id], rule.fixed_monthly, rule.pk))
    return due


def fixed_contribution_spec(
    item: FixedContribution, *, year: int, month: int, activity_section: int, structure_section: int
) -> EntrySpec:
    _first, last = month_bounds(year, month)
    label = _("Contribution coopérative fixe %(month)s") % {"month": f"{month:02d}/{year}"}
    return EntrySpec(
        journal=journal_code("misc"),
        date=last,
        label=label,
        lines=[
            Line(chart.CONTRIBUTION_CHARGE, activity_section, debit=item.amount, label=label),
            Line(chart.CONTRIBUTION_INCOME, structure_section, credit=item.amount, label=label),
        ],
        piece_ref=f"CF{year:04d}{month:02d}-{item.activity_id}",
        piece_date=last,
        source=SOURCE,
        entrepreneur_id=item.entrepreneur_id,
        key=entry_key(item.activity_id, year, month),
    )


def post_fixed_contributions(*, year: int, month: int, by=None) -> list[Entry]:
    """Post the month's fixed contributions not posted yet; returns the entries written (safe to rerun)."""
    _first, last = month_bounds(year, month)
    closed = closed_until()
    if closed is not None and last <= closed:
        logger.info("Contribution fixe %s-%02d : période clôturée, rien n'est passé", year, month)
        return []
    due = fixed_contributions_due(year, month)
    if not due:
        return []
    keys = {entry_key(item.activity_id, year, month) for item in due}
    posted_keys = set(Entry.objects.filter(key__in=keys).values_list("key", flat=True))
    sections = dict(
        AnalyticSection.objects.filter(activity_id__in=[item.activity_id for item in due]).values_list(
            "activity_id", "pk"
        )
    )
    structure = structure_section_id()
    written = []
    for item in due:
        if entry_key(item.activity_id, year, month) in posted_keys:
            continue
        section = sections.get(item.activity_id) or section_for_activity(item.activity_id)
        spec = fixed_contribution_spec(
            item, year=year, month=month, activity_section=section, structure_section=structure
        )
        try:
            with transaction.atomic():
                written.append(post_entry(spec, by=by, closed=closed))
        except IntegrityError:
            # Another run posted the same key in the meantime: the unique key keeps the ledger right.
            continue
    return written
