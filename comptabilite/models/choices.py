"""Enumerations and fixed lists of the invoicing documents (values are stored: keep them stable)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerKind(models.TextChoices):
    COMPANY = "company", _("professionnel (entreprise, association, collectivité)")
    PERSON = "person", _("particulier")


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("facture")
    CREDIT_NOTE = "credit_note", _("avoir")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    SUBMITTED = "submitted", _("soumise au contrôle")
    CONTROLLED = "controlled", _("contrôlée, prête à émettre")
    ISSUED = "issued", _("émise")


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    SENT = "sent", _("envoyé")
    ACCEPTED = "accepted", _("accepté")
    REFUSED = "refused", _("refusé")
    INVOICED = "invoiced", _("facturé")


class OperationCategory(models.TextChoices):
    # Mention added by the e-invoicing reform (décret 2022-1299).
    GOODS = "goods", _("livraison de biens")
    SERVICES = "services", _("prestation de services")
    MIXED = "mixed", _("mixte (biens et services)")


class PaymentStatus(models.TextChoices):
    """Computed from the amounts and the due date, never stored."""

    UNPAID = "unpaid", _("à payer")
    PARTLY_PAID = "partly_paid", _("payée en partie")
    PAID = "paid", _("payée")
    OVERDUE = "overdue", _("en retard")


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("virement")
    CHEQUE = "cheque", _("chèque")
    CARD = "card", _("carte bancaire")
    CASH = "cash", _("espèces")
    OTHER = "other", _("autre")


class VatExemption(models.TextChoices):
    """The mention an invoice must carry when a line is at 0 % (label = the printed mention)."""

    FRANCHISE = "franchise", _("TVA non applicable, art. 293 B du CGI")
    REVERSE_CHARGE = "reverse_charge", _("Autoliquidation")
    INTRA_EU = "intra_eu", _("Exonération de TVA, art. 262 ter I du CGI (livraison intracommunautaire)")
    EXEMPT_261 = "exempt_261", _("Exonération de TVA, art. 261 du CGI")


# EN 16931 VAT category (UNTDID 5305) and VATEX code of each exemption, for the Factur-X XML.
VAT_EXEMPTION_CATEGORIES: dict[str, tuple[str, str]] = {
    VatExemption.FRANCHISE: ("E", "VATEX-FR-FRANCHISE"),
    VatExemption.REVERSE_CHARGE: ("AE", "VATEX-EU-AE"),
    VatExemption.INTRA_EU: ("K", "VATEX-EU-IC"),
    VatExemption.EXEMPT_261: ("E", ""),
}

# French VAT rates in percent (CGI art. 278, 279, 278-0 bis, 281 quater) and 0 with an exemption mention.
VAT_RATES: tuple[Decimal, ...] = (
    Decimal("20.00"),
    Decimal("10.00"),
    Decimal("5.50"),
    Decimal("2.10"),
    Decimal("0.00"),
)
VAT_RATE_CHOICES = [(rate, f"{rate.normalize():f} %".replace(".", ",")) for rate in VAT_RATES]

DEFAULT_EARLY_PAYMENT_TEXT = "Pas d'escompte pour paiement anticipé."
RECOVERY_INDEMNITY = Decimal("40.00")  # Code de commerce D441-5, per late B2B invoice
MAX_PAYMENT_DAYS = 60  # L441-10: 60 days from the invoice date…
MAX_PAYMENT_DAYS_END_OF_MONTH = 45  # …or 45 days end of month

# What the controller checks before accepting a document (all must be ticked to accept).
CONTROL_CHECKLIST: tuple[tuple[str, str], ...] = (
    ("customer", _("Client identifié : nom, adresse complète, SIREN ou n° de TVA d'un professionnel")),
    ("activity", _("Prestation ou vente conforme à l'activité de l'entrepreneur·e")),
    ("lines", _("Désignations, quantités, prix unitaires et taux de TVA exacts")),
    (
        "mentions",
        _("Mentions obligatoires : catégorie d'opération, date de prestation, exonération éventuelle"),
    ),
    ("terms", _("Conditions de paiement conformes (60 jours ou 45 jours fin de mois au plus)")),
)


class EventKind(models.TextChoices):
    CREATED = "created", _("création")
    UPDATED = "updated", _("modification")
    SUBMITTED = "submitted", _("soumission au contrôle")
    RETURNED = "returned", _("renvoi en brouillon")
    ACCEPTED = "accepted", _("contrôle accepté")
    ISSUED = "issued", _("émission")
    SENT = "sent", _("envoi au client")
    PAYMENT = "payment", _("paiement enregistré")
    PAYMENT_CANCELLED = "payment_cancelled", _("paiement annulé")
    CREDITED = "credited", _("avoir émis")
    REMINDER = "reminder", _("relance préparée")
    REMINDER_SENT = "reminder_sent", _("relance envoyée")
    IMPORTED = "imported", _("import de l'historique")
    QUOTE_STATUS = "quote_status", _("changement d'état du devis")
    CONVERTED = "converted", _("devis transformé en facture")


class DunningChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    LETTER = "letter", _("courrier")


class DunningStatus(models.TextChoices):
    PREPARED = "prepared", _("préparée")
    SENT = "sent", _("envoyée")
