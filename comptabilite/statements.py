"""Monthly statement of each activity (Code du travail L7332-3: the income and charges statement the
cooperative gives each entrepreneur-employee), as a PDF stored once, e-mailed and kept in the portal.

Figures of a month, from the per-section monthly summaries (``SectionMonth``), with the definitions the
treasury dashboard uses:

- result = turnover + other income − expenses − contribution − salary cost;
- treasury available at a date = Σ up to that date of (cash − collected VAT + deductible VAT − payables −
  contribution); the opening treasury is that sum before the month, the closing one including it;
- plus the year to date (January to the month), and the month's ledger lines of the activity's section,
  grouped by nature (income, charges, contribution, salaries, bank, customers, payables, VAT, other).

A statement is a snapshot: generated once per activity and month (unique constraint; a second run finds it
and skips), its PDF stored with its SHA-256 and never re-rendered. An entry posted later in a month already
stated appears in the next statements' opening treasury, not in a new version of the old one.

Which activities get a statement for a month: those with a ledger movement in the month, and those one of
whose entrepreneurs was present during the month (a month without any movement is stated too).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptabilite.contribution import month_bounds, present_members
from comptabilite.facturx import Party
from comptabilite.ledger.families import family
from comptabilite.models import AnalyticSection, EntryLine, MonthlyStatement, SectionMonth
from comptabilite.parties import seller_fields
from comptabilite.treasury import FIGURES, treasury_flow, until
from comptabilite.treasury import month_label as treasury_month_label
from coodyssee.errors import DomainError
from coodyssee.money import ZERO
from coodyssee.pdf import render_pdf, sha256_hex
from coodyssee.permissions import has_perm
from coodyssee.selectors import cooperative_current
from entrepreneurs.models import Activity, ActivityMembership, Entrepreneur

logger = logging.getLogger(__name__)
TEMPLATE = "pdf/monthly_statement.html"
EMAIL_TEMPLATE = "comptabilite/statements/email_message.txt"

# Natures of the month's lines, in the order the statement lists them: (key, label, families).
NATURES: tuple[tuple[str, object, tuple[str, ...]], ...] = (
    ("income", gettext_lazy("Produits"), ("turnover", "other_income")),
    ("expenses", gettext_lazy("Charges"), ("expenses",)),
    ("contribution", gettext_lazy("Contribution coopérative"), ("contribution",)),
    ("salary", gettext_lazy("Salaires et charges sociales"), ("salary_cost",)),
    ("bank", gettext_lazy("Banque"), ("cash",)),
    ("customers", gettext_lazy("Clients"), ("receivables",)),
    ("payables", gettext_lazy("Fournisseurs, personnel et organismes sociaux"), ("payables",)),
    ("vat", gettext_lazy("TVA"), ("vat_collected", "vat_pending", "vat_deductible")),
    ("other", gettext_lazy("Autres comptes"), ("other",)),
)
_NATURE_OF = {name: key for key, _label, families in NATURES for name in families}
AMOUNTS = (
    "opening_treasury",
    "turnover",
    "other_income",
    "expenses",
    "contribution",
    "salary_cost",
    "result",
    "treasury_change",
    "closing_treasury",
    "year_turnover",
    "year_expenses",
    "year_contribution",
    "year_salary_cost",
    "year_result",
)


def month_label(year: int, month: int) -> str:
    return f"{treasury_month_label(month)} {year}"


# --- figures ------------------------------------------------------------------------------------------


@dataclass
class StatementLine:
    date: datetime.date
    number: str
    piece: str
    label: str
    account: str
    account_label: str
    debit: Decimal
    credit: Decimal


@dataclass
class StatementGroup:
    key: str
    label: str
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def total_label(self) -> str:
        label = self.label if self.label.isupper() else self.label[:1].lower() + self.label[1:]
        return _("Total %(nature)s") % {"nature": label}

    @property
    def debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)


@dataclass
class StatementFigures:
    activity_id: int
    year: int
    month: int
    opening_treasury: Decimal = ZERO
    turnover: Decimal = ZERO
    other_income: Decimal = ZERO
    expenses: Decimal = ZERO
    contribution: Decimal = ZERO
    salary_cost: Decimal = ZERO
    treasury_change: Decimal = ZERO
    year_turnover: Decimal = ZERO
    year_other_income: Decimal = ZERO
    year_expenses: Decimal = ZERO
    year_contribution: Decimal = ZERO
    year_salary_cost: Decimal = ZERO
    groups: list[StatementGroup] = field(default_factory=list)

    @property
    def result(self) -> Decimal:
        return self.turnover + self.other_income - self.expenses - self.contribution - self.salary_cost

    @property
    def year_result(self) -> Decimal:
        return (
            self.year_turnover
            + self.year_other_income
            - self.year_expenses
            - self.year_contribution
            - self.year_salary_cost
        )

    @property
    def closing_treasury(self) -> Decimal:
        return self.opening_treasury + self.treasury_change

    @property
    def line_count(self) -> int:
        return sum(len(group.lines) for group in self.groups)

    def as_json(self) -> dict:
        """What ``MonthlyStatement.figures`` keeps: the amounts as text (exact), not the lines."""
        data = {name: str(getattr(self, name)) for name in AMOUNTS}
        data["year_other_income"] = str(self.year_other_income)
        data["lines"] = self.line_count
        return data


def statement_figures(activity_id: int, year: int, month: int) -> StatementFigures:
    """The month's figures of an activity (3 queries: its section, its summaries, the month's lines)."""
    figures = StatementFigures(activity_id, year, month)
    section = AnalyticSection.objects.filter(activity_id=activity_id).values_list("pk", flat=True).first()
    if section is None:
        return figures
    rows = SectionMonth.objects.filter(section_id=section).filter(until(datetime.date(year, month, 1)))
    for row in rows:
        if (row.year, row.month) < (year, month):
            figures.opening_treasury += treasury_flow(row)
        else:
            figures.treasury_change += treasury_flow(row)
            for name in FIGURES:
                setattr(figures, name, getattr(row, name))
        if row.year == year:
            for name in FIGURES:
                attribute = f"year_{name}"
                setattr(figures, attribute, getattr(figures, attribute) + getattr(row, name))
    first, last = month_bounds(year, month)
    groups = {key: StatementGroup(key, str(label)) for key, label, _families in NATURES}
    lines = (
        EntryLine.objects.filter(section_id=section, date__gte=first, date__lte=last)
        .select_related("entry", "account")
        .order_by("date", "entry_id", "position")
    )
    for line in lines:
        name, _sign = family(line.account_id)
        groups[_NATURE_OF[name]].lines.append(
            StatementLine(
                date=line.date,
                number=line.entry.fec_number,
                piece=line.entry.piece_ref,
                label=line.label,
                account=line.account_id,
                account_label=line.account.label,
                debit=line.debit,
                credit=line.credit,
            )
        )
    figures.groups = [group for group in groups.values() if group.lines]
    return figures


# --- which activities, which month --------------------------------------------------------------------


def previous_month(today: datetime.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return first.year, first.month


def check_month_over(year: int, month: int, today: datetime.date | None = None) -> None:
    """A statement is of a finished month: it is kept as it was generated, never updated."""
    today = today or timezone.localdate()
    if not 1 <= month <= 12 or year < 2000:
        raise DomainError(_("Mois invalide : %(year)s-%(month)s.") % {"year": year, "month": month})
    _first, last = month_bounds(year, month)
    if last >= today:
        raise DomainError(
            _("Le mois %(month)s n'est pas terminé : son relevé s'établit à partir du %(day)s.")
            % {
                "month": month_label(year, month),
                "day": (last + datetime.timedelta(days=1)).strftime("%d/%m/%Y"),
            }
        )


def activities_to_state(year: int, month: int) -> list[int]:
    """Activities that get a statement for the month: a member present, or a ledger movement in it."""
    moved = SectionMonth.objects.filter(year=year, month=month, section__activity__isnull=False).values_list(
        "section__activity_id", flat=True
    )
    return sorted(set(present_members(year, month)) | set(moved))


@dataclass
class MonthProgress:
    year: int
    month: int
    expected: int  # activities that get a statement for the month
    done: int

    @property
    def label(self) -> str:
        return month_label(self.year, self.month)

    @property
    def missing(self) -> int:
        return max(self.expected - self.done, 0)


def month_progress(year: int, month: int) -> MonthProgress:
    """How many of the month's statements are established (3 queries)."""
    expected = activities_to_state(year, month)
    done = MonthlyStatement.objects.filter(year=year, month=month, activity_id__in=expected).count()
    return MonthProgress(year, month, len(expected), done)


# --- generation -----------------------------------------------------------------------------------------


def _seller() -> Party:
    cooperative = cooperative_current()
    if cooperative is None:
        return Party(name="")
    values = seller_fields(cooperative)
    return Party(
        name=values["seller_name"],
        legal_form=values["seller_legal_form"],
        share_capital=values["seller_share_capital"],
        address_lines=tuple(line for line in values["seller_address"].splitlines() if line.strip()),
        postcode=values["seller_postcode"],
        city=values["seller_city"],
        siren=values["seller_siren"],
        siret=values["seller_siret"],
        vat_number=values["seller_vat_number"],
        rcs=values["seller_rcs"],
        email=values["seller_email"],
        phone=values["seller_phone"],
    )


def _logo() -> str:
    """The cooperative's logo as a file URL, when it has one on disk (as on the invoices)."""
    cooperative = cooperative_current()
    try:
        if cooperative and cooperative.logo and cooperative.logo.path:
            path = Path(cooperative.logo.path)
            return path.as_uri() if path.exists() else ""
    except (ValueError, NotImplementedError):  # no file, or a storage without local paths
        return ""
    return ""


def _members(activity: Activity) -> list[Entrepreneur]:
    return [
        membership.entrepreneur
        for membership in ActivityMembership.objects.filter(activity=activity)
        .select_related("entrepreneur__user")
        .order_by("entrepreneur__last_name", "entrepreneur__first_name")
    ]


def render_statement_pdf(
    activity: Activity, figures: StatementFigures, *, generated_at: datetime.datetime
) -> bytes:
    first, last = month_bounds(figures.year, figures.month)
    context = {
        "seller": _seller(),
        "logo": _logo(),
        "activity": activity,
        "members": _members(activity),
        "figures": figures,
        "period": month_label(figures.year, figures.month),
        "first_day": first,
        "last_day": last,
        "generated_at": timezone.localtime(generated_at),
    }
    return render_pdf(TEMPLATE, context)


def statement_filename(statement: MonthlyStatement) -> str:
    return get_valid_filename(f"releve-{statement.activity.code}-{statement.year}-{statement.month:02d}.pdf")


def statement_generate(
    *, activity_id: int, year: int, month: int, notify: bool = True
) -> tuple[MonthlyStatement, bool]:
    """The activity's statement of the month, generated now unless it exists: ``(statement, created)``.

    The PDF is rendered before the row is written (a few hundred milliseconds, outside the lock); the
    unique constraint decides between two runs racing on the same month, and the loser's PDF is dropped.
    The e-mail leaves after the commit.
    """
    check_month_over(year, month)
    existing = MonthlyStatement.objects.filter(activity_id=activity_id, year=year, month=month).first()
    if existing is not None:
        return existing, False
    activity = Activity.objects.get(pk=activity_id)
    figures = statement_figures(activity_id, year, month)
    now = timezone.now()
    data = render_statement_pdf(activity, figures, generated_at=now)
    try:
        with transaction.atomic():
            statement = MonthlyStatement.objects.create(
                activity=activity,
                year=year,
                month=month,
                figures=figures.as_json(),
                generated_at=now,
                pdf_sha256=sha256_hex(data),
            )
            name = get_valid_filename(f"releve-{activity.code}-{year}-{month:02d}.pdf")
            statement.pdf.save(name, ContentFile(data), save=False)
            statement.save(update_fields=["pdf"])
    except IntegrityError:
        return MonthlyStatement.objects.get(activity_id=activity_id, year=year, month=month), False
    if notify:
        transaction.on_commit(lambda: _queue_email(statement.pk))
    return statement, True


def _queue_email(statement_id: int) -> None:
    from comptabilite.tasks import monthly_statement_email

    monthly_statement_email.delay(statement_id)


@dataclass
class MonthRun:
    year: int
    month: int
    fixed_contributions: int = 0
    created: list[int] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def statements_generate(*, year: int, month: int) -> MonthRun:
    """Every statement of the month (synchronously; the Celery task fans out one task per activity).
    Safe to run again: the statements already there are skipped, and those whose e-mail never left
    are e-mailed now."""
    check_month_over(year, month)
    run = MonthRun(year, month)
    for activity_id in activities_to_state(year, month):
        try:
            statement, created = statement_generate(activity_id=activity_id, year=year, month=month)
        except Exception:  # one activity's failure must not stop the month's run
            logger.exception("Relevé %s-%02d de l'activité %s impossible", year, month, activity_id)
            run.failed.append(activity_id)
            continue
        (run.created if created else run.existing).append(activity_id)
        if not created and statement.emailed_at is None:
            transaction.on_commit(lambda pk=statement.pk: _queue_email(pk))
    return run


# --- e-mail -----------------------------------------------------------------------------------------------


def recipients(activity: Activity) -> list[str]:
    addresses = []
    for person in _members(activity):
        email = person.contact_email
        if email and email not in addresses:
            addresses.append(email)
    return addresses


def statement_email_send(statement_id: int) -> bool:
    """E-mail the statement to the activity's entrepreneurs, once: the row is locked and marked in the same
    transaction, so a retried or duplicated task sends nothing more. False when nothing was sent."""
    with transaction.atomic():
        statement = (
            MonthlyStatement.objects.select_for_update()
            .select_related("activity")
            .filter(pk=statement_id)
            .first()
        )
        if statement is None or statement.emailed_at is not None or not statement.pdf:
            return False
        to = recipients(statement.activity)
        if not to:
            return False
        period = month_label(statement.year, statement.month)
        cooperative = cooperative_current()
        context = {
            "statement": statement,
            "activity": statement.activity,
            "period": period,
            "cooperative": cooperative,
        }
        message = EmailMessage(
            subject=_("Votre relevé mensuel %(period)s — %(activity)s")
            % {"period": period, "activity": statement.activity.name},
            body=render_to_string(EMAIL_TEMPLATE, context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=to,
            reply_to=[cooperative.email] if cooperative and cooperative.email else None,
        )
        message.attach(statement_filename(statement), statement_pdf_bytes(statement), "application/pdf")
        message.send()
        statement.emailed_at = timezone.now()
        statement.save(update_fields=["emailed_at"])
    return True


# --- reading ----------------------------------------------------------------------------------------------


class StoredStatementError(RuntimeError):
    """A stored statement no longer matches the hash recorded when it was generated."""


def statement_pdf_bytes(statement: MonthlyStatement) -> bytes:
    with statement.pdf.open("rb") as file:
        data = file.read()
    if statement.pdf_sha256 and sha256_hex(data) != statement.pdf_sha256:
        raise StoredStatementError(f"Le relevé {statement.pk} ne correspond plus à son empreinte.")
    return data


def statements_for(user, *, own: bool = False):
    """Statements this person may read: every one for the support team, their activities' for an
    entrepreneur (``own``: the portal, whatever other roles the person holds), none otherwise. With the
    activity loaded (one query for a whole list)."""
    queryset = MonthlyStatement.objects.select_related("activity")
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if not own and has_perm(user, "treasury.view"):
        return queryset
    if has_perm(user, "portal.treasury"):
        mine = ActivityMembership.objects.filter(entrepreneur__user=user).values("activity_id")
        return queryset.filter(activity_id__in=mine)
    return queryset.none()


def access_statement(user, pk: int, *, own: bool = False) -> MonthlyStatement:
    """The statement, or 404 to anyone who may not read it (no hint whether it exists)."""
    try:
        return statements_for(user, own=own).get(pk=pk)
    except (MonthlyStatement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
