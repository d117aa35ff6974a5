"""Forms of the governance app."""

from __future__ import annotations

from django import forms
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _

from gouvernance.models import BudgetLine
from gouvernance.services import LineChange


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["side", "eligible", "section", "label", "forecast", "accounts", "position"]
        widgets = {
            "section": forms.TextInput(attrs={"list": "budget-sections", "autocomplete": "off"}),
            "forecast": forms.NumberInput(attrs={"step": "0.01", "class": "text-end"}),
            "position": forms.NumberInput(attrs={"class": "text-end", "min": "0"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # one row per line: the column header is the visible label
            field.widget.attrs.setdefault("aria-label", str(field.label).capitalize())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("eligible") and not (cleaned.get("section") or "").strip():
            self.add_error("section", _("Une ligne éligible appartient à une rubrique."))
        return cleaned

    def change(self) -> LineChange:
        data = self.cleaned_data
        return LineChange(
            pk=self.instance.pk,
            side=data["side"],
            eligible=data["eligible"],
            section=(data.get("section") or "").strip(),
            label=data["label"].strip(),
            position=data.get("position") or 0,
            forecast=data.get("forecast"),
            accounts=data.get("accounts") or "",
        )


class _BaseBudgetFormSet(forms.BaseModelFormSet):
    def changes(self) -> tuple[list[LineChange], list[int]]:
        """What to save and which existing lines to delete (forms left empty are ignored)."""
        keep, delete = [], []
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk:
                    delete.append(form.instance.pk)
                continue
            keep.append(form.change())
        return keep, delete


BudgetLineFormSet = modelformset_factory(
    BudgetLine, form=BudgetLineForm, formset=_BaseBudgetFormSet, extra=3, can_delete=True
)


class CopyYearForm(forms.Form):
    from_year = forms.IntegerField(label=_("reprendre les lignes de"), min_value=2000, max_value=2100)
