"""Expenses of an activity: expense reports (notes de frais, owed to the entrepreneur) and supplier invoices.

Written by ``comptabilite.services.expenses``: draft → submitted → validated (posted to the ledger) → paid;
staff may return a submitted expense with a comment. A validated expense is posted and no longer changes,
except for its payment fields.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptabilite.storage import private_documents_storage
from coodyssee.audit import Audited

ZERO = Decimal("0.00")


class ExpenseKind(models.TextChoices):
    REPORT = "report", _("note de frais")
    SUPPLIER = "supplier", _("facture fournisseur")


class ExpenseStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    SUBMITTED = "submitted", _("soumise à validation")
    VALIDATED = "validated", _("validée")
    PAID = "paid", _("payée")


class ExpenseCategory(models.TextChoices):
    """What was bought; each category has its PCG account (``EXPENSE_ACCOUNTS``)."""

    PURCHASES = "purchases", _("achats de marchandises")
    MATERIALS = "materials", _("matières et fournitures")
    SUBCONTRACTING = "subcontracting", _("sous-traitance")
    SUPPLIES = "supplies", _("petit équipement et fournitures")
    RENT = "rent", _("locations")
    INSURANCE = "insurance", _("assurances")
    FEES = "fees", _("honoraires")
    ADVERTISING = "advertising", _("publicité")
    TRAVEL = "travel", _("déplacements (train, péage, parking…)")
    MILEAGE = "mileage", _("indemnités kilométriques")
    MEALS = "meals", _("repas et réceptions")
    TELECOM = "telecom", _("téléphone, internet, affranchissement")
    BANK = "bank", _("frais bancaires")
    TRAINING = "training", _("formation")
    OTHER = "other", _("autres charges")


EXPENSE_ACCOUNTS: dict[str, str] = {
    ExpenseCategory.PURCHASES: "607",
    ExpenseCategory.MATERIALS: "601",
    ExpenseCategory.SUBCONTRACTING: "604",
    ExpenseCategory.SUPPLIES: "606",
    ExpenseCategory.RENT: "613",
    ExpenseCategory.INSURANCE: "616",
    ExpenseCategory.FEES: "622",
    ExpenseCategory.ADVERTISING: "623",
    ExpenseCategory.TRAVEL: "625",
    ExpenseCategory.MILEAGE: "6251",
    ExpenseCategory.MEALS: "6257",
    ExpenseCategory.TELECOM: "626",
    ExpenseCategory.BANK: "627",
    ExpenseCategory.TRAINING: "6333",
    ExpenseCategory.OTHER: "628",
}


def _amount(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, default=ZERO, **kwargs)


class Expense(Audited, models.Model):
    kind = models.CharField(_("type"), max_length=10, choices=ExpenseKind.choices, default=ExpenseKind.REPORT)
    status = models.CharField(
        _("état"), max_length=10, choices=ExpenseStatus.choices, default=ExpenseStatus.DRAFT
    )
    activity = models.ForeignKey(
        "entrepreneurs.Activity",
        verbose_name=_("activité"),
        on_delete=models.PROTECT,
        related_name="expenses",
    )
    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur",
        verbose_name=_("entrepreneur·e"),
        on_delete=models.PROTECT,
        related_name="expenses",
    )
    date = models.DateField(_("date de la dépense"))
    category = models.CharField(_("catégorie"), max_length=20, choices=ExpenseCategory.choices)
    description = models.CharField(_("description"), max_length=300)
    supplier = models.CharField(_("fournisseur"), max_length=200, blank=True)
    supplier_invoice_number = models.CharField(
        _("n° de la facture du fournisseur"), max_length=60, blank=True
    )
    due_date = models.DateField(_("date d'échéance"), null=True, blank=True)
    amount_ttc = _amount(_("montant TTC"))
    vat = _amount(_("dont TVA"))
    amount_ht = _amount(_("montant HT"))
    # Mileage allowance (category "mileage"): the amount comes from the official scale.
    distance_km = models.DecimalField(
        _("distance (km)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    fiscal_power = models.PositiveSmallIntegerField(_("puissance fiscale (CV)"), null=True, blank=True)
    vehicle = models.CharField(_("véhicule"), max_length=100, blank=True)
    receipt = models.FileField(
        _("justificatif"), upload_to="expenses/%Y/%m/", storage=private_documents_storage, blank=True
    )
    return_comment = models.TextField(_("commentaire de validation"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validée par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paid_on = models.DateField(_("payée le"), null=True, blank=True)
    payment_method = models.CharField(_("moyen de paiement"), max_length=10, blank=True)
    payment_reference = models.CharField(_("référence du paiement"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("dépense")
        verbose_name_plural = _("dépenses")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="expense_queue")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y} {self.description}"

    @property
    def account_code(self) -> str:
        return EXPENSE_ACCOUNTS[self.category]


class ExpenseEventKind(models.TextChoices):
    CREATED = "created", _("création")
    SUBMITTED = "submitted", _("soumission à validation")
    RETURNED = "returned", _("renvoi en brouillon")
    VALIDATED = "validated", _("validation")
    PAID = "paid", _("paiement")


class ExpenseEvent(models.Model):
    """One step in the life of an expense as its people see it (the audit trail keeps every field change).

    ``data`` holds what the step needs to be shown later: the amount validated, the payment's date and
    method, the entry's number.
    """

    expense = models.ForeignKey(
        Expense, verbose_name=_("dépense"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("étape"), max_length=20, choices=ExpenseEventKind.choices)
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
        verbose_name = _("étape de l'historique d'une dépense")
        verbose_name_plural = _("historique des dépenses")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()}"
