"""Ledger pages for the accountant: journals, entries, chart, closing, contribution rules, VAT, FEC."""

backoffice_urlpatterns: list = []
portal_urlpatterns: list = []
