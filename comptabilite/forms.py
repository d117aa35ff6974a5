"""Forms of the invoicing pages. They only parse what people type; the rules live in the services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptabilite.models import (
    CONTROL_CHECKLIST,
    Customer,
    CustomerKind,
    OperationCategory,
    PaymentMethod,
    QuoteStatus,
    VatExemption,
)
from comptabilite.models.choices import VAT_RATE_CHOICES
from entrepreneurs.forms import DateInput
from entrepreneurs.models import Activity, Entrepreneur


class AmountInput(forms.TextInput):
    """A French amount ("1 234,50"): text with a decimal keyboard on phones, not type=number (which
    refuses the comma in some browsers)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


def _amount_field(label, *, places: int = 2, required: bool = True, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=places,
        required=required,
        localize=True,
        widget=AmountInput(),
        **kwargs,
    )


class ActivityChoiceField(forms.ModelChoiceField):
    """ "ACT00042 — Menuiserie (Léa Martin)": staff look an activity up by its people too (members are
    prefetched by ``views._common.activities_with_members``)."""

    def label_from_instance(self, obj):
        members = ", ".join(str(member) for member in obj.members.all())
        return f"{obj} ({members})" if members else str(obj)


class CustomerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.city}" if obj.city else obj.name


class EntrepreneurChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


# --- activity chooser ----------------------------------------------------------------------------


class ActivityForm(forms.Form):
    """First step of a new document by the staff (or an entrepreneur with several activities)."""

    activity = ActivityChoiceField(label=_("Activité"), queryset=Activity.objects.none())

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities


# --- lines -------------------------------------------------------------------------------------


class LineForm(forms.Form):
    description = forms.CharField(
        label=_("Désignation"), max_length=500, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    quantity = forms.DecimalField(
        label=_("Quantité"),
        max_digits=12,
        decimal_places=3,
        localize=True,
        initial=Decimal(1),
        widget=AmountInput(),
    )
    unit = forms.CharField(label=_("Unité"), max_length=20, required=False)
    unit_price = _amount_field(_("Prix unitaire HT"))
    vat_rate = forms.TypedChoiceField(
        label=_("TVA"), choices=VAT_RATE_CHOICES, coerce=Decimal, initial=Decimal("20.00")
    )

    def as_line(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("description", "quantity", "unit", "unit_price", "vat_rate")
        }


class BaseLineFormSet(forms.BaseFormSet):
    def lines(self) -> tuple[list[dict], list[int]]:
        """The kept lines for the service, and the index of the form each came from (to place errors)."""
        lines, origins = [], []
        for index, form in enumerate(self.forms):
            if not form.has_changed() and index >= self.initial_form_count():
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            if not getattr(form, "cleaned_data", None):
                continue
            lines.append(form.as_line())
            origins.append(index)
        return lines, origins


LineFormSet = forms.formset_factory(
    LineForm, formset=BaseLineFormSet, extra=0, min_num=1, validate_min=True, can_delete=True
)


def plain_quantity(value: Decimal) -> Decimal:
    """``Decimal("246.000")`` → 246, ``Decimal("1.500")`` → 1.5 (never ``2.46E+2``)."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def line_initial(document) -> list[dict]:
    """The formset's initial data from a stored document's lines (already ordered by the selector)."""
    return [
        {
            "description": line.description,
            "quantity": plain_quantity(line.quantity),
            "unit": line.unit,
            "unit_price": line.unit_price,
            "vat_rate": line.vat_rate,
        }
        for line in document.lines.all()
    ]


# --- invoices ----------------------------------------------------------------------------------


class InvoiceForm(forms.Form):
    """The document-level fields of a draft invoice (``comptabilite.services.invoices.EDITABLE_FIELDS``)."""

    customer = CustomerChoiceField(label=_("Client"), queryset=Customer.objects.none())
    subject = forms.CharField(label=_("Objet"), max_length=200, required=False)
    operation_category = forms.ChoiceField(
        label=_("Catégorie d'opération"),
        choices=OperationCategory.choices,
        initial=OperationCategory.SERVICES,
    )
    service_date = forms.DateField(
        label=_("Date de la vente ou de la prestation"),
        required=False,
        widget=DateInput(),
        help_text=_("Si elle diffère de la date d'émission."),
    )
    purchase_order_ref = forms.CharField(label=_("N° de bon de commande"), max_length=100, required=False)
    payment_terms_days = forms.IntegerField(
        label=_("Délai de paiement (jours)"),
        min_value=0,
        max_value=60,
        help_text=_("60 jours au plus, ou 45 jours fin de mois (art. L441-10 du Code de commerce)."),
    )
    payment_terms_end_of_month = forms.BooleanField(label=_("Fin de mois"), required=False)
    late_penalty_rate = _amount_field(_("Taux des pénalités de retard (%)"))
    early_payment_discount = forms.CharField(
        label=_("Escompte pour paiement anticipé"), max_length=200, required=False
    )
    vat_on_debits = forms.BooleanField(
        label=_("Option pour le paiement de la TVA d'après les débits"), required=False
    )
    vat_exemption = forms.ChoiceField(
        label=_("Mention d'exonération de TVA"),
        choices=[("", _("— (aucune ligne à 0 %)")), *VatExemption.choices],
        required=False,
        help_text=_("Obligatoire dès qu'une ligne est à 0 % de TVA."),
    )
    delivery_address = forms.CharField(
        label=_("Adresse de livraison"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Si elle diffère de l'adresse du client."),
    )
    notes = forms.CharField(
        label=_("Mentions complémentaires"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    # Shown in the "conditions" block of the page, the rest in the "document" block.
    TERMS_FIELDS = (
        "payment_terms_days",
        "payment_terms_end_of_month",
        "late_penalty_rate",
        "early_payment_discount",
        "vat_on_debits",
    )

    def __init__(self, *args, activity: Activity, members=None, lock_customer: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.filter(activity=activity).order_by("name", "pk")
        # A credit note corrects its invoice's customer: it cannot be moved to another one.
        self.fields["customer"].disabled = lock_customer
        if members is not None and len(members) > 1:
            # A shared activity: whose turnover does this document count?
            self.fields["entrepreneur"] = EntrepreneurChoiceField(
                label=_("Entrepreneur·e"),
                queryset=Entrepreneur.objects.filter(pk__in=[member.pk for member in members]),
                help_text=_("Activité partagée : la personne dont le chiffre d'affaires compte ce document."),
            )
            self.order_fields(["customer", "entrepreneur"])

    @classmethod
    def initial_for(cls, invoice) -> dict:
        return {name: getattr(invoice, name) for name in cls.base_fields} | {"customer": invoice.customer_id}

    def document_fields(self):
        return [self[name] for name in self.fields if name not in self.TERMS_FIELDS]

    def terms_fields(self):
        return [self[name] for name in self.TERMS_FIELDS]


class CreditLineForm(forms.Form):
    """One line of the corrected invoice, to take back in part or in full."""

    credited_line_id = forms.IntegerField(widget=forms.HiddenInput)
    include = forms.BooleanField(label=_("Créditer"), required=False)
    description = forms.CharField(label=_("Désignation"), max_length=500)
    quantity = forms.DecimalField(
        label=_("Quantité"), max_digits=12, decimal_places=3, localize=True, widget=AmountInput()
    )
    unit_price = _amount_field(_("Prix unitaire HT"))
    vat_rate = forms.TypedChoiceField(
        label=_("TVA"), choices=VAT_RATE_CHOICES, coerce=Decimal, widget=forms.HiddenInput
    )


CreditLineFormSet = forms.formset_factory(CreditLineForm, extra=0)


class CreditNoteForm(forms.Form):
    WHOLE, PARTIAL = "whole", "partial"
    mode = forms.ChoiceField(
        label=_("Avoir"),
        choices=[(WHOLE, _("Total : annule toute la facture")), (PARTIAL, _("Partiel : les lignes cochées"))],
        initial=WHOLE,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    subject = forms.CharField(label=_("Objet"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Motif et mentions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- control, issue, sending, payments -------------------------------------------------------------


class ControlForm(forms.Form):
    checklist = forms.MultipleChoiceField(
        label=_("Points de contrôle"),
        choices=[(key, label) for key, label in CONTROL_CHECKLIST],
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("Commentaire pour l'entrepreneur·e"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Obligatoire pour renvoyer le document en brouillon : dites ce qu'il faut corriger."),
    )

    def ticked(self) -> dict[str, bool]:
        chosen = set(self.cleaned_data["checklist"])
        return {key: key in chosen for key, _label in CONTROL_CHECKLIST}


class SendForm(forms.Form):
    to = forms.CharField(
        label=_("Destinataires"),
        max_length=500,
        help_text=_("Plusieurs adresses : séparez-les par des virgules."),
    )
    subject = forms.CharField(label=_("Objet"), max_length=200, required=False)
    message = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def addresses(self) -> list[str]:
        text = self.cleaned_data["to"].replace(";", ",")
        return [address.strip() for address in text.split(",") if address.strip()]


class PaymentForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    amount = _amount_field(_("Montant"))
    method = forms.ChoiceField(
        label=_("Moyen"), choices=PaymentMethod.choices, initial=PaymentMethod.TRANSFER
    )
    reference = forms.CharField(label=_("Référence"), max_length=100, required=False)

    @classmethod
    def initial_for(cls, invoice) -> dict:
        return {"date": timezone.localdate(), "amount": max(invoice.amount_due, Decimal(0))}


class PaymentCancelForm(forms.Form):
    reason = forms.CharField(label=_("Motif de l'annulation"), max_length=200)


class ReminderSelectionForm(forms.Form):
    logs = forms.ModelMultipleChoiceField(
        label=_("Relances"), queryset=None, widget=forms.CheckboxSelectMultiple, required=True
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logs"].queryset = queryset
        self.fields["logs"].error_messages["required"] = _("Cochez au moins une relance.")


# --- customers ---------------------------------------------------------------------------------


class CustomerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=CustomerKind.choices, initial=CustomerKind.COMPANY)
    name = forms.CharField(label=_("Nom ou raison sociale"), max_length=200)
    address_line1 = forms.CharField(label=_("Adresse"), max_length=200, required=False)
    address_line2 = forms.CharField(label=_("Complément d'adresse"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Code postal"), max_length=20, required=False)
    city = forms.CharField(label=_("Ville"), max_length=100, required=False)
    country = forms.CharField(
        label=_("Pays (code ISO)"), max_length=2, initial="FR", help_text=_("FR, BE, DE, CH…")
    )
    siren = forms.CharField(
        label=_("SIREN"),
        max_length=11,
        required=False,
        help_text=_("Obligatoire pour un professionnel français."),
    )
    siret = forms.CharField(label=_("SIRET"), max_length=17, required=False)
    vat_number = forms.CharField(label=_("N° de TVA intracommunautaire"), max_length=20, required=False)
    email = forms.EmailField(
        label=_("E-mail de facturation"), required=False, help_text=_("Les factures y sont envoyées.")
    )

    def __init__(self, *args, activities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if activities is not None:
            self.fields["activity"] = ActivityChoiceField(label=_("Activité"), queryset=activities)
            self.order_fields(["activity"])

    @classmethod
    def initial_for(cls, customer) -> dict:
        return {name: getattr(customer, name) for name in cls.base_fields}

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "activity"}


# --- quotes ------------------------------------------------------------------------------------


class QuoteForm(forms.Form):
    customer = CustomerChoiceField(label=_("Client"), queryset=Customer.objects.none())
    date = forms.DateField(label=_("Date du devis"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valable jusqu'au"), widget=DateInput())
    subject = forms.CharField(label=_("Objet"), max_length=200, required=False)
    operation_category = forms.ChoiceField(
        label=_("Catégorie d'opération"),
        choices=OperationCategory.choices,
        initial=OperationCategory.SERVICES,
    )
    vat_exemption = forms.ChoiceField(
        label=_("Mention d'exonération de TVA"),
        choices=[("", _("— (aucune ligne à 0 %)")), *VatExemption.choices],
        required=False,
        help_text=_("Obligatoire dès qu'une ligne est à 0 % de TVA."),
    )
    notes = forms.CharField(
        label=_("Conditions et remarques"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.filter(activity=activity).order_by("name", "pk")

    @classmethod
    def initial_for(cls, quote) -> dict:
        return {name: getattr(quote, name) for name in cls.base_fields} | {"customer": quote.customer_id}


class QuoteStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (QuoteStatus.DRAFT, QuoteStatus.DRAFT.label),
            (QuoteStatus.SENT, QuoteStatus.SENT.label),
            (QuoteStatus.ACCEPTED, QuoteStatus.ACCEPTED.label),
            (QuoteStatus.REFUSED, QuoteStatus.REFUSED.label),
        ]
    )
