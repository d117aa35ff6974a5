"""Training: catalogue, sessions, registrations with their waiting list, attendance per half-day,
funding requests and training programmes.

Writes go through ``formation.services``; the half-day and hour arithmetic lives in
``formation.rules``; reads shared by several views in ``formation.selectors``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from coodyssee.audit import Audited
from formation import rules


class BpfObjective(models.TextChoices):
    """BPF frame F-3: the objective of the training actions."""

    RNCP = "rncp", _("Certification enregistrée au RNCP")
    RS = "rs", _("Certification ou habilitation enregistrée au répertoire spécifique")
    CQP = "cqp", _("CQP sans niveau de qualification")
    OTHER = "other", _("Autre formation professionnelle")


class TrainingType(Audited, models.Model):
    """An entry of the catalogue, with the information Qualiopi asks to publish before registration."""

    name = models.CharField(_("intitulé"), max_length=200, unique=True)
    objectives = models.TextField(_("objectifs pédagogiques"), blank=True)
    prerequisites = models.TextField(_("prérequis"), blank=True)
    audience = models.TextField(_("public visé"), blank=True)
    content = models.TextField(_("programme"), blank=True)
    duration_hours = models.DecimalField(
        _("durée indicative (heures)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.25"))],
    )
    teaching_methods = models.TextField(_("méthodes et moyens pédagogiques"), blank=True)
    evaluation = models.TextField(_("modalités d'évaluation"), blank=True)
    accessibility = models.TextField(
        _("accessibilité"),
        blank=True,
        help_text=_("Accueil des personnes en situation de handicap, référent·e, adaptations possibles."),
    )
    access_delay = models.CharField(_("délai d'accès"), max_length=200, blank=True)
    price = models.CharField(_("tarif"), max_length=200, blank=True)
    bpf_objective = models.CharField(
        _("objectif (BPF, cadre F-3)"),
        max_length=10,
        choices=BpfObjective.choices,
        default=BpfObjective.OTHER,
    )
    is_active = models.BooleanField(_("proposée au catalogue"), default=True)

    class Meta:
        verbose_name = _("formation du catalogue")
        verbose_name_plural = _("catalogue des formations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TrainingProgramme(Audited, models.Model):
    """A training programme agreed with a partner, such as the 2017 road-safety convention.

    ``training_days`` and ``participants`` are counts kept on the programme: participants may include
    people who have no record here (members of the support team, partners' staff).
    """

    name = models.CharField(_("nom"), max_length=200)
    partner = models.CharField(_("partenaire"), max_length=200, blank=True)
    signed_on = models.DateField(_("convention signée le"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("année"))
    training_days = models.PositiveSmallIntegerField(_("journées de formation"), default=0)
    participants = models.PositiveIntegerField(_("participant·es"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("programme de formation")
        verbose_name_plural = _("programmes de formation")
        ordering = ["-year", "name"]

    def __str__(self):
        return f"{self.name} ({self.year})"


class ProgrammeCommitment(Audited, models.Model):
    programme = models.ForeignKey(
        TrainingProgramme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="commitments"
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    text = models.CharField(_("engagement"), max_length=300)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["position", "id"]

    def __str__(self):
        return self.text

    def audit_target(self):
        return self.programme


class DayPart(models.TextChoices):
    MORNING = "morning", _("demi-journée (matin)")
    AFTERNOON = "afternoon", _("demi-journée (après-midi)")
    FULL_DAY = "full_day", _("journée entière")


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("en préparation")
    OPEN = "open", _("inscriptions ouvertes")
    CLOSED = "closed", _("inscriptions closes")
    HELD = "held", _("réalisée")
    CANCELLED = "cancelled", _("annulée")


class TrainingSession(Audited, models.Model):
    """One session of a catalogue training: one or several consecutive days, the same hours each day."""

    ref = models.CharField(
        _("référence"),
        max_length=30,
        unique=True,
        help_text=_("Identifiant stable, utilisé par les imports."),
    )
    training_type = models.ForeignKey(
        TrainingType, verbose_name=_("formation"), on_delete=models.PROTECT, related_name="sessions"
    )
    title = models.CharField(_("intitulé de la session"), max_length=200)
    date = models.DateField(_("date"))
    end_date = models.DateField(_("dernier jour"))
    day_part = models.CharField(
        _("chaque jour"), max_length=10, choices=DayPart.choices, default=DayPart.MORNING
    )
    start_time = models.TimeField(_("début"), null=True, blank=True)
    end_time = models.TimeField(_("fin"), null=True, blank=True)
    break_start = models.TimeField(_("début de la pause de midi"), null=True, blank=True)
    break_end = models.TimeField(_("fin de la pause de midi"), null=True, blank=True)
    duration_hours = models.DecimalField(
        _("durée (heures)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25"))],
        help_text=_("Durée de la session pour chaque stagiaire, tous jours confondus."),
    )
    place = models.CharField(_("lieu"), max_length=200)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("formateur·rice de l'équipe"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_sessions_given",
    )
    trainer_name = models.CharField(
        _("formateur·rice extérieur·e"),
        max_length=200,
        blank=True,
        help_text=_("Nom et organisme, quand la session est animée par une personne hors de l'équipe."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("places"), null=True, blank=True, help_text=_("Vide : sans limite.")
    )
    status = models.CharField(
        _("état"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    cancellation_deadline_hours = models.PositiveSmallIntegerField(
        _("désinscription possible jusqu'à (heures avant le début)"), default=48
    )
    programme = models.ForeignKey(
        TrainingProgramme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    note = models.TextField(_("informations pratiques"), blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("session de formation")
        verbose_name_plural = _("sessions de formation")
        ordering = ["-date", "start_time", "ref"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("date")), name="session_end_after_start"
            ),
            models.CheckConstraint(condition=Q(duration_hours__gt=0), name="session_duration_positive"),
        ]
        indexes = [models.Index(fields=["date"], name="training_session_date_idx")]

    def __str__(self):
        return f"{self.title} — {self.date:%d/%m/%Y}"

    @property
    def trainer_display(self) -> str:
        if self.trainer_id:
            return self.trainer.get_full_name() or self.trainer.email
        return self.trainer_name

    @cached_property
    def half_days(self) -> list[rules.HalfDay]:
        return rules.half_days(
            first_day=self.date,
            last_day=self.end_date,
            day_part=self.day_part,
            start=self.start_time,
            end=self.end_time,
            break_start=self.break_start,
            break_end=self.break_end,
        )

    @property
    def days(self) -> list[datetime.date]:
        return sorted({half_day.day for half_day in self.half_days})

    @property
    def is_multi_day(self) -> bool:
        return self.end_date != self.date

    @property
    def starts_at(self) -> datetime.datetime:
        """The first half-day's start, in the cooperative's time zone (midnight when no time is set)."""
        moment = datetime.datetime.combine(self.date, self.start_time or datetime.time(0, 0))
        return timezone.make_aware(moment)

    @property
    def cancellation_deadline(self) -> datetime.datetime:
        return self.starts_at - datetime.timedelta(hours=self.cancellation_deadline_hours)

    def hours_for(self, half_day_keys) -> Decimal:
        """Hours of presence for the given half-days (see ``rules.attended_hours``)."""
        return rules.attended_hours(self.duration_hours, self.half_days, half_day_keys)


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("inscrit·e")
    WAITING = "waiting", _("en liste d'attente")
    CANCELLED = "cancelled", _("désinscrit·e")


class TrainingRegistration(Audited, models.Model):
    """A person's place in a session, or on its waiting list (ordered by ``registered_at``).

    One row per (session, person): registering again after a cancellation reuses the row and puts
    the person at the end of the queue.
    """

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("session"), on_delete=models.PROTECT, related_name="registrations"
    )
    entrepreneur = models.ForeignKey(
        "entrepreneurs.Entrepreneur",
        verbose_name=_("entrepreneur·e"),
        on_delete=models.PROTECT,
        related_name="training_registrations",
    )
    status = models.CharField(
        _("état"), max_length=12, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    registered_at = models.DateTimeField(_("inscrit·e le"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inscrit·e par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    promoted_at = models.DateTimeField(_("sorti·e de la liste d'attente le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("désinscrit·e le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("désinscrit·e par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("inscription à une formation")
        verbose_name_plural = _("inscriptions aux formations")
        ordering = ["registered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "entrepreneur"], name="unique_training_registration"),
        ]
        indexes = [
            models.Index(fields=["session", "status", "registered_at"], name="training_reg_queue_idx"),
        ]

    def __str__(self):
        return f"{self.entrepreneur} — {self.session}"

    def audit_target(self):
        return self.session


class HalfDayPeriod(models.TextChoices):
    MORNING = rules.MORNING, _("matin")
    AFTERNOON = rules.AFTERNOON, _("après-midi")


class Attendance(Audited, models.Model):
    """Presence of one registered person at one half-day, as signed on the attendance sheet."""

    registration = models.ForeignKey(
        TrainingRegistration,
        verbose_name=_("inscription"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    day = models.DateField(_("jour"))
    period = models.CharField(_("demi-journée"), max_length=10, choices=HalfDayPeriod.choices)
    present = models.BooleanField(_("présent·e"), default=True)
    recorded_at = models.DateTimeField(_("saisi le"), auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        ordering = ["day", "period"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "day", "period"], name="unique_attendance"),
        ]

    def __str__(self):
        return f"{self.registration.entrepreneur} — {self.day:%d/%m/%Y} {self.get_period_display()}"

    @property
    def key(self) -> str:
        return rules.half_day_key(self.day, self.period)

    def audit_target(self):
        return self.registration.session


class FunderKind(models.TextChoices):
    """BPF frame C: where the income of training comes from."""

    OPCO = "opco", _("OPCO")
    PUBLIC = "public", _("pouvoirs publics (État, Région, France Travail…)")
    COMPANY = "company", _("entreprise")
    INDIVIDUAL = "individual", _("particulier")
    CPF = "cpf", _("CPF (Caisse des dépôts)")
    OTHER = "other", _("autre")


class FundingStatus(models.TextChoices):
    REQUESTED = "requested", _("demandée")
    ACCEPTED = "accepted", _("acceptée")
    REFUSED = "refused", _("refusée")


class FundingRequest(Audited, models.Model):
    """A request to fund a training, usually to the OPCO, and its outcome."""

    funder = models.CharField(_("financeur"), max_length=200)
    funder_kind = models.CharField(
        _("type de financeur"), max_length=12, choices=FunderKind.choices, default=FunderKind.OPCO
    )
    subject = models.CharField(_("objet"), max_length=200)
    reference = models.CharField(_("n° de dossier"), max_length=60, blank=True)
    training_type = models.ForeignKey(
        TrainingType,
        verbose_name=_("formation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funding_requests",
    )
    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funding_requests",
    )
    requested_on = models.DateField(_("demandé le"))
    amount_requested = models.DecimalField(
        _("montant demandé (€)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    status = models.CharField(
        _("décision"), max_length=12, choices=FundingStatus.choices, default=FundingStatus.REQUESTED
    )
    decided_on = models.DateField(_("décision le"), null=True, blank=True)
    amount_granted = models.DecimalField(
        _("montant accordé (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    note = models.TextField(_("remarques"), blank=True)

    class Meta:
        verbose_name = _("demande de financement")
        verbose_name_plural = _("demandes de financement")
        ordering = ["-requested_on", "-id"]
        indexes = [models.Index(fields=["requested_on"], name="funding_request_date_idx")]

    def __str__(self):
        return f"{self.funder} — {self.subject} ({self.requested_on:%d/%m/%Y})"
