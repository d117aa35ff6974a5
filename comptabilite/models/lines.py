"""Lines of invoices and credit notes: frozen with their document once it is issued."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from comptabilite.models.choices import VAT_RATE_CHOICES, InvoiceStatus
from comptabilite.models.documents import Invoice, IssuedDocumentError

ZERO = Decimal("0.00")


class InvoiceLineQuerySet(models.QuerySet):
    def _touches_issued(self) -> bool:
        return self.filter(invoice__status=InvoiceStatus.ISSUED).exists()

    def update(self, **kwargs):
        if self._touches_issued():
            raise IssuedDocumentError()
        return super().update(**kwargs)

    def delete(self):
        if self._touches_issued():
            raise IssuedDocumentError()
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True
    update.alters_data = True


class InvoiceLine(models.Model):
    """One line: ``total_ht`` = quantity × unit price, rounded half-up to the cent once, stored."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("document"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    description = models.CharField(_("désignation"), max_length=500)
    quantity = models.DecimalField(_("quantité"), max_digits=12, decimal_places=3, default=Decimal(1))
    unit = models.CharField(_("unité"), max_length=20, blank=True, help_text=_("Par exemple h, jour, m²."))
    unit_price = models.DecimalField(_("prix unitaire HT"), max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(
        _("taux de TVA (%)"), max_digits=5, decimal_places=2, choices=VAT_RATE_CHOICES
    )
    total_ht = models.DecimalField(_("total HT"), max_digits=14, decimal_places=2, default=ZERO)
    credited_line = models.ForeignKey(
        "self",
        verbose_name=_("ligne corrigée"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_lines",
    )

    objects = InvoiceLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("ligne de facture")
        verbose_name_plural = _("lignes de facture")
        ordering = ["invoice", "position", "pk"]
        base_manager_name = "objects"

    def __str__(self):
        return self.description

    def save(self, *args, **kwargs):
        if self._invoice_is_issued():
            raise IssuedDocumentError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._invoice_is_issued():
            raise IssuedDocumentError()
        return super().delete(*args, **kwargs)

    def _invoice_is_issued(self) -> bool:
        return Invoice.objects.filter(pk=self.invoice_id, status=InvoiceStatus.ISSUED).exists()


@receiver(pre_delete, sender=InvoiceLine, dispatch_uid="invoice_line_refuse_issued_delete")
def _refuse_issued_line_delete(sender, instance, **kwargs):
    if instance._invoice_is_issued():
        raise IssuedDocumentError()
