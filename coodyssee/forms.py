from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from coodyssee.models import Cooperative
from coodyssee.permissions import Role


class PersonInviteForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(label=_("Adresse e-mail"))
    roles = forms.MultipleChoiceField(
        label=_("Rôles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )


class PersonRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Rôles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class CooperativeForm(forms.ModelForm):
    class Meta:
        model = Cooperative
        fields = ["name", "legal_form", "siren", "vat_number", "address", "email", "phone", "logo"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def clean_siren(self):
        from stdnum.fr import siren

        value = self.cleaned_data["siren"].replace(" ", "")
        if value and not siren.is_valid(value):
            raise forms.ValidationError(_("Ce SIREN n'est pas valide (9 chiffres, clé de contrôle)."))
        return value


class InvitationPasswordForm(forms.Form):
    new_password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    new_password2 = forms.CharField(
        label=_("Confirmation"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_password1") and cleaned.get("new_password1") != cleaned.get("new_password2"):
            self.add_error("new_password2", _("Les deux mots de passe ne sont pas identiques."))
        return cleaned
