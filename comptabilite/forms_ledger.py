"""Forms of the accountant's ledger pages. They parse what is typed; the rules (balance, closed period,
accounts, overlapping rules…) live in ``comptabilite.services.ledger`` and ``comptabilite.ledger.posting``."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptabilite.forms import AmountInput
from comptabilite.ledger.chart import STRUCTURE_SECTION
from comptabilite.models import Account, AnalyticSection, Journal
from comptabilite.services.ledger import ManualLine
from entrepreneurs.forms import DateInput
from entrepreneurs.models import Activity


class AmountField(forms.DecimalField):
    """A French amount as accountants type it: "1 234,50" (spaces, non-breaking or not, between thousands)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "")
        return super().to_python(value)


def _amount(label, *, required: bool = False, max_digits: int = 14) -> forms.DecimalField:
    return AmountField(
        label=label,
        max_digits=max_digits,
        decimal_places=2,
        required=required,
        localize=True,
        widget=AmountInput({"class": "amount-input"}),
    )


def _journal_choices():
    return [
        (code, f"{code} — {label}")
        for code, label in Journal.objects.order_by("code").values_list("code", "label")
    ]


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.label}"


class SectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


def _year_start() -> datetime.date:
    return datetime.date(timezone.localdate().year, 1, 1)


class _PeriodForm(forms.Form):
    """A period (default: the current year to date) and, optionally, an analytic section."""

    start = forms.DateField(label=_("Du"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Au"), required=False, widget=DateInput())
    section = SectionChoiceField(
        label=_("Section analytique"),
        queryset=AnalyticSection.objects.order_by("code"),
        required=False,
        empty_label=_("Toutes"),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("La fin précède le début."))
        return data

    def period(self) -> tuple[datetime.date, datetime.date]:
        data = self.cleaned_data if self.is_valid() else {}
        start = data.get("start") or _year_start()
        end = data.get("end") or datetime.date(start.year, 12, 31)
        return start, end

    def section_id(self) -> int | None:
        section = self.cleaned_data.get("section") if self.is_valid() else None
        return section.pk if section else None


class EntryFilterForm(_PeriodForm):
    """Filters of the entries list; every field optional (no period means every date)."""

    q = forms.CharField(label=_("Libellé, pièce ou n°"), required=False)
    journal = forms.ChoiceField(label=_("Journal"), required=False)
    account = AccountChoiceField(
        label=_("Compte"), queryset=Account.objects.order_by("code"), required=False, empty_label=_("Tous")
    )
    field_order = ["q", "journal", "account", "section", "start", "end"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["journal"].choices = [("", _("Tous")), *_journal_choices()]

    def values(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "journal": data.get("journal") or None,
            "start": data.get("start"),
            "end": data.get("end"),
            "account": data["account"].code if data.get("account") else None,
            "section": data["section"].pk if data.get("section") else None,
            "text": data.get("q") or "",
        }


class GeneralLedgerForm(_PeriodForm):
    account = AccountChoiceField(
        label=_("Compte"),
        queryset=Account.objects.order_by("code"),
        required=False,
        empty_label=_("Choisir…"),
    )
    field_order = ["account", "start", "end", "section"]


class TrialBalanceForm(_PeriodForm):
    pass


# --- manual entry -----------------------------------------------------------------------------------------


class EntryForm(forms.Form):
    journal = forms.ChoiceField(label=_("Journal"), initial="OD")
    date = forms.DateField(label=_("Date"), widget=DateInput())
    label = forms.CharField(label=_("Libellé"), max_length=200)
    piece_ref = forms.CharField(
        label=_("Référence de la pièce"),
        max_length=60,
        required=False,
        help_text=_("Facture, relevé, décision… (FEC « PieceRef »)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["journal"].choices = _journal_choices()
        self.fields["date"].initial = timezone.localdate()


class EntryLineForm(forms.Form):
    account = forms.CharField(
        label=_("Compte"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"list": "ledger-accounts", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    section = forms.CharField(
        label=_("Section"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"list": "ledger-sections", "autocomplete": "off", "placeholder": STRUCTURE_SECTION}
        ),
        required=False,
    )
    label = forms.CharField(label=_("Libellé de la ligne"), max_length=200, required=False)
    debit = _amount(_("Débit"))
    credit = _amount(_("Crédit"))

    def as_line(self) -> ManualLine:
        data = self.cleaned_data
        return ManualLine(
            account=data["account"],
            section=data.get("section") or STRUCTURE_SECTION,
            debit=data.get("debit") or 0,
            credit=data.get("credit") or 0,
            label=data.get("label") or "",
        )


class BaseEntryLineFormSet(forms.BaseFormSet):
    def lines(self) -> list[ManualLine]:
        """The lines typed (blank rows left out), for the service; the service refuses what is wrong."""
        return [
            form.as_line()
            for form in self.forms
            if form.has_changed()
            and getattr(form, "cleaned_data", None)
            and not self._should_delete_form(form)
        ]


EntryLineFormSet = forms.formset_factory(
    EntryLineForm, formset=BaseEntryLineFormSet, extra=4, max_num=200, can_delete=True
)


class ReverseForm(forms.Form):
    date = forms.DateField(label=_("Date de la contre-passation"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


# --- chart, closing, VAT period ---------------------------------------------------------------------------


class AccountCreateForm(forms.Form):
    code = forms.CharField(
        label=_("Numéro"),
        max_length=20,
        help_text=_("Trois chiffres du plan comptable au moins (ex. 6064) ; il ne pourra plus changer."),
    )
    label = forms.CharField(label=_("Intitulé"), max_length=200)


class AccountEditForm(forms.Form):
    label = forms.CharField(label=_("Intitulé"), max_length=200)
    is_active = forms.BooleanField(
        label=_("Utilisable pour de nouvelles écritures"),
        required=False,
        help_text=_("Un compte désactivé garde ses écritures ; on ne peut plus y en passer de nouvelles."),
    )


class ClosingForm(forms.Form):
    until = forms.DateField(label=_("Clôturer jusqu'au (inclus)"), widget=DateInput())
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput())


class VatPeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Périodicité des déclarations"),
        choices=[("month", _("mensuelle")), ("quarter", _("trimestrielle"))],
    )


# --- contribution rules -----------------------------------------------------------------------------------


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class ContributionRuleForm(forms.Form):
    activity = ActivityChoiceField(
        label=_("Activité"),
        queryset=Activity.objects.order_by("code"),
        required=False,
        empty_label=_("Toutes (règle par défaut de la coopérative)"),
    )
    starts_on = forms.DateField(label=_("À partir du"), widget=DateInput())
    ends_on = forms.DateField(label=_("Jusqu'au (inclus)"), required=False, widget=DateInput())
    rate = forms.DecimalField(
        label=_("Taux (% du CA HT)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        localize=True,
        widget=AmountInput(),
    )
    fixed_monthly = _amount(_("Montant fixe mensuel (€)"), max_digits=10)
    note = forms.CharField(label=_("Motif"), max_length=200, required=False)

    field_order = ["activity", "starts_on", "ends_on", "rate", "fixed_monthly", "note"]


class RuleEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Dernier jour d'application"), widget=DateInput())
