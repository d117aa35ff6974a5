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
    IDENTITY = ["name", "legal_form", "siren", "siret", "vat_number", "rcs_city", "ape_code", "share_capital"]
    CONTACT = ["address", "email", "phone", "logo"]
    INVOICING = [
        "iban",
        "bic",
        "payment_terms_days",
        "late_penalty_rate",
        "vat_on_debits",
        "invoice_number_format",
        "credit_note_number_format",
        "quote_number_format",
    ]

    class Meta:
        model = Cooperative
        fields = [
            "name", "legal_form", "siren", "siret", "vat_number", "rcs_city", "ape_code", "share_capital",
            "address", "email", "phone", "logo",
            "iban", "bic", "payment_terms_days", "late_penalty_rate", "vat_on_debits",
            "invoice_number_format", "credit_note_number_format", "quote_number_format",
        ]  # fmt: skip
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def fieldsets(self):
        return [
            (_("Identité légale"), [self[name] for name in self.IDENTITY]),
            (_("Coordonnées et logo"), [self[name] for name in self.CONTACT]),
            (_("Facturation"), [self[name] for name in self.INVOICING]),
        ]

    def _check(self, field: str, validator, message) -> str:
        value = (self.cleaned_data.get(field) or "").replace(" ", "").upper()
        if value and not validator.is_valid(value):
            raise forms.ValidationError(message)
        return value

    def clean_siren(self):
        from stdnum.fr import siren

        return self._check("siren", siren, _("Ce SIREN n'est pas valide (9 chiffres, clé de contrôle)."))

    def clean_siret(self):
        from stdnum.fr import siret

        return self._check("siret", siret, _("Ce SIRET n'est pas valide (14 chiffres, clé de contrôle)."))

    def clean_vat_number(self):
        from stdnum.eu import vat

        return self._check("vat_number", vat, _("Ce numéro de TVA intracommunautaire n'est pas valide."))

    def clean_iban(self):
        from stdnum import iban

        return self._check("iban", iban, _("Cet IBAN n'est pas valide."))

    def clean_bic(self):
        from stdnum import bic

        return self._check("bic", bic, _("Ce BIC n'est pas valide."))

    def _clean_format(self, field: str) -> str:
        from comptabilite.numbering import validate_number_format
        from coodyssee.errors import DomainError

        value = self.cleaned_data.get(field, "")
        if value:
            try:
                validate_number_format(value, field=field)
            except DomainError as error:
                raise forms.ValidationError(error.message) from None
        return value

    def clean_invoice_number_format(self):
        return self._clean_format("invoice_number_format")

    def clean_credit_note_number_format(self):
        return self._clean_format("credit_note_number_format")

    def clean_quote_number_format(self):
        return self._clean_format("quote_number_format")


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
