"""Forms of the journey pages. They only parse input; rules live in services and rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coodyssee.models import User
from coodyssee.permissions import STAFF_ROLES
from entrepreneurs.models import (
    Appointment,
    ContractType,
    Entrepreneur,
    ExitReason,
    InfoSession,
    JourneyStatus,
    StepKind,
    Territory,
)
from entrepreneurs.rules import CAPE_MAX_RENEWALS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"


def staff_queryset():
    return (
        User.objects.filter(is_active=True, role_grants__role__in=STAFF_ROLES)
        .distinct()
        .order_by("first_name", "last_name")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


class EntrepreneurForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    ref = forms.CharField(
        label=_("Référence"),
        max_length=30,
        required=False,
        help_text=_("Identifiant stable, utilisé par les imports."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    address = forms.CharField(label=_("Adresse"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    territory = forms.ModelChoiceField(
        label=_("Territoire"), queryset=Territory.objects.filter(is_active=True), required=False
    )
    referent = StaffChoiceField(label=_("Référent·e"), queryset=User.objects.none(), required=False)
    rsa_beneficiary = forms.BooleanField(label=_("Bénéficiaire du RSA"), required=False)
    rsa_followup = forms.CharField(label=_("Suivi RSA par le Département"), max_length=200, required=False)
    contribution_rate = forms.DecimalField(
        label=_("Taux de contribution (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text=_("Vide : taux par défaut de la coopérative."),
    )

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = staff_queryset()
        if creating:
            self.fields["activity_name"] = forms.CharField(
                label=_("Nom de l'activité"),
                max_length=200,
                required=False,
                help_text=_(
                    "Ce que la personne fait (ex. « Menuiserie »). Vide : « Activité de Prénom Nom »."
                ),
            )

    @staticmethod
    def initial_for(entrepreneur: Entrepreneur) -> dict:
        return {name: getattr(entrepreneur, name) for name in EntrepreneurForm.base_fields}


# --- journey steps ---------------------------------------------------------------------------


class StepForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("Remarques"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InfoSessionStepForm(StepForm):
    info_session = forms.ModelChoiceField(
        label=_("Information collective"), queryset=InfoSession.objects.none(), required=False
    )
    field_order = ["date", "info_session", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["info_session"].queryset = InfoSession.objects.order_by("-date")[:60]


class CapeStartForm(StepForm):
    contract = forms.ChoiceField(label=_("Contrat"), choices=ContractType.choices)
    planned_end = forms.DateField(
        label=_("Fin prévue"), widget=DateInput(), help_text=_("12 mois au plus après le début.")
    )
    field_order = ["contract", "date", "planned_end", "note"]


class CapeRenewForm(StepForm):
    planned_end = forms.DateField(label=_("Fin prévue"), widget=DateInput(), help_text=_("12 mois au plus."))
    field_order = ["date", "planned_end", "note"]


class CesaForm(StepForm):
    trial_end = forms.DateField(
        label=_("Fin de la période d'essai"),
        widget=DateInput(),
        required=False,
        help_text=_("8 mois au plus, moins la durée du CAPE ; vide : le maximum légal."),
    )
    field_order = ["date", "trial_end", "note"]


class ExitForm(StepForm):
    exit_reason = forms.ChoiceField(label=_("Motif"), choices=[("", "—"), *ExitReason.choices])
    reason_detail = forms.CharField(label=_("Précision"), max_length=200, required=False)
    field_order = ["date", "exit_reason", "reason_detail", "note"]


# step key (URL) → (tab label, form class)
STEP_FORMS: dict[str, tuple[str, type[StepForm]]] = {
    "info_session": (_("Information collective"), InfoSessionStepForm),
    "cape": (_("CAPE / convention"), CapeStartForm),
    "cape_renew": (_("Renouvellement du CAPE"), CapeRenewForm),
    "cesa": (_("Signature du CESA"), CesaForm),
    "associate": (_("Admission comme associé·e"), StepForm),
    "exit": (_("Sortie"), ExitForm),
}


def available_steps(entrepreneur: Entrepreneur, steps) -> list[str]:
    """The steps worth offering on the record page, given where the journey stands."""
    status = entrepreneur.status
    if status == JourneyStatus.EXITED:
        return []
    if status == JourneyStatus.PROSPECT:
        return ["info_session", "cape", "cesa", "exit"]
    if status == JourneyStatus.CAPE:
        renewals = sum(1 for step in steps if step.kind == StepKind.CAPE) - 1
        return (["cape_renew"] if renewals < CAPE_MAX_RENEWALS else []) + ["cesa", "exit"]
    if status == JourneyStatus.CESA:
        return ["associate", "exit"]
    return ["exit"]


# --- appointments and information sessions ----------------------------------------------------


class AppointmentForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Heure"), required=False, widget=TimeInput())
    kind = forms.ChoiceField(label=_("Type"), choices=Appointment.Kind.choices)
    staff = StaffChoiceField(label=_("Avec"), queryset=User.objects.none())
    notes = forms.CharField(
        label=_("Objet / compte rendu"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_queryset()


class AppointmentDoneForm(forms.Form):
    notes = forms.CharField(label=_("Compte rendu"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class InfoSessionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Type"), choices=InfoSession.Kind.choices)
    place = forms.CharField(label=_("Lieu"), max_length=200)
    registered = forms.IntegerField(label=_("Personnes inscrites"), min_value=0)
    attended = forms.IntegerField(label=_("Personnes reçues"), min_value=0)
    note = forms.CharField(label=_("Remarques"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
