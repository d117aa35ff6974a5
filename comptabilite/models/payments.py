"""Payments received on invoices, dunning levels and the reminders prepared or sent."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from comptabilite.models.choices import DunningChannel, DunningStatus, PaymentMethod
from coodyssee.audit import Audited
from coodyssee.errors import DomainError

# A payment is a record of money received: it is never edited nor deleted. A wrong entry is cancelled
# (these fields are set once), which keeps the trace.
PAYMENT_CANCEL_FIELDS = frozenset({"cancelled_at", "cancelled_by", "cancel_reason"})


class PaymentRecordError(DomainError):
    def __init__(self):
        super().__init__(
            str(_("Un paiement enregistré ne se modifie pas et ne se supprime pas : annulez-le."))
        )


class PaymentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)

    def update(self, **kwargs):
        if set(kwargs) - PAYMENT_CANCEL_FIELDS:
            raise PaymentRecordError()
        return super().update(**kwargs)

    def delete(self):
        raise PaymentRecordError()

    delete.alters_data = True
    delete.queryset_only = True
    update.alters_data = True


class Payment(Audited, models.Model):
    invoice = models.ForeignKey(
        "comptabilite.Invoice", verbose_name=_("facture"), on_delete=models.PROTECT, related_name="payments"
    )
    date = models.DateField(_("date de paiement"))
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    method = models.CharField(_("moyen de paiement"), max_length=10, choices=PaymentMethod.choices)
    reference = models.CharField(_("référence"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("saisi le"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("annulé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancel_reason = models.CharField(_("motif de l'annulation"), max_length=200, blank=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["date", "pk"]
        base_manager_name = "objects"
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self):
        return f"{self.amount} € — {self.date:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or set(update_fields) - PAYMENT_CANCEL_FIELDS:
                raise PaymentRecordError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PaymentRecordError()

    def audit_target(self):
        return self.invoice


@receiver(pre_delete, sender=Payment, dispatch_uid="payment_refuse_delete")
def _refuse_payment_delete(sender, instance, **kwargs):
    raise PaymentRecordError()


class DunningLevel(Audited, models.Model):
    """A reminder step: so many days after the due date, by e-mail or letter, with its text.

    ``subject`` and ``body`` are Django templates; they receive ``invoice``, ``customer_name``,
    ``amount_due``, ``due_date``, ``days_late``, ``penalties``, ``indemnity``, ``total_claimed`` and
    ``cooperative``.
    """

    name = models.CharField(_("nom"), max_length=100)
    days_after_due = models.PositiveSmallIntegerField(_("jours après l'échéance"), unique=True)
    channel = models.CharField(_("canal"), max_length=10, choices=DunningChannel.choices)
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("texte"))
    with_penalties = models.BooleanField(
        _("réclamer les pénalités et l'indemnité de 40 €"),
        default=False,
        help_text=_("Pour la mise en demeure."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("niveau de relance")
        verbose_name_plural = _("niveaux de relance")
        ordering = ["days_after_due"]

    def __str__(self):
        return self.name


class DunningLog(models.Model):
    """One reminder of one invoice at one level: prepared by ``dunning_prepare``, then sent."""

    invoice = models.ForeignKey(
        "comptabilite.Invoice", verbose_name=_("facture"), on_delete=models.PROTECT, related_name="reminders"
    )
    level = models.ForeignKey(
        DunningLevel, verbose_name=_("niveau"), on_delete=models.PROTECT, related_name="logs"
    )
    prepared_on = models.DateField(_("préparée le"))
    channel = models.CharField(_("canal"), max_length=10, choices=DunningChannel.choices)
    sent_to = models.CharField(_("destinataire"), max_length=254, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=DunningStatus.choices, default=DunningStatus.PREPARED
    )
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("texte"))
    amount_due = models.DecimalField(_("reste dû"), max_digits=14, decimal_places=2)
    days_late = models.PositiveIntegerField(_("jours de retard"))
    penalties = models.DecimalField(
        _("pénalités de retard"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    indemnity = models.DecimalField(
        _("indemnité forfaitaire"), max_digits=6, decimal_places=2, default=Decimal(0)
    )
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("envoyée par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("relance")
        verbose_name_plural = _("relances")
        ordering = ["prepared_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["invoice", "level"], name="unique_reminder_per_level")]
        indexes = [models.Index(fields=["status", "prepared_on"], name="dunning_status_idx")]

    def __str__(self):
        return f"{self.level} — {self.invoice}"
