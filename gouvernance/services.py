"""Writes of the governance app: the structure's budget lines (forecasts and the accounts they read)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from coodyssee.errors import DomainError
from gouvernance.models import BudgetLine, parse_prefixes

FIELDS = ("side", "eligible", "section", "label", "position", "forecast", "accounts")


@dataclass
class LineChange:
    """One line as the edit form sends it: ``pk`` None for a new line."""

    side: str
    label: str
    eligible: bool = True
    section: str = ""
    position: int = 0
    forecast: Decimal | None = None
    accounts: str = ""
    pk: int | None = None


def _check_prefixes(lines: list[LineChange]) -> None:
    """An account prefix names one line only: otherwise the same amount would count twice."""
    owners: dict[str, LineChange] = {}
    for line in lines:
        for prefix in parse_prefixes(line.accounts):
            owner = owners.setdefault(prefix, line)
            if owner is not line:
                raise DomainError(
                    _("Le compte %(prefix)s est donné à deux lignes : « %(a)s » et « %(b)s ».")
                    % {"prefix": prefix, "a": owner.label, "b": line.label},
                    field="accounts",
                )


@transaction.atomic
def budget_lines_save(*, year: int, lines: list[LineChange], delete: list[int] = ()) -> list[BudgetLine]:
    """Replace the year's lines by ``lines`` (updated, created) and delete the ``delete`` ones."""
    existing = {line.pk: line for line in BudgetLine.objects.select_for_update().filter(year=year)}
    _check_prefixes(lines)
    names = [(line.side, line.eligible, line.section if line.eligible else "", line.label) for line in lines]
    if len(set(names)) != len(names):
        raise DomainError(_("Deux lignes de la même rubrique portent le même libellé."))
    for pk in delete:
        if pk in existing:
            existing.pop(pk).delete()
    saved = []
    for change in lines:
        line = existing.get(change.pk) if change.pk else None
        if change.pk and line is None:
            raise DomainError(_("Cette ligne n'appartient pas au budget %(year)s.") % {"year": year})
        if line is None:
            line = BudgetLine(year=year)
        values = {name: getattr(change, name) for name in FIELDS}
        values["accounts"] = ", ".join(parse_prefixes(change.accounts))
        values["section"] = change.section if change.eligible else ""
        if line.pk is None or any(getattr(line, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(line, name, value)
            line.full_clean(exclude=["year"], validate_unique=False)
            line.save()
        saved.append(line)
    return saved


def previous_budget_year(year: int) -> int | None:
    """The latest year before ``year`` that has a budget."""
    return BudgetLine.objects.filter(year__lt=year).order_by("-year").values_list("year", flat=True).first()


@transaction.atomic
def budget_copy_year(*, year: int, from_year: int | None = None) -> list[BudgetLine]:
    """Start the budget of ``year`` from the lines of ``from_year`` (by default the latest budget before
    ``year``): same sections, labels, accounts and forecasts, to be adjusted. Refused when ``year`` already
    has lines."""
    source = from_year if from_year is not None else previous_budget_year(year)
    if BudgetLine.objects.filter(year=year).exists():
        raise DomainError(_("Le budget %(year)s a déjà des lignes.") % {"year": year})
    lines = list(BudgetLine.objects.filter(year=source).order_by("side", "-eligible", "position", "pk"))
    if not lines:
        raise DomainError(_("Aucun budget antérieur à %(year)s dont reprendre les lignes.") % {"year": year})
    copies = []
    for line in lines:
        copy = BudgetLine(year=year, **{name: getattr(line, name) for name in FIELDS})
        copy.save()  # one by one: each creation is audited
        copies.append(copy)
    return copies
