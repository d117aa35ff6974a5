"""Forms of the expenses pages. They only parse what people type; the rules (amounts, VAT, receipt type
and size, closed periods) live in ``comptabilite.services.expenses`` and come back as form errors."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptabilite.forms import ActivityChoiceField, AmountInput, EntrepreneurChoiceField
from comptabilite.mileage import POWER_CHOICES
from comptabilite.models import ExpenseCategory, ExpenseKind, PaymentMethod
from entrepreneurs.forms import DateInput
from entrepreneurs.models import Entrepreneur

RECEIPT_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

# Which block of the form each field belongs to (the template shows the blocks that apply).
SUPPLIER_FIELDS = ("supplier", "supplier_invoice_number", "due_date")
AMOUNT_FIELDS = ("amount_ttc", "vat")
MILEAGE_FIELDS = ("distance_km", "fiscal_power", "vehicle")


def _amount(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        required=False,
        localize=True,
        widget=AmountInput(),
        **kwargs,
    )


class ExpenseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=ExpenseKind.choices,
        initial=ExpenseKind.REPORT,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text=_(
            "Note de frais : vous avez payé et la coopérative vous rembourse. Facture fournisseur : "
            "la coopérative paie directement le fournisseur."
        ),
    )
    date = forms.DateField(label=_("Date de la dépense"), widget=DateInput())
    category = forms.ChoiceField(
        label=_("Catégorie"), choices=[("", _("— choisissez —")), *ExpenseCategory.choices]
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("ex. Train Gap – Grenoble, rendez-vous client")}),
    )
    supplier = forms.CharField(label=_("Fournisseur"), max_length=200, required=False)
    supplier_invoice_number = forms.CharField(label=_("N° de facture"), max_length=60, required=False)
    due_date = forms.DateField(label=_("Date d'échéance"), required=False, widget=DateInput())
    amount_ttc = _amount(_("Montant TTC (€)"))
    vat = _amount(_("Dont TVA (€)"), help_text=_("0 si le justificatif ne mentionne pas de TVA."))
    distance_km = forms.DecimalField(
        label=_("Distance (km)"),
        max_digits=8,
        decimal_places=1,
        required=False,
        localize=True,
        widget=AmountInput(),
        help_text=_("Aller et retour compris."),
    )
    fiscal_power = forms.TypedChoiceField(
        label=_("Puissance fiscale"),
        choices=[("", _("— choisissez —")), *POWER_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Case P.6 de la carte grise."),
    )
    vehicle = forms.CharField(
        label=_("Véhicule"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("ex. Clio AB-123-CD")}),
    )
    receipt = forms.FileField(
        label=_("Justificatif"),
        required=False,
        # Not ClearableFileInput: it would link the stored file by its (non-existent) public URL; the page
        # shows the stored receipt through the access-checked download instead.
        widget=forms.FileInput(attrs={"accept": RECEIPT_ACCEPT}),
        help_text=_(
            "PDF, JPEG ou PNG, 10 Mo au plus. Obligatoire pour soumettre, sauf indemnités kilométriques."
        ),
    )
    remove_receipt = forms.BooleanField(label=_("Retirer le justificatif enregistré"), required=False)

    def __init__(self, *args, activities=None, members=None, has_receipt: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_receipt:
            del self.fields["remove_receipt"]
        if activities is not None:
            self.fields["activity"] = ActivityChoiceField(label=_("Activité"), queryset=activities)
            self.order_fields(["activity"])
        if members is not None and len(members) > 1:
            self.fields["entrepreneur"] = EntrepreneurChoiceField(
                label=_("Entrepreneur·e"),
                queryset=Entrepreneur.objects.filter(pk__in=[member.pk for member in members]),
                help_text=_("Activité partagée : la personne qui a engagé la dépense."),
            )

    @classmethod
    def initial_for(cls, expense) -> dict:
        names = [name for name in cls.base_fields if name not in ("receipt", "remove_receipt")]
        return {name: getattr(expense, name) for name in names} | {"entrepreneur": expense.entrepreneur_id}

    @classmethod
    def new_initial(cls) -> dict:
        return {"kind": ExpenseKind.REPORT, "date": timezone.localdate()}

    def values(self) -> dict:
        """What the service takes (the receipt and the activity apart)."""
        apart = ("receipt", "remove_receipt", "activity")
        return {name: value for name, value in self.cleaned_data.items() if name not in apart}

    def block(self, names) -> list:
        return [self[name] for name in names if name in self.fields]

    def supplier_fields(self):
        return self.block(SUPPLIER_FIELDS)

    def amount_fields(self):
        return self.block(AMOUNT_FIELDS)

    def mileage_fields(self):
        return self.block(MILEAGE_FIELDS)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Commentaire pour l'entrepreneur·e"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Dites ce qu'il faut corriger : la dépense repasse en brouillon."),
    )


class ValidateForm(forms.Form):
    """Nothing to type: the form only carries the errors of a refused validation (closed period…)."""


class ExpensePaymentForm(forms.Form):
    date = forms.DateField(label=_("Date du paiement"), widget=DateInput())
    method = forms.ChoiceField(
        label=_("Moyen"), choices=PaymentMethod.choices, initial=PaymentMethod.TRANSFER
    )
    reference = forms.CharField(label=_("Référence"), max_length=100, required=False)

    @classmethod
    def initial_for(cls) -> dict:
        return {"date": timezone.localdate(), "method": PaymentMethod.TRANSFER}


class SupplierInvoiceForm(ExpenseForm):
    """A supplier invoice the cooperative received for an activity, typed by the support team: the
    activity (and, for a shared one, the entrepreneur) chosen here, the invoice itself as receipt."""

    def __init__(self, *args, activities, entrepreneurs, **kwargs):
        super().__init__(*args, activities=activities, **kwargs)
        for name in ("kind", *MILEAGE_FIELDS):
            del self.fields[name]
        self.fields["entrepreneur"] = EntrepreneurChoiceField(
            label=_("Entrepreneur·e"),
            queryset=entrepreneurs,
            required=False,
            help_text=_("Pour une activité partagée seulement : la personne qui a engagé la dépense."),
        )
        self.order_fields(["activity", "entrepreneur"])
        self.fields["category"].choices = [
            choice for choice in self.fields["category"].choices if choice[0] != ExpenseCategory.MILEAGE
        ]
        self.fields["date"].label = _("Date de la facture")
        self.fields["description"].widget.attrs["placeholder"] = _("ex. Impression des plaquettes")
        self.fields["vat"].help_text = _("0 si la facture ne mentionne pas de TVA.")
        self.fields["receipt"].required = True
        self.fields["receipt"].label = _("Facture du fournisseur")
        self.fields["receipt"].help_text = _("PDF, JPEG ou PNG, 10 Mo au plus.")

    @classmethod
    def new_initial(cls) -> dict:
        return {"date": timezone.localdate()}

    def values(self) -> dict:
        return super().values() | {"kind": ExpenseKind.SUPPLIER}
