"""Contribution rules, the entrepreneurs' forecasts, treasury alerts and the monthly statements."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptabilite.storage import private_documents_storage
from coodyssee.audit import Audited

ZERO = Decimal("0.00")


class ContributionRule(Audited, models.Model):
    """The contribution coopérative of an activity (or, with no activity, the cooperative's default) over a
    period: a rate of the turnover excl. VAT and/or a fixed monthly amount (DOMAIN.md §2.1)."""

    activity = models.ForeignKey(
        "entrepreneurs.Activity",
        verbose_name=_("activité"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contribution_rules",
        help_text=_("Laisser vide pour la règle par défaut de la coopérative."),
    )
    starts_on = models.DateField(_("à partir du"))
    ends_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    rate = models.DecimalField(
        _("taux (% du CA HT)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    fixed_monthly = models.DecimalField(
        _("montant fixe mensuel (€)"),
        max_digits=10,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(0)],
    )
    note = models.CharField(_("motif"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("règle de contribution")
        verbose_name_plural = _("règles de contribution")
        ordering = ["activity_id", "-starts_on"]

    def __str__(self):
        return f"{self.rate} % {self.starts_on:%d/%m/%Y}"


class Forecast(Audited, models.Model):
    """What the entrepreneur expects for a month of their activity (amounts excl. VAT)."""

    activity = models.ForeignKey(
        "entrepreneurs.Activity",
        verbose_name=_("activité"),
        on_delete=models.CASCADE,
        related_name="forecasts",
    )
    year = models.PositiveSmallIntegerField(_("année"))
    month = models.PositiveSmallIntegerField(
        _("mois"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    turnover = models.DecimalField(
        _("chiffre d'affaires HT prévu"), max_digits=12, decimal_places=2, default=ZERO
    )
    expenses = models.DecimalField(_("dépenses HT prévues"), max_digits=12, decimal_places=2, default=ZERO)
    salary = models.DecimalField(_("coût salarial prévu"), max_digits=12, decimal_places=2, default=ZERO)

    class Meta:
        verbose_name = _("prévision")
        verbose_name_plural = _("prévisions")
        ordering = ["activity", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "year", "month"], name="unique_forecast_month"),
        ]

    def __str__(self):
        return f"{self.activity_id} {self.year}-{self.month:02d}"


class AlertKind(models.TextChoices):
    TREASURY = "treasury", _("trésorerie sous le seuil")
    DRIFT = "drift", _("écart à la prévision")


class TreasuryAlert(models.Model):
    """An alert raised on an activity; open while ``cleared_at`` is empty. One e-mail per raise."""

    activity = models.ForeignKey(
        "entrepreneurs.Activity", verbose_name=_("activité"), on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(_("type"), max_length=10, choices=AlertKind.choices)
    raised_at = models.DateTimeField(_("levée le"))
    cleared_at = models.DateTimeField(_("levée close le"), null=True, blank=True)
    value = models.DecimalField(_("valeur constatée"), max_digits=14, decimal_places=2, default=ZERO)
    message = models.CharField(_("message"), max_length=300)
    emailed_at = models.DateTimeField(_("e-mail envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("alerte")
        verbose_name_plural = _("alertes")
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "kind"],
                condition=models.Q(cleared_at__isnull=True),
                name="one_open_alert",
            ),
        ]

    def __str__(self):
        return self.message


class MonthlyStatement(models.Model):
    """The statement of an activity's income and charges for a month (Code du travail L7332-3), as a PDF."""

    activity = models.ForeignKey(
        "entrepreneurs.Activity",
        verbose_name=_("activité"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    year = models.PositiveSmallIntegerField(_("année"))
    month = models.PositiveSmallIntegerField(_("mois"))
    pdf = models.FileField(
        _("PDF"), upload_to="statements/%Y/", storage=private_documents_storage, blank=True
    )
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    figures = models.JSONField(_("chiffres"), default=dict)
    generated_at = models.DateTimeField(_("établi le"))
    emailed_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("relevé mensuel")
        verbose_name_plural = _("relevés mensuels")
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "year", "month"], name="unique_statement_month"),
        ]

    def __str__(self):
        return f"{self.activity_id} {self.year}-{self.month:02d}"
