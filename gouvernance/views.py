"""Pages of the governance app: the structure's operating budget, real against forecast.

The back-office reads it (``budget.view``) and edits the forecasts (``budget.edit``); associates read the
same table in their space (``associates.budget``). Actuals come from the ledger (``gouvernance.budget``).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coodyssee.errors import DomainError
from coodyssee.permissions import has_perm, permission
from gouvernance import budget, services
from gouvernance.forms import BudgetLineFormSet
from gouvernance.models import BudgetLine

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _checked_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


def _default_year() -> int:
    """This year when its budget exists, else the latest budget, else this year (to start one)."""
    current = timezone.localdate().year
    years = budget.budget_years()
    return current if current in years or not years else years[0]


def _budget_page(request, year: int, space: str):
    year = _checked_year(year)
    years = budget.budget_years()
    can_edit = space == "backoffice" and has_perm(request.user, "budget.edit")
    shown = set(years) | {year}
    if can_edit:  # where a new budget starts
        shown.add(timezone.localdate().year)
    context = {
        "table": budget.budget_table(year),
        "year": year,
        "years": sorted(shown, reverse=True),
        "space": space,
        "can_edit": can_edit,
        "copy_from": max((other for other in years if other < year), default=None),
    }
    return render(request, "gouvernance/budget.html", context)


@permission("budget.view")
def budget_current(request):
    return redirect("backoffice:budget_year", year=_default_year())


@permission("budget.view")
def budget_year(request, year: int):
    return _budget_page(request, year, "backoffice")


@permission("associates.budget")
def associates_budget_current(request):
    return redirect("associates:budget_year", year=_default_year())


@permission("associates.budget")
def associates_budget_year(request, year: int):
    return _budget_page(request, year, "associates")


@permission("budget.edit")
def budget_edit(request, year: int):
    year = _checked_year(year)
    queryset = BudgetLine.objects.filter(year=year).order_by("side", "-eligible", "position", "pk")
    formset = BudgetLineFormSet(request.POST or None, queryset=queryset, prefix="lines")
    if request.method == "POST" and formset.is_valid():
        keep, delete = formset.changes()
        try:
            services.budget_lines_save(year=year, lines=keep, delete=delete)
        except DomainError as error:
            formset.non_form_errors().append(error.message)
        else:
            messages.success(request, _("Budget %(year)s enregistré.") % {"year": year})
            return redirect("backoffice:budget_year", year=year)
    sections = sorted({line.section for line in queryset if line.section})
    return render(
        request,
        "gouvernance/budget_edit.html",
        {"formset": formset, "year": year, "sections": sections, "space": "backoffice"},
    )


@require_POST
@permission("budget.edit")
def budget_copy(request, year: int):
    year = _checked_year(year)
    source = services.previous_budget_year(year)
    try:
        copies = services.budget_copy_year(year=year, from_year=source)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("backoffice:budget_year", year=year)
    messages.success(
        request,
        _("%(count)s lignes reprises du budget %(source)s : ajustez les montants prévus.")
        % {"count": len(copies), "source": source},
    )
    return redirect("backoffice:budget_edit", year=year)
