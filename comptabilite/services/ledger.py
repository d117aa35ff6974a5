"""Writes of the accountant's ledger pages: manual entries and reversals, the chart of accounts, the closing
date, the VAT period and the contribution rules. Keyword-only, one transaction each, ``DomainError`` when a
rule is broken (the view shows it on the form), ``PermissionDenied`` when the person may not act.

Posting goes through ``comptabilite.ledger.posting`` (balance, accounts, closed period, numbering).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from comptabilite.ledger import chart, posting
from comptabilite.ledger.opening import open_year
from comptabilite.models import Account, AnalyticSection, ContributionRule, Entry, Journal
from coodyssee.errors import DomainError
from coodyssee.models import Cooperative
from coodyssee.money import ZERO
from coodyssee.permissions import check_perm

# PCG: the first three characters are digits of a class 1–8 (FEC "CompteNum"); then digits or capitals.
ACCOUNT_CODE = re.compile(r"^[1-8][0-9]{2}[0-9A-Z]{0,17}$")

# Accounts the automatic postings write to: deactivating one would make invoices, payments, expenses or
# payroll fail to post.
AUTOMATIC_ACCOUNTS = frozenset(
    {
        chart.CUSTOMERS,
        chart.SUPPLIERS,
        chart.SALARIES_DUE,
        chart.URSSAF,
        chart.OTHER_SOCIAL,
        chart.INCOME_TAX_WITHHELD,
        chart.VAT_DEDUCTIBLE,
        chart.VAT_COLLECTED,
        chart.VAT_PENDING,
        chart.BANK,
        chart.SERVICES,
        chart.GOODS,
        chart.SALARIES,
        chart.SOCIAL_CHARGES,
        chart.CONTRIBUTION_CHARGE,
        chart.CONTRIBUTION_INCOME,
        chart.OPENING_EQUITY,
    }
)

MANUAL_SOURCE = "manual"


def _cooperative_locked() -> Cooperative:
    cooperative = Cooperative.objects.select_for_update().order_by("pk").first()
    if cooperative is None:
        raise DomainError(_("La coopérative n'est pas encore enregistrée."))
    return cooperative


# --- entries ----------------------------------------------------------------------------------------------


@dataclass
class ManualLine:
    account: str
    section: str  # section code, as typed
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    label: str = ""


def manual_entry_post(
    *,
    by,
    journal: str,
    date: datetime.date,
    label: str,
    lines: Sequence[ManualLine],
    piece_ref: str = "",
    piece_date: datetime.date | None = None,
) -> Entry:
    """Post an entry typed by the accountant; refused as a whole (nothing written) when it is unbalanced, in
    a closed period, or names an unknown or disabled account or section."""
    check_perm(by, "ledger.post")
    if not Journal.objects.filter(code=journal).exists():
        raise DomainError(_("Journal inconnu."), field="journal")
    codes = {line.section.strip().upper() for line in lines}
    found = dict(AnalyticSection.objects.filter(code__in=codes).values_list("code", "pk"))
    if missing := sorted(codes - set(found)):
        raise DomainError(_("Section analytique inconnue : %(codes)s.") % {"codes": ", ".join(missing)})
    spec = posting.EntrySpec(
        journal=journal,
        date=date,
        label=label.strip(),
        piece_ref=piece_ref.strip(),
        piece_date=piece_date or date,
        source=MANUAL_SOURCE,
        lines=[
            posting.Line(
                account=line.account.strip().upper(),
                section=found[line.section.strip().upper()],
                debit=line.debit or ZERO,
                credit=line.credit or ZERO,
                label=line.label.strip(),
            )
            for line in lines
        ],
    )
    with transaction.atomic():
        return posting.post_entry(spec, by=by)


def records_a_document(entry: Entry) -> bool:
    """An entry that records an invoice, a payment or an expense is corrected through that document (credit
    note, payment cancellation…), never reversed alone: the document and the ledger would disagree."""
    return bool(entry.invoice_id or entry.payment_id or entry.expense_id)


def entry_reverse(*, by, entry: Entry, date: datetime.date) -> Entry:
    """Post the reversing entry ("contre-passation") of ``entry`` at ``date``."""
    check_perm(by, "ledger.post")
    if records_a_document(entry):
        raise DomainError(
            _(
                "Cette écriture enregistre un document (facture, paiement ou dépense) : corrigez le document "
                "(avoir, annulation du paiement…), son écriture suivra."
            )
        )
    if date < entry.date:
        raise DomainError(_("La contre-passation ne peut pas précéder l'écriture."), field="date")
    with transaction.atomic():
        # Lock the entry so that two clicks cannot both pass the "not reversed yet" check.
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        return posting.reverse_entry(entry, date=date, by=by)


# --- chart of accounts ------------------------------------------------------------------------------------


def account_create(*, by, code: str, label: str) -> Account:
    check_perm(by, "ledger.settings")
    code = code.strip().upper()
    if not ACCOUNT_CODE.match(code):
        raise DomainError(
            _("Un numéro de compte commence par trois chiffres du plan comptable (classe 1 à 8)."),
            field="code",
        )
    label = label.strip()
    if not label:
        raise DomainError(_("Indiquez l'intitulé du compte."), field="label")
    with transaction.atomic():
        if Account.objects.filter(code=code).exists():
            raise DomainError(_("Le compte %(code)s existe déjà.") % {"code": code}, field="code")
        return Account.objects.create(code=code, label=label)


def account_update(*, by, account: Account, label: str, is_active: bool) -> Account:
    """Rename or (de)activate an account. Its number never changes: lines and the FEC carry it."""
    check_perm(by, "ledger.settings")
    label = label.strip()
    if not label:
        raise DomainError(_("Indiquez l'intitulé du compte."), field="label")
    if not is_active and account.code in AUTOMATIC_ACCOUNTS:
        raise DomainError(
            _("Le compte %(code)s sert aux écritures automatiques : il ne peut pas être désactivé.")
            % {"code": account.code},
            field="is_active",
        )
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        account.label, account.is_active = label, is_active
        account.save(update_fields=["label", "is_active"])
    return account


# --- settings ---------------------------------------------------------------------------------------------


def check_closing(until: datetime.date, current: datetime.date | None) -> None:
    """A closing date is in the past and after the current one (``DomainError`` on ``until`` otherwise)."""
    if until >= timezone.localdate():
        raise DomainError(_("On ne clôture qu'une période passée (avant aujourd'hui)."), field="until")
    if current is not None and until <= current:
        raise DomainError(
            _("La comptabilité est déjà clôturée jusqu'au %(date)s : la date de clôture ne recule pas.")
            % {"date": current.strftime("%d/%m/%Y")},
            field="until",
        )


def closing_impact(until: datetime.date, current: datetime.date | None) -> dict:
    """What closing up to ``until`` makes final: the entries posted since the current closing date."""
    since = current + datetime.timedelta(days=1) if current else None
    entries = Entry.objects.filter(date__lte=until)
    if since:
        entries = entries.filter(date__gte=since)
    return {"until": until, "since": since, "entries": entries.count()}


def ledger_close(*, by, until: datetime.date) -> Cooperative:
    """Move the closing date forward to ``until``: no entry can be posted on or before it any more.

    A closing never moves back (what was closed was declared); it closes past days only.
    """
    check_perm(by, "ledger.settings")
    with transaction.atomic():
        cooperative = _cooperative_locked()
        check_closing(until, cooperative.ledger_closed_until)
        cooperative.ledger_closed_until = until
        cooperative.save(update_fields=["ledger_closed_until"])
    return cooperative


def ledger_open_year(*, by, year: int):
    """Post the opening entries (à-nouveaux) of ``year``, the previous year being closed."""
    check_perm(by, "ledger.settings")
    return open_year(year, by=by)


def vat_period_set(*, by, period: str) -> Cooperative:
    check_perm(by, "ledger.settings")
    if period not in ("month", "quarter"):
        raise DomainError(_("Périodicité inconnue."), field="period")
    with transaction.atomic():
        cooperative = _cooperative_locked()
        cooperative.vat_period = period
        cooperative.save(update_fields=["vat_period"])
    return cooperative


# --- contribution rules -----------------------------------------------------------------------------------


def _overlapping(activity_id: int | None, start: datetime.date, end: datetime.date | None, exclude=None):
    rules = ContributionRule.objects.filter(activity_id=activity_id)
    if exclude is not None:
        rules = rules.exclude(pk=exclude)
    rules = rules.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    if end is not None:
        rules = rules.filter(starts_on__lte=end)
    return rules.order_by("starts_on").first()


def _overlap_error(rule: ContributionRule) -> DomainError:
    if rule.ends_on:
        period = _("du %(start)s au %(end)s") % {
            "start": rule.starts_on.strftime("%d/%m/%Y"),
            "end": rule.ends_on.strftime("%d/%m/%Y"),
        }
    else:
        period = _("depuis le %(start)s, sans fin") % {"start": rule.starts_on.strftime("%d/%m/%Y")}
    return DomainError(
        _("Une autre règle s'applique déjà sur cette période (%(period)s) : terminez-la d'abord.")
        % {"period": period},
        field="starts_on",
    )


def _check_after_closing(day: datetime.date, field: str) -> None:
    closed = posting.closed_until()
    if closed is not None and day <= closed:
        raise DomainError(
            _("La comptabilité est clôturée jusqu'au %(date)s : une règle ne peut pas y changer.")
            % {"date": closed.strftime("%d/%m/%Y")},
            field=field,
        )


def contribution_rule_create(
    *,
    by,
    activity=None,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    rate: Decimal,
    fixed_monthly: Decimal = ZERO,
    note: str = "",
) -> ContributionRule:
    """A rule for an activity (or, with no activity, the cooperative's default) over a period. Periods of
    the same activity never overlap, and nothing changes in a closed period (its entries are final)."""
    check_perm(by, "ledger.settings")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_("La fin précède le début."), field="ends_on")
    if rate < 0 or rate > 100:
        raise DomainError(_("Le taux est compris entre 0 et 100 %."), field="rate")
    if fixed_monthly < 0:
        raise DomainError(_("Le montant fixe est positif ou nul."), field="fixed_monthly")
    _check_after_closing(starts_on, "starts_on")
    activity_id = getattr(activity, "pk", activity)
    with transaction.atomic():
        _cooperative_locked()  # serialises rule changes: the overlap check below stays true until commit
        if (clash := _overlapping(activity_id, starts_on, ends_on)) is not None:
            raise _overlap_error(clash)
        return ContributionRule.objects.create(
            activity_id=activity_id,
            starts_on=starts_on,
            ends_on=ends_on,
            rate=rate,
            fixed_monthly=fixed_monthly,
            note=note.strip(),
        )


def contribution_rule_end(*, by, rule: ContributionRule, ends_on: datetime.date) -> ContributionRule:
    """End a rule on ``ends_on`` (included): the next documents follow the rule after it, or the default."""
    check_perm(by, "ledger.settings")
    with transaction.atomic():
        _cooperative_locked()
        rule = ContributionRule.objects.select_for_update().get(pk=rule.pk)
        if ends_on < rule.starts_on:
            raise DomainError(_("La fin précède le début de la règle."), field="ends_on")
        _check_after_closing(ends_on, "ends_on")
        if rule.ends_on is not None:
            _check_after_closing(rule.ends_on, "ends_on")
        if (clash := _overlapping(rule.activity_id, rule.starts_on, ends_on, exclude=rule.pk)) is not None:
            error = _overlap_error(clash)
            error.field = "ends_on"
            raise error
        rule.ends_on = ends_on
        rule.save(update_fields=["ends_on"])
    return rule
