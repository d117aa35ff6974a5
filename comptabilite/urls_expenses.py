"""Expense reports and supplier invoices: portal (submit) and back-office (validate, pay)."""

backoffice_urlpatterns: list = []
portal_urlpatterns: list = []
