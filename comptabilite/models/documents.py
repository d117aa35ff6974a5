"""Invoices and credit notes, their lines, and the numbering counters.

An issued document never changes and is never deleted (CGI art. 289; corrections are credit notes).
That is enforced on every path, not only in the services:

- ``Invoice.save()`` compares the frozen fields with the stored row once it is issued; only the payment
  summary (``amount_paid``, ``amount_credited``) may change, and the PDF may be stored once;
- ``Invoice.delete()``, ``InvoiceQuerySet.delete()`` / ``.update()`` refuse issued rows, and a
  ``pre_delete`` receiver refuses cascades (the collector bypasses both);
- lines of an issued document refuse ``save()``, ``delete()`` and queryset writes the same way;
- the database itself has triggers (migration 0002): on PostgreSQL an issued row refuses UPDATE of a
  frozen column and DELETE; on SQLite it refuses UPDATE (DELETE is left out there because Django's test
  flush empties tables with DELETE on SQLite, whereas it TRUNCATEs on PostgreSQL).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from comptabilite.models.choices import (
    DEFAULT_EARLY_PAYMENT_TEXT,
    RECOVERY_INDEMNITY,
    CustomerKind,
    DocumentKind,
    InvoiceStatus,
    OperationCategory,
    PaymentStatus,
    VatExemption,
)
from comptabilite.storage import private_documents_storage
from coodyssee.audit import Audited
from coodyssee.errors import DomainError

ZERO = Decimal("0.00")

# Fields that may still change once a document is issued: the payment summary kept by the services, the
# stored PDF (set once: see ``_check_pdf_set_once``) and the row's own timestamp. Everything else is frozen.
MUTABLE_AFTER_ISSUE = frozenset({"amount_paid", "amount_credited", "pdf", "pdf_sha256", "updated_at"})


class IssuedDocumentError(DomainError):
    """Raised by any attempt to change or delete an issued document."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or str(
                _("Une facture ou un avoir émis ne peut être ni modifié ni supprimé : établissez un avoir.")
            )
        )


def _amount(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, default=ZERO, **kwargs)


def _comparable(field: models.Field, value):
    if isinstance(field, models.FileField):
        return getattr(value, "name", value) or ""
    return field.to_python(value)


class InvoiceQuerySet(models.QuerySet):
    def issued(self):
        return self.filter(status=InvoiceStatus.ISSUED)

    def update(self, **kwargs):
        if set(kwargs) - MUTABLE_AFTER_ISSUE and self.filter(status=InvoiceStatus.ISSUED).exists():
            raise IssuedDocumentError()
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status=InvoiceStatus.ISSUED).exists():
            raise IssuedDocumentError()
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True
    update.alters_data = True


class Invoice(Audited, models.Model):
    """An invoice or a credit note (``kind``), from draft to issued.

    Amounts are stored positive for both kinds (as in invoices.csv and EN 16931): the kind says a credit
    note reduces what its invoice's customer owes. Drafts show the customer's current identity; issuing
    copies the seller's and the buyer's identity into the ``seller_*`` / ``buyer_*`` fields.
    """

    kind = models.CharField(
        _("type"), max_length=12, choices=DocumentKind.choices, default=DocumentKind.INVOICE
    )
    status = models.CharField(
        _("état"), max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    activity = models.ForeignKey(
        "entrepreneurs.Activity",
        verbose_name=_("activité"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur",
        verbose_name=_("entrepreneur·e"),
        on_delete=models.PROTECT,
        related_name="invoices",
        help_text=_("La personne dont le chiffre d'affaires et la contribution comptent ce document."),
    )
    customer = models.ForeignKey(
        "comptabilite.Customer", verbose_name=_("client"), on_delete=models.PROTECT, related_name="invoices"
    )
    quote = models.ForeignKey(
        "comptabilite.Quote",
        verbose_name=_("devis d'origine"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    credited_invoice = models.ForeignKey(
        "self",
        verbose_name=_("facture corrigée"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
    )

    # Numbering (see comptabilite.numbering): assigned when issued, gapless per series and year.
    number = models.CharField(_("numéro"), max_length=40, blank=True)
    series = models.CharField(_("série"), max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(_("année de la série"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("rang dans la série"), null=True, blank=True)

    date = models.DateField(_("date d'émission"), null=True, blank=True)
    service_date = models.DateField(
        _("date de la vente ou de la prestation"),
        null=True,
        blank=True,
        help_text=_("À indiquer si elle diffère de la date de la facture."),
    )
    due_date = models.DateField(_("date d'échéance"), null=True, blank=True)

    subject = models.CharField(_("objet"), max_length=200, blank=True)
    notes = models.TextField(_("mentions complémentaires"), blank=True)
    operation_category = models.CharField(
        _("catégorie d'opération"),
        max_length=10,
        choices=OperationCategory.choices,
        default=OperationCategory.SERVICES,
    )
    purchase_order_ref = models.CharField(_("n° de bon de commande"), max_length=100, blank=True)
    delivery_address = models.TextField(
        _("adresse de livraison"), blank=True, help_text=_("Si elle diffère de l'adresse du client.")
    )
    payment_terms_days = models.PositiveSmallIntegerField(_("délai de paiement (jours)"), default=30)
    payment_terms_end_of_month = models.BooleanField(_("fin de mois"), default=False)
    early_payment_discount = models.CharField(
        _("escompte pour paiement anticipé"), max_length=200, default=DEFAULT_EARLY_PAYMENT_TEXT
    )
    late_penalty_rate = models.DecimalField(
        _("taux des pénalités de retard (%)"), max_digits=5, decimal_places=2, default=Decimal("12.15")
    )
    recovery_indemnity = models.DecimalField(
        _("indemnité forfaitaire pour frais de recouvrement"),
        max_digits=6,
        decimal_places=2,
        default=RECOVERY_INDEMNITY,
        help_text=_("40 € entre professionnels ; 0 pour un particulier."),
    )
    vat_on_debits = models.BooleanField(
        _("option pour le paiement de la TVA d'après les débits"), default=False
    )
    vat_exemption = models.CharField(
        _("mention d'exonération de TVA"), max_length=20, choices=VatExemption.choices, blank=True
    )
    return_comment = models.TextField(
        _("commentaire du contrôle"), blank=True, help_text=_("Motif du dernier renvoi en brouillon.")
    )

    total_ht = _amount(_("total HT"))
    total_vat = _amount(_("total TVA"))
    total_ttc = _amount(_("total TTC"))
    # [{"rate": "20.00", "base": "100.00", "vat": "20.00"}, …], highest rate first.
    vat_breakdown = models.JSONField(_("ventilation de la TVA"), default=list, blank=True)
    amount_paid = _amount(_("montant encaissé"))
    amount_credited = _amount(_("montant des avoirs (TTC)"))

    # The seller's identity at issue (the cooperative).
    seller_name = models.CharField(_("vendeur"), max_length=200, blank=True)
    seller_legal_form = models.CharField(_("forme juridique"), max_length=200, blank=True)
    seller_share_capital = models.DecimalField(
        _("capital social"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    seller_siren = models.CharField(_("SIREN du vendeur"), max_length=9, blank=True)
    seller_siret = models.CharField(_("SIRET du vendeur"), max_length=14, blank=True)
    seller_rcs = models.CharField(_("RCS"), max_length=100, blank=True)
    seller_vat_number = models.CharField(_("n° de TVA du vendeur"), max_length=20, blank=True)
    seller_ape_code = models.CharField(_("code APE"), max_length=10, blank=True)
    seller_address = models.TextField(_("adresse du vendeur"), blank=True)
    seller_postcode = models.CharField(_("code postal du vendeur"), max_length=20, blank=True)
    seller_city = models.CharField(_("ville du vendeur"), max_length=100, blank=True)
    seller_country = models.CharField(_("pays du vendeur"), max_length=2, blank=True)
    seller_email = models.CharField(_("e-mail du vendeur"), max_length=254, blank=True)
    seller_phone = models.CharField(_("téléphone du vendeur"), max_length=30, blank=True)
    seller_iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    seller_bic = models.CharField(_("BIC"), max_length=11, blank=True)

    # The buyer's identity at issue (the customer).
    buyer_kind = models.CharField(
        _("type de client"), max_length=10, choices=CustomerKind.choices, blank=True
    )
    buyer_name = models.CharField(_("client"), max_length=200, blank=True)
    buyer_address_line1 = models.CharField(_("adresse du client"), max_length=200, blank=True)
    buyer_address_line2 = models.CharField(_("complément d'adresse du client"), max_length=200, blank=True)
    buyer_postcode = models.CharField(_("code postal du client"), max_length=20, blank=True)
    buyer_city = models.CharField(_("ville du client"), max_length=100, blank=True)
    buyer_country = models.CharField(_("pays du client"), max_length=2, blank=True)
    buyer_siren = models.CharField(_("SIREN du client"), max_length=9, blank=True)
    buyer_siret = models.CharField(_("SIRET du client"), max_length=14, blank=True)
    buyer_vat_number = models.CharField(_("n° de TVA du client"), max_length=20, blank=True)
    buyer_email = models.CharField(_("e-mail du client"), max_length=254, blank=True)

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
    submitted_at = models.DateTimeField(_("soumis le"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("soumis par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    controlled_at = models.DateTimeField(_("contrôlé le"), null=True, blank=True)
    controlled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contrôlé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("émis le"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("émis par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_imported = models.BooleanField(_("importé de l'historique"), default=False)
    pdf = models.FileField(
        _("PDF émis"),
        upload_to="documents/%Y/",
        storage=private_documents_storage,
        blank=True,
        max_length=200,
    )
    pdf_sha256 = models.CharField(_("empreinte SHA-256 du PDF"), max_length=64, blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("facture ou avoir")
        verbose_name_plural = _("factures et avoirs")
        ordering = ["-date", "-sequence", "-pk"]
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "number"], condition=~Q(number=""), name="unique_invoice_number"
            ),
            models.UniqueConstraint(
                fields=["series", "year", "sequence"],
                condition=Q(sequence__isnull=False),
                name="unique_invoice_sequence",
            ),
            models.CheckConstraint(
                condition=~Q(status=InvoiceStatus.ISSUED) | (~Q(number="") & Q(date__isnull=False)),
                name="issued_invoice_has_number_and_date",
            ),
            models.CheckConstraint(
                condition=Q(kind=DocumentKind.CREDIT_NOTE) | Q(credited_invoice__isnull=True),
                name="only_credit_notes_refer_to_an_invoice",
            ),
            models.CheckConstraint(
                condition=Q(total_ht__gte=0) & Q(total_vat__gte=0) & Q(amount_paid__gte=0),
                name="invoice_amounts_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="invoice_status_submitted_idx"),
            models.Index(fields=["kind", "status", "due_date"], name="invoice_kind_status_due_idx"),
            models.Index(fields=["activity", "status"], name="invoice_activity_status_idx"),
            models.Index(fields=["date"], name="invoice_date_idx"),
        ]

    def __str__(self):
        label = DocumentKind(self.kind).label.capitalize()
        return f"{label} {self.number}" if self.number else f"{label} ({InvoiceStatus(self.status).label})"

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or set(update_fields) - MUTABLE_AFTER_ISSUE:
                self._check_frozen()
            elif {"pdf", "pdf_sha256"} & set(update_fields):
                self._check_pdf_set_once()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if (
            self.pk is not None
            and type(self)._base_manager.filter(pk=self.pk, status=InvoiceStatus.ISSUED).exists()
        ):
            raise IssuedDocumentError()
        return super().delete(*args, **kwargs)

    # --- state -------------------------------------------------------------------------------------

    @property
    def is_issued(self) -> bool:
        return self.status == InvoiceStatus.ISSUED

    @property
    def is_credit_note(self) -> bool:
        return self.kind == DocumentKind.CREDIT_NOTE

    @property
    def amount_due(self) -> Decimal:
        """What the customer still owes (negative: the cooperative owes a refund after a credit note)."""
        if self.is_credit_note:
            return ZERO
        return self.total_ttc - self.amount_credited - self.amount_paid

    def payment_status(self, today) -> str | None:
        """``PaymentStatus`` of an issued invoice on ``today`` (None for drafts and credit notes)."""
        if not self.is_issued or self.is_credit_note:
            return None
        due = self.amount_due
        if due <= 0:
            return PaymentStatus.PAID
        if self.due_date is not None and self.due_date < today:
            return PaymentStatus.OVERDUE
        return PaymentStatus.PARTLY_PAID if self.amount_paid > 0 else PaymentStatus.UNPAID

    def vat_lines(self) -> list[tuple[Decimal, Decimal, Decimal]]:
        """The stored VAT breakdown as ``(rate, base HT, VAT)`` Decimals."""
        return [(Decimal(v["rate"]), Decimal(v["base"]), Decimal(v["vat"])) for v in self.vat_breakdown]

    # --- immutability -----------------------------------------------------------------------------

    def _stored(self, names) -> dict | None:
        fields = [self._meta.get_field(name) for name in names]
        return type(self)._base_manager.filter(pk=self.pk).values(*[f.attname for f in fields]).first()

    def _check_frozen(self) -> None:
        if getattr(self, "locked_unissued", False):
            # The issuing service read this row not yet issued under SELECT … FOR UPDATE, in this
            # transaction: nobody else can have issued it since. (The database trigger still guards.)
            return
        fields = [f for f in self._meta.concrete_fields if not f.primary_key]
        stored = self._stored([f.name for f in fields])
        if stored is None or stored["status"] != InvoiceStatus.ISSUED:
            return
        for field in fields:
            if field.name in MUTABLE_AFTER_ISSUE:
                continue
            if _comparable(field, getattr(self, field.attname)) != _comparable(field, stored[field.attname]):
                raise IssuedDocumentError()
        self._check_pdf_set_once(stored)

    def _check_pdf_set_once(self, stored: dict | None = None) -> None:
        stored = stored or self._stored(["status", "pdf", "pdf_sha256"])
        if stored is None or stored["status"] != InvoiceStatus.ISSUED:
            return
        if stored["pdf"] and (self.pdf.name or "") != stored["pdf"]:
            raise IssuedDocumentError(str(_("Le PDF d'un document émis est conservé tel quel.")))
        if stored["pdf_sha256"] and self.pdf_sha256 != stored["pdf_sha256"]:
            raise IssuedDocumentError(str(_("Le PDF d'un document émis est conservé tel quel.")))


@receiver(pre_delete, sender=Invoice, dispatch_uid="invoice_refuse_issued_delete")
def _refuse_issued_invoice_delete(sender, instance, **kwargs):
    if Invoice.objects.filter(pk=instance.pk, status=InvoiceStatus.ISSUED).exists():
        raise IssuedDocumentError()
