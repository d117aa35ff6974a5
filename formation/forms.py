"""Forms of the training pages. They only parse input; rules live in ``formation.services``."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coodyssee.errors import DomainError
from coodyssee.models import User
from entrepreneurs.forms import DateInput, StaffChoiceField, TimeInput, staff_queryset
from entrepreneurs.models import Entrepreneur
from formation.models import (
    BpfObjective,
    DayPart,
    FunderKind,
    FundingStatus,
    RegistrationStatus,
    SessionStatus,
    TrainingProgramme,
    TrainingRegistration,
    TrainingSession,
    TrainingType,
)

TEXTAREA = {"rows": 3}


def _initial_from(instance, form_class) -> dict:
    return {name: getattr(instance, name) for name in form_class.base_fields if hasattr(instance, name)}


class TrainingTypeForm(forms.Form):
    name = forms.CharField(label=_("Intitulé"), max_length=200)
    objectives = forms.CharField(
        label=_("Objectifs pédagogiques"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Ce que la personne saura faire à l'issue de la formation."),
    )
    prerequisites = forms.CharField(
        label=_("Prérequis"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    audience = forms.CharField(label=_("Public visé"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    content = forms.CharField(label=_("Programme"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    duration_hours = forms.DecimalField(
        label=_("Durée indicative (heures)"), required=False, min_value=0, max_digits=5, decimal_places=2
    )
    teaching_methods = forms.CharField(
        label=_("Méthodes et moyens pédagogiques"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    evaluation = forms.CharField(
        label=_("Modalités d'évaluation"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    accessibility = forms.CharField(
        label=_("Accessibilité"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Accueil des personnes en situation de handicap, référent·e, adaptations possibles."),
    )
    access_delay = forms.CharField(label=_("Délai d'accès"), max_length=200, required=False)
    price = forms.CharField(label=_("Tarif"), max_length=200, required=False)
    bpf_objective = forms.ChoiceField(label=_("Objectif (BPF, cadre F-3)"), choices=BpfObjective.choices)
    is_active = forms.BooleanField(label=_("Proposée au catalogue"), required=False, initial=True)

    @classmethod
    def initial_for(cls, training_type: TrainingType) -> dict:
        return _initial_from(training_type, cls)


class SessionForm(forms.Form):
    training_type = forms.ModelChoiceField(
        label=_("Formation du catalogue"), queryset=TrainingType.objects.none()
    )
    title = forms.CharField(
        label=_("Intitulé de la session"),
        max_length=200,
        help_text=_("Ce qui figure sur la feuille d'émargement et l'attestation, ex. « Formation WinScop »."),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    end_date = forms.DateField(
        label=_("Dernier jour"),
        widget=DateInput(),
        required=False,
        help_text=_("Pour une session sur plusieurs jours consécutifs ; vide : un seul jour."),
    )
    day_part = forms.ChoiceField(label=_("Chaque jour"), choices=DayPart.choices)
    start_time = forms.TimeField(label=_("Début"), required=False, widget=TimeInput())
    end_time = forms.TimeField(label=_("Fin"), required=False, widget=TimeInput())
    break_start = forms.TimeField(
        label=_("Pause de midi : début"),
        required=False,
        widget=TimeInput(),
        help_text=_("Journée entière seulement : sépare le matin de l'après-midi."),
    )
    break_end = forms.TimeField(label=_("Pause de midi : fin"), required=False, widget=TimeInput())
    duration_hours = forms.DecimalField(
        label=_("Durée (heures)"),
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
        help_text=_("Par stagiaire, tous jours confondus ; vide : calculée à partir des horaires."),
    )
    place = forms.CharField(label=_("Lieu"), max_length=200)
    trainer = StaffChoiceField(
        label=_("Formateur·rice de l'équipe"), queryset=User.objects.none(), required=False
    )
    trainer_name = forms.CharField(
        label=_("Ou formateur·rice extérieur·e"),
        max_length=200,
        required=False,
        help_text=_("Nom et organisme."),
    )
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, required=False, help_text=_("Vide : sans limite.")
    )
    status = forms.ChoiceField(label=_("État"), choices=SessionStatus.choices)
    cancellation_deadline_hours = forms.IntegerField(
        label=_("Désinscription en ligne jusqu'à (heures avant le début)"), min_value=0, max_value=720
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=TrainingProgramme.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("Informations pratiques"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Accès, matériel à apporter… : visibles dans le portail."),
    )
    ref = forms.CharField(
        label=_("Référence"),
        max_length=30,
        required=False,
        help_text=_("Vide : attribuée automatiquement (F2026-01…)."),
    )

    # Fieldsets of the page: (legend, ((field, Bootstrap columns on a wide screen), …)).
    GROUPS = (
        (_("Formation"), (("training_type", 6), ("title", 6))),
        (
            _("Dates et horaires"),
            (
                ("date", 4),
                ("end_date", 4),
                ("day_part", 4),
                ("start_time", 3),
                ("end_time", 3),
                ("break_start", 3),
                ("break_end", 3),
                ("duration_hours", 4),
            ),
        ),
        (
            _("Lieu, formateur·rice et inscriptions"),
            (
                ("place", 4),
                ("trainer", 4),
                ("trainer_name", 4),
                ("capacity", 4),
                ("status", 4),
                ("cancellation_deadline_hours", 4),
                ("programme", 4),
                ("ref", 4),
                ("note", 12),
            ),
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training_type"].queryset = TrainingType.objects.order_by("-is_active", "name")
        self.fields["trainer"].queryset = staff_queryset()
        self.fields["programme"].queryset = TrainingProgramme.objects.order_by("-year", "name")

    def fieldsets(self) -> list[tuple[str, list[tuple]]]:
        return [(legend, [(self[name], width) for name, width in fields]) for legend, fields in self.GROUPS]

    @classmethod
    def initial_for(cls, session: TrainingSession) -> dict:
        return _initial_from(session, cls)

    @classmethod
    def initial_new(cls, today: datetime.date) -> dict:
        return {
            "date": today + datetime.timedelta(days=14),
            "day_part": DayPart.MORNING,
            "start_time": datetime.time(9, 0),
            "end_time": datetime.time(12, 0),
            "break_start": datetime.time(12, 30),
            "break_end": datetime.time(13, 30),
            "capacity": 8,
            "status": SessionStatus.OPEN,
            "cancellation_deadline_hours": 48,
        }


class SessionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("État"), choices=SessionStatus.choices)


class RegistrationForm(forms.Form):
    """Staff register a person of the cooperative (under CAPE, CESA or associate at the session's dates)."""

    entrepreneur = forms.ModelChoiceField(label=_("Personne"), queryset=Entrepreneur.objects.none())
    waiting_list = forms.BooleanField(
        label=_("Si la session est complète, mettre sur la liste d'attente"), required=False, initial=True
    )

    def __init__(self, *args, session: TrainingSession, **kwargs):
        super().__init__(*args, **kwargs)
        taken = TrainingRegistration.objects.filter(
            session=session, status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITING]
        ).values("entrepreneur_id")
        # People in the cooperative on the session's dates (entered, not yet left).
        self.fields["entrepreneur"].queryset = (
            Entrepreneur.objects.filter(entry_date__lte=session.end_date)
            .filter(Q(exit_date__isnull=True) | Q(exit_date__gt=session.date))
            .exclude(pk__in=taken)
            .order_by("last_name", "first_name")
        )
        self.fields["entrepreneur"].label_from_instance = lambda person: (
            f"{person.last_name} {person.first_name}" + (f" ({person.ref})" if person.ref else "")
        )


class FundingRequestForm(forms.Form):
    funder = forms.CharField(
        label=_("Financeur"), max_length=200, help_text=_("Ex. « Uniformation (OPCO Cohésion sociale) ».")
    )
    funder_kind = forms.ChoiceField(label=_("Type de financeur"), choices=FunderKind.choices)
    subject = forms.CharField(label=_("Objet"), max_length=200)
    reference = forms.CharField(label=_("N° de dossier"), max_length=60, required=False)
    training_type = forms.ModelChoiceField(
        label=_("Formation"), queryset=TrainingType.objects.none(), required=False
    )
    session = forms.ModelChoiceField(
        label=_("Session"), queryset=TrainingSession.objects.none(), required=False
    )
    requested_on = forms.DateField(label=_("Demandé le"), widget=DateInput())
    amount_requested = forms.DecimalField(
        label=_("Montant demandé (€)"), min_value=0, max_digits=14, decimal_places=2
    )
    status = forms.ChoiceField(label=_("Décision"), choices=FundingStatus.choices)
    decided_on = forms.DateField(label=_("Décision le"), widget=DateInput(), required=False)
    amount_granted = forms.DecimalField(
        label=_("Montant accordé (€)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    note = forms.CharField(label=_("Remarques"), required=False, widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training_type"].queryset = TrainingType.objects.order_by("name")
        self.fields["session"].queryset = TrainingSession.objects.select_related("training_type").order_by(
            "-date"
        )[:200]

    @classmethod
    def initial_for(cls, funding_request) -> dict:
        return _initial_from(funding_request, cls)


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    partner = forms.CharField(label=_("Partenaire"), max_length=200, required=False)
    year = forms.IntegerField(label=_("Année"), min_value=1900, max_value=2999)
    signed_on = forms.DateField(label=_("Convention signée le"), widget=DateInput(), required=False)
    training_days = forms.IntegerField(label=_("Journées de formation"), min_value=0)
    participants = forms.IntegerField(
        label=_("Participant·es"),
        min_value=0,
        help_text=_("Nombre de personnes formées, y compris celles qui n'ont pas de fiche ici."),
    )
    commitments = forms.CharField(
        label=_("Engagements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("Un engagement par ligne."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def clean_commitments(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["commitments"].splitlines() if line.strip()]

    @classmethod
    def initial_for(cls, programme: TrainingProgramme) -> dict:
        initial = _initial_from(programme, cls)
        initial["commitments"] = "\n".join(commitment.text for commitment in programme.commitments.all())
        return initial


def parse_attendance(data) -> dict[tuple[int, str], bool]:
    """Read the attendance grid: each box shown is listed in ``cell`` as "<registration id>|<half-day key>",
    the ticked ones in ``present``. An unticked box is an absence."""
    ticked = set(data.getlist("present"))
    marks = {}
    for cell in data.getlist("cell"):
        registration_id, separator, key = cell.partition("|")
        if not separator or not registration_id.isdigit():
            raise DomainError(_("Grille de présence illisible : rechargez la page et recommencez."))
        marks[(int(registration_id), key)] = cell in ticked
    return marks
