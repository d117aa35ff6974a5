"""The entrepreneur's forecast: twelve months of turnover, expenses and salary cost, per activity and year."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptabilite.models import Forecast
from coodyssee.errors import DomainError
from coodyssee.money import ZERO, round_cents, to_decimal
from coodyssee.permissions import check_perm

FORECAST_FIELDS = ("turnover", "expenses", "salary")
MAX_AMOUNT = Decimal("9999999999.99")
YEARS_BEHIND, YEARS_AHEAD = 1, 2


def _amount(value) -> Decimal:
    try:
        amount = round_cents(to_decimal(value if value not in (None, "") else ZERO))
    except (TypeError, ValueError):
        raise DomainError(_("Montant invalide.")) from None
    if amount < 0 or amount > MAX_AMOUNT:
        raise DomainError(_("Les montants prévus sont positifs ou nuls."))
    return amount


def forecast_save(*, by, activity, year: int, months: dict[int, dict]) -> list[Forecast]:
    """Store the forecast of ``year`` for ``activity``: ``months`` maps 1‥12 to ``{"turnover", "expenses",
    "salary"}`` (missing amounts count as 0). A month whose three amounts are unchanged is not rewritten;
    the treasury alerts of the activity are checked again after commit (the drift depends on it).

    The caller checked that ``by`` is a member of the activity (``treasury.access_activity(write=True)``).
    """
    check_perm(by, "portal.treasury")
    today = timezone.localdate()
    if not today.year - YEARS_BEHIND <= year <= today.year + YEARS_AHEAD:
        raise DomainError(
            _("Les prévisions se saisissent de %(first)s à %(last)s.")
            % {"first": today.year - YEARS_BEHIND, "last": today.year + YEARS_AHEAD},
            field="year",
        )
    if set(months) - set(range(1, 13)):
        raise DomainError(_("Un mois va de 1 à 12."))
    wanted = {
        month: {name: _amount(months.get(month, {}).get(name)) for name in FORECAST_FIELDS}
        for month in range(1, 13)
    }
    with transaction.atomic():
        existing = {
            forecast.month: forecast
            for forecast in Forecast.objects.select_for_update().filter(activity=activity, year=year)
        }
        saved = []
        for month, values in wanted.items():
            forecast = existing.get(month)
            if forecast is None:
                forecast = Forecast(activity=activity, year=year, month=month, **values)
                forecast.save()
            elif any(getattr(forecast, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(forecast, name, value)
                forecast.save(update_fields=[*FORECAST_FIELDS])
            saved.append(forecast)

        def check():
            from comptabilite.alerts import check_activities

            check_activities([activity.pk])

        transaction.on_commit(check, robust=True)
    return saved
