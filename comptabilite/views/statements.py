"""Monthly statements: "Mes relevés" in the portal, the list of every activity's statements for the support
team, and the download of the stored PDF (never re-rendered). Scoped by ``statements.statements_for``:
another entrepreneur's statement answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from comptabilite import statements
from comptabilite.tables_statements import PortalStatementTable, StaffStatementTable, StatementFilter
from comptabilite.views._common import PER_PAGE, pdf_response
from coodyssee.permissions import has_perm, permission


@permission("treasury.view")
def statement_list(request):
    queryset = statements.statements_for(request.user)
    found = StatementFilter(request.GET, queryset=queryset)
    table = StaffStatementTable(found.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    year, month = statements.previous_month()
    return render(
        request,
        "comptabilite/statements/statement_list.html",
        {
            "table": table,
            "filter": found,
            "space": "backoffice",
            "last_month": statements.month_progress(year, month),
            "can_generate": has_perm(request.user, "ledger.settings"),
        },
    )


@require_POST
@permission("ledger.settings")
def statement_generate(request):
    """Establish the statements of the month just ended now, for those still missing (the same run as
    the 1st of the month's, queued to Celery: safe to run again, nothing is done twice)."""
    from comptabilite.tasks import generate_monthly_statements

    year, month = statements.previous_month()
    generate_monthly_statements.delay(year, month)
    messages.success(
        request,
        _("Établissement des relevés de %(month)s lancé : ils s'ajoutent à la liste au fur et à mesure.")
        % {"month": statements.month_label(year, month).lower()},
    )
    return redirect("backoffice:monthly_statements")


@permission("treasury.view")
def statement_pdf(request, pk: int):
    statement = statements.access_statement(request.user, pk)
    return pdf_response(statements.statement_pdf_bytes(statement), statements.statement_filename(statement))


@permission("portal.treasury")
def portal_statement_list(request):
    queryset = statements.statements_for(request.user, own=True)
    several = queryset.values("activity_id").distinct().count() > 1
    table = PortalStatementTable(queryset, exclude=() if several else ("activity",))
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(request, "comptabilite/statements/portal_list.html", {"table": table, "space": "portal"})


@permission("portal.treasury")
def portal_statement_pdf(request, pk: int):
    statement = statements.access_statement(request.user, pk, own=True)
    return pdf_response(statements.statement_pdf_bytes(statement), statements.statement_filename(statement))
