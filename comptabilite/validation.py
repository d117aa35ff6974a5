"""Checks of typed values (identifiers, lines, payment terms), each raising ``DomainError`` on its field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.eu import vat
from stdnum.fr import siren, siret

from comptabilite.models import VAT_RATES, VatExemption
from comptabilite.models.choices import MAX_PAYMENT_DAYS, MAX_PAYMENT_DAYS_END_OF_MONTH
from comptabilite.totals import LineInput
from coodyssee.errors import DomainError
from coodyssee.money import to_decimal


class LineError(DomainError):
    """A line of a document is wrong: ``index`` (0-based) and ``line_field`` locate it for a formset."""

    def __init__(self, message: str, *, index: int, line_field: str):
        super().__init__(
            _("Ligne %(number)s : %(message)s") % {"number": index + 1, "message": message}, field="lines"
        )
        self.index = index
        self.line_field = line_field


def clean_siren(value: str, *, field: str = "siren") -> str:
    value = siren.compact(value or "")
    if value and not siren.is_valid(value):
        raise DomainError(_("SIREN invalide : 9 chiffres dont une clé de contrôle exacte."), field=field)
    return value


def clean_siret(value: str, *, field: str = "siret") -> str:
    value = siret.compact(value or "")
    if value and not siret.is_valid(value):
        raise DomainError(_("SIRET invalide : 14 chiffres dont une clé de contrôle exacte."), field=field)
    return value


def clean_vat_number(value: str, *, field: str = "vat_number") -> str:
    value = "".join((value or "").split()).upper()
    if not value:
        return value
    try:
        return vat.validate(value)
    except stdnum_exceptions.ValidationError:
        raise DomainError(
            _("N° de TVA intracommunautaire invalide (code pays puis numéro, par exemple FR19812345676)."),
            field=field,
        ) from None


def clean_email(value: str, *, field: str = "email") -> str:
    value = (value or "").strip().lower()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise DomainError(_("Adresse e-mail invalide."), field=field) from None
    return value


def check_payment_terms(days: int, end_of_month: bool) -> None:
    """L441-10: at most 60 days from the invoice date, or 45 days end of month."""
    if days < 0:
        raise DomainError(_("Le délai de paiement ne peut pas être négatif."), field="payment_terms_days")
    limit = MAX_PAYMENT_DAYS_END_OF_MONTH if end_of_month else MAX_PAYMENT_DAYS
    if days > limit:
        raise DomainError(
            _(
                "Délai de paiement trop long : %(limit)s jours au plus%(eom)s "
                "(article L441-10 du Code de commerce)."
            )
            % {"limit": limit, "eom": _(" fin de mois") if end_of_month else ""},
            field="payment_terms_days",
        )


def _decimal(value: Any, *, index: int, name: str, places: int) -> Decimal:
    try:
        number = to_decimal(value)
    except (TypeError, ValueError):
        raise LineError(_("nombre attendu"), index=index, line_field=name) from None
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise LineError(_("%(places)s décimales au plus") % {"places": places}, index=index, line_field=name)
    return number


def clean_lines(lines: Sequence[LineInput | Mapping[str, Any]]) -> list[LineInput]:
    """Typed, checked lines: a description, a positive quantity, a unit price ≥ 0, a French VAT rate."""
    cleaned = []
    for index, line in enumerate(lines):
        values = line if isinstance(line, Mapping) else line.__dict__
        description = str(values.get("description", "")).strip()
        if not description:
            raise LineError(_("la désignation est obligatoire."), index=index, line_field="description")
        if len(description) > 500:
            raise LineError(_("500 caractères au plus."), index=index, line_field="description")
        quantity = _decimal(values.get("quantity", 1), index=index, name="quantity", places=3)
        if quantity <= 0:
            raise LineError(_("la quantité doit être positive."), index=index, line_field="quantity")
        unit_price = _decimal(values.get("unit_price"), index=index, name="unit_price", places=2)
        if unit_price < 0:
            raise LineError(
                _("le prix unitaire ne peut pas être négatif."), index=index, line_field="unit_price"
            )
        rate = _decimal(values.get("vat_rate"), index=index, name="vat_rate", places=2)
        if rate not in VAT_RATES:
            raise LineError(
                _("taux de TVA non prévu (20, 10, 5,5, 2,1 ou 0 %)."), index=index, line_field="vat_rate"
            )
        if abs(quantity * unit_price) >= Decimal("1e11"):
            raise LineError(_("montant trop élevé."), index=index, line_field="unit_price")
        cleaned.append(
            LineInput(
                description=description,
                quantity=quantity,
                unit_price=unit_price,
                vat_rate=rate.quantize(Decimal("0.01")),
                unit=str(values.get("unit", "") or "").strip()[:20],
            )
        )
    if not cleaned:
        raise DomainError(_("Le document doit comporter au moins une ligne."), field="lines")
    return cleaned


def check_vat_exemption(rates: Iterable[Decimal], exemption: str) -> str:
    """A 0 % line needs an exemption mention from the list; without 0 % lines, no mention is kept."""
    has_zero = any(rate == 0 for rate in rates)
    if not has_zero:
        return ""
    if exemption not in VatExemption.values:
        raise DomainError(
            _("Une ligne à 0 % de TVA exige une mention d'exonération (choisissez-la dans la liste)."),
            field="vat_exemption",
        )
    return exemption
