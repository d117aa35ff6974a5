"""The general ledger kept in-house: chart of accounts, journals, analytic sections, entries and their lines,
and the monthly per-section summaries the dashboards read.

Rules (enforced here and in ``comptabilite.ledger.posting``; see docs/accounting.md):

- every entry is balanced (Σ debit = Σ credit) and has at least two lines;
- an entry is posted when written and never changes afterwards: ``save()`` of a stored entry or line,
  ``delete()`` and queryset ``update()``/``delete()`` refuse, and database triggers refuse UPDATE (and
  DELETE on PostgreSQL). A correction is a reversing entry;
- entries are numbered continuously per journal and year from a locked counter (FEC "EcritureNum");
- nothing is posted on or before the cooperative's closing date (``Cooperative.ledger_closed_until``).

Every line carries an analytic section: one per activity, plus the structure's own sections. Lines repeat
their entry's date and journal (both immutable) so that per-section and per-period aggregates read one table.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coodyssee.audit import Audited
from coodyssee.errors import DomainError

ZERO = Decimal("0.00")


class PostedEntryError(DomainError):
    def __init__(self, message: str | None = None):
        default = _("Une écriture validée ne se modifie pas et ne se supprime pas : contre-passez-la.")
        super().__init__(message or str(default))


class Account(Audited, models.Model):
    """An account of the chart (PCG). The code is the key: lines store it directly, as the FEC prints it."""

    code = models.CharField(_("numéro de compte"), max_length=20, primary_key=True)
    label = models.CharField(_("intitulé"), max_length=200)
    is_active = models.BooleanField(_("utilisable"), default=True)

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("plan comptable")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.label}"


class Journal(models.Model):
    class Kind(models.TextChoices):
        SALES = "sales", _("ventes")
        PURCHASES = "purchases", _("achats")
        BANK = "bank", _("banque")
        PAYROLL = "payroll", _("paie")
        MISC = "misc", _("opérations diverses")
        OPENING = "opening", _("à-nouveaux")

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    label = models.CharField(_("libellé"), max_length=100)
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices, unique=True)

    class Meta:
        verbose_name = _("journal")
        verbose_name_plural = _("journaux")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.label}"


class AnalyticSection(models.Model):
    """An analytic section: one per activity (``activity`` set), or one of the structure's own (none)."""

    code = models.CharField(_("code analytique"), max_length=20, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    activity = models.OneToOneField(
        "entrepreneurs.Activity",
        verbose_name=_("activité"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="section",
    )

    class Meta:
        verbose_name = _("section analytique")
        verbose_name_plural = _("sections analytiques")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_structure(self) -> bool:
        return self.activity_id is None


class EntryCounter(models.Model):
    """The last entry number given in a journal and year; locked by whoever posts."""

    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["journal", "year"], name="unique_entry_counter")]

    def __str__(self):
        return f"{self.journal_id} {self.year}: {self.last}"


class EntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PostedEntryError()

    def delete(self):
        raise PostedEntryError()

    update.alters_data = True
    delete.alters_data = True
    delete.queryset_only = True


class Entry(models.Model):
    """A posted, balanced accounting entry (écriture)."""

    journal = models.ForeignKey(
        Journal, verbose_name=_("journal"), on_delete=models.PROTECT, related_name="entries"
    )
    year = models.PositiveSmallIntegerField(_("exercice"))
    number = models.PositiveIntegerField(_("numéro"))
    date = models.DateField(_("date"))
    label = models.CharField(_("libellé"), max_length=200)
    piece_ref = models.CharField(_("référence de la pièce"), max_length=60, blank=True)
    piece_date = models.DateField(_("date de la pièce"), null=True, blank=True)
    posted_at = models.DateTimeField(_("validée le"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validée par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What the entry records (at most one of these), and the person concerned (per-entrepreneur figures).
    source = models.CharField(_("origine"), max_length=20, blank=True)
    invoice = models.ForeignKey(
        "comptabilite.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    payment = models.ForeignKey(
        "comptabilite.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    expense = models.ForeignKey(
        "comptabilite.Expense", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    reversal_of = models.OneToOneField(
        "self",
        verbose_name=_("contre-passation de"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    # Idempotence of scheduled postings (e.g. "fixed-contribution:12:2026-03"): posting twice is refused.
    key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("écriture")
        verbose_name_plural = _("écritures")
        ordering = ["journal", "year", "number"]
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(fields=["journal", "year", "number"], name="unique_entry_number"),
        ]
        indexes = [models.Index(fields=["date"], name="entry_date")]

    def __str__(self):
        return f"{self.fec_number} {self.label}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PostedEntryError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PostedEntryError()

    @property
    def fec_number(self) -> str:
        return f"{self.journal_id}{self.year}-{self.number:06d}"


class EntryLine(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    account = models.ForeignKey(Account, verbose_name=_("compte"), on_delete=models.PROTECT, related_name="+")
    section = models.ForeignKey(
        AnalyticSection, verbose_name=_("section analytique"), on_delete=models.PROTECT, related_name="lines"
    )
    label = models.CharField(_("libellé"), max_length=200)
    debit = models.DecimalField(_("débit"), max_digits=14, decimal_places=2, default=ZERO)
    credit = models.DecimalField(_("crédit"), max_digits=14, decimal_places=2, default=ZERO)
    # Auxiliary account (FEC CompAuxNum / CompAuxLib): the customer or supplier of a 411 / 401 line.
    aux_code = models.CharField(_("compte auxiliaire"), max_length=20, blank=True)
    aux_label = models.CharField(_("libellé du compte auxiliaire"), max_length=200, blank=True)
    # Repeated from the entry (immutable there too) so that aggregates read this table alone.
    date = models.DateField(_("date"))
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="+")

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ligne d'écriture")
        verbose_name_plural = _("lignes d'écriture")
        ordering = ["entry", "position"]
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["section", "date"], name="line_section_date"),
            # A customer's receipts (411 credited in the bank journal: chart.CUSTOMERS, journal "bank"),
            # latest first: the staff overview's "last payment" of each activity is its first row.
            models.Index(
                fields=["section", "-date"],
                name="line_receipt_section_date",
                condition=models.Q(journal_id="BQ", account_id="411", credit__gt=0),
            ),
        ]

    def __str__(self):
        return f"{self.account_id} {self.debit or ''} {self.credit or ''}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PostedEntryError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PostedEntryError()


class SummaryColumns(models.Model):
    """The movements of one section over a period, by family of accounts (``comptabilite.ledger.families``).
    Amounts are signed so that positive means "as the dashboard names it": turnover earned, expenses spent,
    cash received…"""

    turnover = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    other_income = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    expenses = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    contribution = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    salary_cost = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    cash = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    receivables = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    payables = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    vat_collected = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    vat_pending = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    vat_deductible = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    other = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    lines = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class SectionMonth(SummaryColumns):
    """Per-section, per-month movements (month 0: the year's opening entries).

    Kept up to date in the transaction that posts an entry (one upsert per section and month touched), and
    rebuilt from the lines by ``manage.py rebuild_ledger_summaries``.
    """

    section = models.ForeignKey(AnalyticSection, on_delete=models.CASCADE, related_name="months")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["section", "year", "month"], name="unique_section_month"),
        ]
        indexes = [models.Index(fields=["year"], name="section_month_year")]  # the first year summarised

    def __str__(self):
        return f"{self.section_id} {self.year}-{self.month:02d}"


class SectionYear(SummaryColumns):
    """The same movements per section and year: the sum of the year's ``SectionMonth`` rows, kept in the same
    upsert. The staff overview sums a treasury over every past year of 1,000 activities: twelve times fewer
    rows to read than the months."""

    section = models.ForeignKey(AnalyticSection, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["section", "year"], name="unique_section_year")]

    def __str__(self):
        return f"{self.section_id} {self.year}"
