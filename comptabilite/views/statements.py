"""Monthly statements: "Mes relevés" in the portal, the list of every activity's statements for the support
team, and the download of the stored PDF (never re-rendered). Scoped by ``statements.statements_for``:
another entrepreneur's statement answers 404."""

from __future__ import annotations

from django.shortcuts import render
from django_tables2 import RequestConfig

from comptabilite import statements
from comptabilite.tables_statements import PortalStatementTable, StaffStatementTable, StatementFilter
from comptabilite.views._common import PER_PAGE, pdf_response
from coodyssee.permissions import permission


@permission("treasury.view")
def statement_list(request):
    queryset = statements.statements_for(request.user)
    found = StatementFilter(request.GET, queryset=queryset)
    table = StaffStatementTable(found.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "comptabilite/statements/statement_list.html",
        {"table": table, "filter": found, "space": "backoffice"},
    )


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
