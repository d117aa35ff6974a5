"""The history of a document as its people see it: who did what, when, with the comment they left."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptabilite.models.choices import EventKind


class DocumentEvent(models.Model):
    """One step in the life of an invoice, credit note or quote (exactly one of the two links is set).

    ``data`` holds what the step needs to be shown later: the control checklist, the recipient of a
    sending, a payment amount, the reminder level.
    """

    invoice = models.ForeignKey(
        "comptabilite.Invoice",
        verbose_name=_("facture ou avoir"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    quote = models.ForeignKey(
        "comptabilite.Quote",
        verbose_name=_("devis"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("étape"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("date"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("par (texte)"), max_length=200, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    data = models.JSONField(_("détails"), default=dict, blank=True)

    class Meta:
        verbose_name = _("étape de l'historique d'un document")
        verbose_name_plural = _("historique des documents")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(invoice__isnull=False, quote__isnull=True)
                | Q(invoice__isnull=True, quote__isnull=False),
                name="event_on_one_document",
            )
        ]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()}"
