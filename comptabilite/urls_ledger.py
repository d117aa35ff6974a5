"""Ledger pages for the accountant: journals, entries, chart, closing, contribution rules, VAT, FEC."""

from django.urls import path

from comptabilite.views import ledger

backoffice_urlpatterns: list = [
    path("comptabilite/ecritures/", ledger.entry_list, name="ledger_entries"),
    path("comptabilite/ecritures/nouvelle/", ledger.entry_create, name="ledger_entry_create"),
    path("comptabilite/ecritures/<int:pk>/", ledger.entry_detail, name="ledger_entry"),
    path("comptabilite/ecritures/<int:pk>/contre-passer/", ledger.entry_reverse, name="ledger_entry_reverse"),
    path("comptabilite/journaux/", ledger.journal_list, name="ledger_journals"),
    path("comptabilite/grand-livre/", ledger.account_ledger, name="ledger_account"),
    path("comptabilite/balance/", ledger.trial_balance, name="ledger_balance"),
    path("comptabilite/plan-comptable/", ledger.chart, name="ledger_chart"),
    path("comptabilite/plan-comptable/<str:code>/", ledger.chart_edit, name="ledger_chart_edit"),
    path("comptabilite/cloture/", ledger.closing, name="ledger_closing"),
    path("comptabilite/cloture/a-nouveaux/", ledger.opening, name="ledger_opening"),
    path("comptabilite/contribution/", ledger.rule_list, name="ledger_rules"),
    path("comptabilite/contribution/<int:pk>/terminer/", ledger.rule_end, name="ledger_rule_end"),
    path("comptabilite/tva/", ledger.vat_page, name="ledger_vat"),
    path("comptabilite/fec/", ledger.fec_page, name="ledger_fec"),
    path("comptabilite/fec/<int:year>/", ledger.fec_download, name="ledger_fec_download"),
]
portal_urlpatterns: list = []
