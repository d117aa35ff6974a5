"""The entrepreneur's journey: identity, activities, journey steps, information sessions, appointments.

Writes go through ``entrepreneurs.services`` (rules in ``entrepreneurs.rules``); reads shared by
views through ``entrepreneurs.selectors``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coodyssee.audit import Audited


class Territory(Audited, models.Model):
    """A local area the cooperative works in (configurable list: Gapençais, Buëch, Briançonnais…)."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)
    is_active = models.BooleanField(_("proposé dans les listes"), default=True)

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class JourneyStatus(models.TextChoices):
    PROSPECT = "prospect", _("Porteur·se de projet")
    CAPE = "cape", _("CAPE / convention")
    CESA = "cesa", _("CESA (entrepreneur·e salarié·e)")
    ASSOCIATE = "associate", _("Associé·e")
    EXITED = "exited", _("Sorti·e")


PRESENT_STATUSES = (JourneyStatus.CAPE, JourneyStatus.CESA, JourneyStatus.ASSOCIATE)


class Entrepreneur(Audited, models.Model):
    """A person accompanied by the cooperative, from first contact to exit.

    The journey fields at the bottom are a summary of the person's ``JourneyStep`` rows, rebuilt by
    ``services.journey_summary_refresh`` after every change of the journey (they let the dashboard
    and lists filter in the database instead of replaying every journey).
    """

    ref = models.CharField(
        _("référence"),
        max_length=30,
        blank=True,
        default="",
        help_text=_("Identifiant stable de la personne, utilisé par les imports."),
    )
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entrepreneurs",
    )
    rsa_beneficiary = models.BooleanField(_("bénéficiaire du RSA"), default=False)
    rsa_followup = models.CharField(
        _("suivi RSA par le Département"),
        max_length=200,
        blank=True,
        help_text=_("Référent·e ou dispositif de suivi au Département."),
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("référent·e dans l'équipe d'appui"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referred_entrepreneurs",
    )
    contribution_rate = models.DecimalField(
        _("taux de contribution (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Laisser vide pour appliquer le taux par défaut de la coopérative."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entrepreneur",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    # Journey summary (derived from the steps, never edited directly).
    status = models.CharField(
        _("situation"),
        max_length=12,
        choices=JourneyStatus.choices,
        default=JourneyStatus.PROSPECT,
        editable=False,
    )
    entry_date = models.DateField(_("date d'entrée"), null=True, blank=True, editable=False)
    exit_date = models.DateField(_("date de sortie"), null=True, blank=True, editable=False)
    cesa_date = models.DateField(_("signature du CESA"), null=True, blank=True, editable=False)
    associate_date = models.DateField(_("devenu·e associé·e le"), null=True, blank=True, editable=False)
    cape_end_date = models.DateField(_("fin prévue du CAPE"), null=True, blank=True, editable=False)
    trial_end_date = models.DateField(_("fin de la période d'essai"), null=True, blank=True, editable=False)
    associate_deadline = models.DateField(
        _("date limite pour devenir associé·e"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("entrepreneur·e")
        verbose_name_plural = _("entrepreneur·es")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["ref"], condition=~Q(ref=""), name="unique_entrepreneur_ref"),
        ]
        indexes = [
            models.Index(fields=["status", "associate_deadline"], name="entrepreneur_deadline_idx"),
            models.Index(fields=["status", "cape_end_date"], name="entrepreneur_cape_end_idx"),
            models.Index(fields=["status", "trial_end_date"], name="entrepreneur_trial_end_idx"),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def is_present(self) -> bool:
        return self.status in PRESENT_STATUSES

    @property
    def contact_email(self) -> str:
        """Where to write to the person: their record's address, else their account's (load ``user``)."""
        return self.email or (self.user.email if self.user_id else "")


class ActivityKind(models.TextChoices):
    INDIVIDUAL = "individual", _("individuelle")
    SHARED = "shared", _("partagée")


class Activity(Audited, models.Model):
    """The analytic unit that invoices and the ledger book to.

    Each entrepreneur gets an individual activity when created; a shared activity groups several
    entrepreneurs (the decree requires a convention between them).
    """

    code = models.CharField(_("code analytique"), max_length=20, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=12, choices=ActivityKind.choices, default=ActivityKind.INDIVIDUAL
    )
    members = models.ManyToManyField(
        Entrepreneur, through="ActivityMembership", related_name="activities", verbose_name=_("membres")
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("activité")
        verbose_name_plural = _("activités")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} — {self.name}"


class ActivityMembership(Audited, models.Model):
    activity = models.ForeignKey(
        Activity, verbose_name=_("activité"), on_delete=models.CASCADE, related_name="memberships"
    )
    entrepreneur = models.ForeignKey(
        Entrepreneur,
        verbose_name=_("entrepreneur·e"),
        on_delete=models.CASCADE,
        related_name="activity_memberships",
    )
    joined_on = models.DateField(_("depuis le"), null=True, blank=True)

    class Meta:
        verbose_name = _("membre d'une activité")
        verbose_name_plural = _("membres des activités")
        constraints = [
            models.UniqueConstraint(fields=["activity", "entrepreneur"], name="unique_activity_member"),
        ]

    def __str__(self):
        return f"{self.entrepreneur} — {self.activity}"

    def audit_target(self):
        return self.entrepreneur


class InfoSession(Audited, models.Model):
    """A collective information session or a permanence, with its counts of people."""

    class Kind(models.TextChoices):
        COLLECTIVE = "collective", _("information collective")
        PERMANENCE = "permanence", _("permanence")

    date = models.DateField(_("date"))
    place = models.CharField(_("lieu"), max_length=200)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.COLLECTIVE)
    registered = models.PositiveIntegerField(_("personnes inscrites"), default=0)
    attended = models.PositiveIntegerField(_("personnes reçues"), default=0)
    note = models.TextField(_("remarques"), blank=True)

    class Meta:
        verbose_name = _("information collective")
        verbose_name_plural = _("informations collectives et permanences")
        ordering = ["-date", "place"]
        constraints = [
            models.UniqueConstraint(fields=["date", "place"], name="unique_info_session_date_place"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.place} ({self.date:%d/%m/%Y})"


class StepKind(models.TextChoices):
    # The values are those of journey.csv (docs/import-format.md): keep them stable.
    INFO_SESSION = "info_session", _("Information collective")
    CAPE = "cape", _("CAPE / convention")
    CESA = "cesa", _("Signature du CESA")
    ASSOCIATE = "associate", _("Admission comme associé·e")
    EXIT = "exit", _("Sortie")


class ContractType(models.TextChoices):
    CAPE = "cape", _("CAPE (contrat d'appui au projet d'entreprise)")
    CONVENTION = "convention", _("Convention d'accompagnement")


class ExitReason(models.TextChoices):
    RESIGNATION = "resignation", _("Démission")
    MUTUAL_TERMINATION = "mutual_termination", _("Rupture conventionnelle")
    DISMISSAL = "dismissal", _("Licenciement")
    TRIAL_PERIOD = "trial_period", _("Fin de la période d'essai")
    ASSOCIATE_DEADLINE = "associate_deadline", _("Délai pour devenir associé·e échu")
    CAPE_END = "cape_end", _("Fin du CAPE ou de la convention sans suite")
    COMPANY_CREATION = "company_creation", _("Création de sa propre entreprise")
    SALARIED_JOB = "salaried_job", _("Retour à l'emploi salarié")
    RETIREMENT = "retirement", _("Départ en retraite")
    OTHER = "other", _("Autre motif")


class JourneyStep(Audited, models.Model):
    """One dated step of a journey. Steps are appended in order; rules live in ``entrepreneurs.rules``.

    A ``cape`` step is a CAPE or convention period: the first one starts the contract, each later one
    is a renewal (at most two).
    """

    entrepreneur = models.ForeignKey(
        Entrepreneur, verbose_name=_("entrepreneur·e"), on_delete=models.CASCADE, related_name="journey_steps"
    )
    kind = models.CharField(_("étape"), max_length=12, choices=StepKind.choices)
    date = models.DateField(_("date"))
    contract = models.CharField(_("type de contrat"), max_length=12, choices=ContractType.choices, blank=True)
    planned_end = models.DateField(_("fin prévue"), null=True, blank=True)
    trial_end = models.DateField(_("fin de la période d'essai"), null=True, blank=True)
    exit_reason = models.CharField(
        _("motif de sortie"), max_length=20, choices=ExitReason.choices, blank=True
    )
    reason_detail = models.CharField(_("précision sur le motif"), max_length=200, blank=True)
    info_session = models.ForeignKey(
        InfoSession,
        verbose_name=_("information collective"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="prospect_steps",
    )
    note = models.TextField(_("remarques"), blank=True)

    class Meta:
        verbose_name = _("étape du parcours")
        verbose_name_plural = _("étapes du parcours")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entrepreneur", "kind"],
                condition=Q(kind__in=[StepKind.CESA, StepKind.ASSOCIATE, StepKind.EXIT]),
                name="unique_once_per_journey",
            ),
        ]
        indexes = [models.Index(fields=["kind", "date"], name="journey_step_kind_date_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.date:%d/%m/%Y}"

    def audit_target(self):
        return self.entrepreneur


class Appointment(Audited, models.Model):
    """An accompaniment appointment between a member of the support team and an entrepreneur."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Entretien individuel")
        MANAGEMENT = "management", _("Point de gestion")
        PHONE = "phone", _("Entretien téléphonique")
        VIDEO = "video", _("Visioconférence")
        VISIT = "visit", _("Visite sur le lieu d'activité")

    class Status(models.TextChoices):
        PLANNED = "planned", _("prévu")
        DONE = "done", _("réalisé")
        CANCELLED = "cancelled", _("annulé")

    entrepreneur = models.ForeignKey(
        Entrepreneur, verbose_name=_("entrepreneur·e"), on_delete=models.CASCADE, related_name="appointments"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre de l'équipe d'appui"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )
    date = models.DateField(_("date"))
    time = models.TimeField(_("heure"), null=True, blank=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.INTERVIEW)
    status = models.CharField(_("état"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    notes = models.TextField(_("compte rendu"), blank=True)

    class Meta:
        verbose_name = _("rendez-vous d'accompagnement")
        verbose_name_plural = _("rendez-vous d'accompagnement")
        ordering = ["date", "time", "id"]
        indexes = [models.Index(fields=["date"], name="appointment_date_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.entrepreneur} ({self.date:%d/%m/%Y})"

    def audit_target(self):
        return self.entrepreneur
