"""Post many issued documents and their payments at once (CSV import of the history; loaders).

The entries are the live postings' (``automatic.invoice_entry_spec`` / ``payment_entry_spec``), with the
contribution rate resolved as ``automatic.contribution_rate`` does, but with the rules and sections read once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from comptabilite.ledger import chart
from comptabilite.ledger.automatic import contribution_rule_rate, invoice_entry_spec, payment_entry_spec
from comptabilite.ledger.bulk import BulkLedger
from comptabilite.models import AnalyticSection, ContributionRule, DocumentKind
from coodyssee.money import ZERO
from entrepreneurs.models import Activity


def activity_sections(activity_ids: Iterable[int]) -> dict[int, int]:
    """``{activity id: section id}``, creating the sections that are missing (bulk-inserted activities)."""
    wanted = set(activity_ids)
    found = dict(AnalyticSection.objects.filter(activity_id__in=wanted).values_list("activity_id", "pk"))
    missing = wanted - set(found)
    if missing:
        AnalyticSection.objects.bulk_create(
            [
                AnalyticSection(code=activity.code, name=activity.name, activity=activity)
                for activity in Activity.objects.filter(pk__in=missing)
            ],
            ignore_conflicts=True,
        )
        found = dict(AnalyticSection.objects.filter(activity_id__in=wanted).values_list("activity_id", "pk"))
    return found


class RateResolver:
    """``contribution_rate`` for many documents, the rules read once."""

    def __init__(self, cooperative):
        self.default = cooperative.default_contribution_rate if cooperative else ZERO
        self.by_activity = defaultdict(list)
        self.cooperative_rules = []
        for rule in ContributionRule.objects.order_by("-starts_on", "-pk"):
            if rule.activity_id is None:
                self.cooperative_rules.append(rule)
            else:
                self.by_activity[rule.activity_id].append(rule)

    def rate(self, activity_id, entrepreneur_rate, date):
        return contribution_rule_rate(
            activity_rules=self.by_activity.get(activity_id, ()),
            entrepreneur_rate=entrepreneur_rate,
            cooperative_rules=self.cooperative_rules,
            default_rate=self.default,
            date=date,
        )


def document_specs(
    documents,
    payments,
    *,
    cooperative,
    sections: dict[int, int],
    structure: int,
    own_rate=lambda document: document.entrepreneur.contribution_rate,
    skip_documents=frozenset(),
    skip_payments=frozenset(),
) -> list:
    """The sales entries of issued ``documents`` and the bank entries of their ``payments`` (any order),
    but those of ``skip_documents`` / ``skip_payments`` (already posted); ``already_paid`` is counted over
    every payment of an invoice in date order. ``own_rate(document)``: the entrepreneur's own rate."""
    resolver = RateResolver(cooperative)
    on_debits = bool(cooperative and cooperative.vat_on_debits)
    by_id = {document.pk: document for document in documents}
    specs = []
    for document in documents:
        if document.pk in skip_documents:
            continue
        date = document.date
        if document.kind == DocumentKind.CREDIT_NOTE and document.credited_invoice_id in by_id:
            date = by_id[document.credited_invoice_id].date
        specs.append(
            invoice_entry_spec(
                document,
                activity_section=sections[document.activity_id],
                structure_section=structure,
                rate=resolver.rate(document.activity_id, own_rate(document), date),
                vat_on_debits=on_debits,
            )
        )
    paid: dict[int, object] = defaultdict(lambda: ZERO)
    for payment in sorted(payments, key=lambda p: (p.date, p.pk or 0)):
        invoice = by_id[payment.invoice_id]
        if payment.pk not in skip_payments:
            specs.append(
                payment_entry_spec(
                    payment,
                    invoice,
                    activity_section=sections[invoice.activity_id],
                    already_paid=paid[invoice.pk],
                    vat_on_debits=on_debits,
                )
            )
        paid[invoice.pk] += payment.amount
    return specs


def post_documents(documents, payments, *, cooperative, ledger: BulkLedger | None = None) -> BulkLedger:
    """Add the entries of issued ``documents`` (with ``entrepreneur`` loaded) and of their ``payments``
    (dated, in any order) to ``ledger`` and flush it."""
    ledger = ledger or BulkLedger(validate=False)
    documents = list(documents)
    if not documents and not payments:
        return ledger
    chart.ensure_chart()
    from comptabilite.ledger.posting import structure_section_id

    ledger.extend(
        document_specs(
            documents,
            payments,
            cooperative=cooperative,
            sections=activity_sections({document.activity_id for document in documents}),
            structure=structure_section_id(),
        )
    )
    ledger.flush()
    return ledger
