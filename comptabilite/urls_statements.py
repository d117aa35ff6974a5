"""The monthly statements: the support team's list and the entrepreneurs' "Mes relevés"."""

from django.urls import path

from comptabilite.views import statements

backoffice_urlpatterns: list = [
    path("releves/", statements.statement_list, name="monthly_statements"),
    path("releves/etablir/", statements.statement_generate, name="monthly_statements_generate"),
    path("releves/<int:pk>/pdf/", statements.statement_pdf, name="monthly_statement_pdf"),
]
portal_urlpatterns: list = [
    path("releves/", statements.portal_statement_list, name="monthly_statements"),
    path("releves/<int:pk>/pdf/", statements.portal_statement_pdf, name="monthly_statement_pdf"),
]
