"""Quotes (devis): numbered when created, then sent, accepted or refused, and turned into an invoice."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptabilite.models.choices import VAT_RATE_CHOICES, OperationCategory, QuoteStatus, VatExemption
from coodyssee.audit import Audited

ZERO = Decimal("0.00")


class Quote(Audited, models.Model):
    activity = models.ForeignKey(
        "entrepreneurs.Activity", verbose_name=_("activité"), on_delete=models.PROTECT, related_name="quotes"
    )
    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur",
        verbose_name=_("entrepreneur·e"),
        on_delete=models.PROTECT,
        related_name="quotes",
    )
    customer = models.ForeignKey(
        "comptabilite.Customer", verbose_name=_("client"), on_delete=models.PROTECT, related_name="quotes"
    )
    number = models.CharField(_("numéro"), max_length=40)
    series = models.CharField(_("série"), max_length=20)
    year = models.PositiveSmallIntegerField(_("année de la série"))
    sequence = models.PositiveIntegerField(_("rang dans la série"))
    status = models.CharField(
        _("état"), max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    date = models.DateField(_("date"))
    valid_until = models.DateField(_("valable jusqu'au"))
    subject = models.CharField(_("objet"), max_length=200, blank=True)
    notes = models.TextField(_("conditions et remarques"), blank=True)
    operation_category = models.CharField(
        _("catégorie d'opération"),
        max_length=10,
        choices=OperationCategory.choices,
        default=OperationCategory.SERVICES,
    )
    vat_exemption = models.CharField(
        _("mention d'exonération de TVA"), max_length=20, choices=VatExemption.choices, blank=True
    )
    total_ht = models.DecimalField(_("total HT"), max_digits=14, decimal_places=2, default=ZERO)
    total_vat = models.DecimalField(_("total TVA"), max_digits=14, decimal_places=2, default=ZERO)
    total_ttc = models.DecimalField(_("total TTC"), max_digits=14, decimal_places=2, default=ZERO)
    vat_breakdown = models.JSONField(_("ventilation de la TVA"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    decided_on = models.DateField(_("accepté ou refusé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("devis")
        verbose_name_plural = _("devis")
        ordering = ["-date", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["series", "year", "sequence"], name="unique_quote_sequence"),
            models.UniqueConstraint(fields=["number"], name="unique_quote_number"),
        ]
        indexes = [models.Index(fields=["activity", "status"], name="quote_activity_status_idx")]

    def __str__(self):
        return _("Devis %(number)s") % {"number": self.number}


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, verbose_name=_("devis"), on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    description = models.CharField(_("désignation"), max_length=500)
    quantity = models.DecimalField(_("quantité"), max_digits=12, decimal_places=3, default=Decimal(1))
    unit = models.CharField(_("unité"), max_length=20, blank=True)
    unit_price = models.DecimalField(_("prix unitaire HT"), max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(
        _("taux de TVA (%)"), max_digits=5, decimal_places=2, choices=VAT_RATE_CHOICES
    )
    total_ht = models.DecimalField(_("total HT"), max_digits=14, decimal_places=2, default=ZERO)

    class Meta:
        verbose_name = _("ligne de devis")
        verbose_name_plural = _("lignes de devis")
        ordering = ["quote", "position", "pk"]

    def __str__(self):
        return self.description
