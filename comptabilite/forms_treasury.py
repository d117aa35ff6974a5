"""Forms of the treasury pages: the twelve-month forecast (one form) and the overview's filters' widgets."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from comptabilite.forms import AmountInput
from comptabilite.services.forecasts import FORECAST_FIELDS
from comptabilite.treasury import month_label

FIELD_LABELS = {
    "turnover": _("Chiffre d'affaires HT"),
    "expenses": _("Dépenses HT"),
    "salary": _("Coût salarial"),
}


class AmountField(forms.DecimalField):
    """A French amount: ``1 500,50`` (spaces or non-breaking spaces between thousands are accepted)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        return super().to_python(value)


def _field_name(name: str, month: int) -> str:
    return f"{name}_{month}"


class ForecastForm(forms.Form):
    """Turnover, expenses and salary cost for each month of a year: ``turnover_1`` … ``salary_12``."""

    def __init__(self, *args, forecasts=None, **kwargs):
        initial = kwargs.pop("initial", None) or {}
        for forecast in forecasts or ():
            for name in FORECAST_FIELDS:
                if getattr(forecast, name):  # a zero shows as an empty box (its placeholder says 0)
                    initial[_field_name(name, forecast.month)] = getattr(forecast, name)
        super().__init__(*args, initial=initial, **kwargs)
        for month in range(1, 13):
            for name in FORECAST_FIELDS:
                self.fields[_field_name(name, month)] = AmountField(
                    label=f"{FIELD_LABELS[name]} — {month_label(month)}",
                    required=False,
                    min_value=0,
                    max_digits=12,
                    decimal_places=2,
                    localize=True,
                    widget=AmountInput(
                        attrs={"class": "form-control-sm text-end forecast-amount", "placeholder": "0"}
                    ),
                )

    def rows(self) -> list[dict]:
        """One row per month with its three bound fields, for the table the template draws."""
        return [
            {
                "month": month,
                "label": month_label(month),
                "fields": [self[_field_name(name, month)] for name in FORECAST_FIELDS],
            }
            for month in range(1, 13)
        ]

    def months(self) -> dict[int, dict]:
        return {
            month: {name: self.cleaned_data.get(_field_name(name, month)) for name in FORECAST_FIELDS}
            for month in range(1, 13)
        }
