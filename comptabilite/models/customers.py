"""Customers: each belongs to one activity and is reused by its quotes and invoices."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from comptabilite.models.choices import CustomerKind
from coodyssee.audit import Audited


class Customer(Audited, models.Model):
    """A customer of an activity. Issued documents copy these fields: editing a customer later
    changes the next documents only."""

    activity = models.ForeignKey(
        "entrepreneurs.Activity",
        verbose_name=_("activité"),
        on_delete=models.PROTECT,
        related_name="customers",
    )
    kind = models.CharField(
        _("type"), max_length=10, choices=CustomerKind.choices, default=CustomerKind.COMPANY
    )
    name = models.CharField(_("nom ou raison sociale"), max_length=200)
    address_line1 = models.CharField(_("adresse"), max_length=200, blank=True)
    address_line2 = models.CharField(_("complément d'adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=20, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    country = models.CharField(_("pays (code ISO)"), max_length=2, default="FR")
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    vat_number = models.CharField(_("n° de TVA intracommunautaire"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail de facturation"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["activity", "name"], name="customer_activity_name_idx")]

    def __str__(self):
        return self.name

    @property
    def is_business(self) -> bool:
        return self.kind == CustomerKind.COMPANY
