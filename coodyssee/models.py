from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from coodyssee.audit import Audited
from coodyssee.permissions import STAFF_ROLES, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(Audited, AbstractBaseUser, PermissionsMixin):
    """A person who signs in. What they may do comes from their ``RoleGrant`` rows."""

    audit_exclude = ("password", "last_login")

    email = models.EmailField(_("adresse e-mail"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("créé le"), default=timezone.now)
    invited_at = models.DateTimeField(_("invité le"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_absolute_url(self):
        return reverse("backoffice:person", args=[self.pk])

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def is_staff(self):
        # Django admin is for superusers only; the support team works in the back-office.
        return self.is_superuser

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.pk:
            return frozenset()
        if hasattr(self, "_prefetched_objects_cache") and "role_grants" in self._prefetched_objects_cache:
            return frozenset(grant.role for grant in self.role_grants.all())
        return frozenset(self.role_grants.values_list("role", flat=True))

    @property
    def is_support_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    def forget_roles(self):
        self.__dict__.pop("roles", None)


class RoleGrant(Audited, models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(_("attribué le"), default=timezone.now)

    class Meta:
        verbose_name = _("rôle attribué")
        verbose_name_plural = _("rôles attribués")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}"

    def audit_target(self):
        return self.user


class Cooperative(Audited, models.Model):
    """The cooperative this deployment serves (one row): identity shown on every page and document."""

    name = models.CharField(_("nom"), max_length=200)
    legal_form = models.CharField(_("forme juridique"), max_length=200, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    vat_number = models.CharField(_("n° de TVA intracommunautaire"), max_length=20, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    email = models.EmailField(_("e-mail de contact"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    logo = models.ImageField(_("logo"), upload_to="cooperative/", blank=True)
    default_contribution_rate = models.DecimalField(
        _("taux de contribution par défaut (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    # Invoicing: legal identity printed on every invoice (Code de commerce L441-9, CGI ann. II 242 nonies A)
    # and the invoicing options; the numbering formats are checked by comptabilite.numbering.
    siret = models.CharField(_("SIRET du siège"), max_length=14, blank=True)
    share_capital = models.DecimalField(
        _("capital social (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Laisser vide pour un capital variable déjà indiqué dans la forme juridique."),
    )
    rcs_city = models.CharField(_("ville du greffe (RCS)"), max_length=100, blank=True)
    ape_code = models.CharField(_("code APE / NAF"), max_length=10, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    late_penalty_rate = models.DecimalField(
        _("taux des pénalités de retard (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("12.15"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Par défaut : taux de refinancement de la BCE + 10 points (2,15 % au 1er janvier 2026)."),
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        _("délai de paiement par défaut (jours)"), default=30, validators=[MaxValueValidator(60)]
    )
    vat_on_debits = models.BooleanField(
        _("option pour le paiement de la TVA d'après les débits"), default=False
    )
    invoice_number_format = models.CharField(
        _("format des numéros de facture"), max_length=40, default="{year}-{seq:05d}"
    )
    credit_note_number_format = models.CharField(
        _("format des numéros d'avoir"),
        max_length=40,
        default="AV{year}-{seq:05d}",
        blank=True,
        help_text=_("Laisser vide pour numéroter les avoirs dans la série des factures."),
    )
    quote_number_format = models.CharField(
        _("format des numéros de devis"), max_length=40, default="D{year}-{seq:05d}"
    )
    # Accounting: closing date of the ledger, VAT return period, treasury alerts.
    ledger_closed_until = models.DateField(
        _("comptabilité clôturée jusqu'au"),
        null=True,
        blank=True,
        help_text=_("Aucune écriture ne peut être passée à cette date ou avant."),
    )
    vat_period = models.CharField(
        _("périodicité des déclarations de TVA"),
        max_length=10,
        choices=[("month", _("mensuelle (CA3)")), ("quarter", _("trimestrielle (CA3)"))],
        default="month",
    )
    treasury_alert_threshold = models.DecimalField(
        _("seuil d'alerte de trésorerie (€)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text=_("Une activité dont la trésorerie disponible passe sous ce seuil est signalée."),
    )
    forecast_drift_percent = models.PositiveSmallIntegerField(
        _("écart toléré à la prévision (%)"),
        default=30,
        help_text=_(
            "Au-delà, l'activité est signalée (chiffre d'affaires de l'année à date contre prévision)."
        ),
    )

    class Meta:
        verbose_name = _("coopérative")
        verbose_name_plural = _("coopérative")

    def __str__(self):
        return self.name


class AuditEntry(models.Model):
    """Who changed what, when: one row per create, update or delete of an audited record."""

    class Action(models.TextChoices):
        CREATE = "create", _("création")
        UPDATE = "update", _("modification")
        DELETE = "delete", _("suppression")

    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("auteur"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("auteur (texte)"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("objet"), max_length=300)
    # The record whose history page shows this entry (a role grant shows on its person).
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    changes = models.JSONField(_("changements"), default=dict)

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "-at"], name="audit_target_idx")]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_action_display()} {self.object_repr}"
