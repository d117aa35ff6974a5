"""Pages of this app, mounted by coodyssee/urls.py in the back-office and portal namespaces."""

from django.urls import path

from comptabilite import urls_expenses, urls_ledger, urls_statements, urls_treasury
from comptabilite.views import backoffice, downloads, portal

backoffice_urlpatterns = [
    path("facturation/", backoffice.invoice_list, name="invoices"),
    path("facturation/controle/", backoffice.control_queue, name="control_queue"),
    path("facturation/retards/", backoffice.overdue_list, name="invoices_overdue"),
    path("facturation/totaux/", backoffice.invoice_totals, name="invoice_totals"),
    path("facturation/factures/nouvelle/", backoffice.invoice_create, name="invoice_create"),
    path("facturation/factures/<int:pk>/", backoffice.invoice_detail, name="invoice"),
    path("facturation/factures/<int:pk>/modifier/", backoffice.invoice_edit, name="invoice_edit"),
    path("facturation/factures/<int:pk>/soumettre/", backoffice.invoice_submit, name="invoice_submit"),
    path("facturation/factures/<int:pk>/supprimer/", backoffice.invoice_delete, name="invoice_delete"),
    path("facturation/factures/<int:pk>/controle/", backoffice.invoice_control, name="invoice_control"),
    path("facturation/factures/<int:pk>/emettre/", backoffice.invoice_issue, name="invoice_issue"),
    path("facturation/factures/<int:pk>/avoir/", backoffice.credit_note_create, name="credit_note_create"),
    path("facturation/factures/<int:pk>/envoyer/", backoffice.invoice_send, name="invoice_send"),
    path("facturation/factures/<int:pk>/paiement/", backoffice.payment_record, name="payment_record"),
    path("facturation/factures/<int:pk>/pdf/", downloads.invoice_pdf, name="invoice_pdf"),
    path("facturation/paiements/<int:pk>/annuler/", backoffice.payment_cancel, name="payment_cancel"),
    path("facturation/relances/", backoffice.dunning, name="dunning"),
    path("facturation/relances/preparer/", backoffice.dunning_prepare, name="dunning_prepare"),
    path("facturation/relances/envoyer/", backoffice.dunning_send, name="dunning_send"),
    path("facturation/relances/<int:pk>/lettre/", downloads.dunning_letter_pdf, name="dunning_letter"),
    path("facturation/clients/", backoffice.customer_list, name="customers"),
    path("facturation/clients/nouveau/", backoffice.customer_create, name="customer_create"),
    path("facturation/clients/<int:pk>/", backoffice.customer_detail, name="customer"),
    path("facturation/clients/<int:pk>/modifier/", backoffice.customer_edit, name="customer_edit"),
]

portal_urlpatterns = [
    path("factures/", portal.invoice_list, name="invoices"),
    path("factures/nouvelle/", portal.invoice_create, name="invoice_create"),
    path("factures/totaux/", portal.invoice_totals, name="invoice_totals"),
    path("factures/<int:pk>/", portal.invoice_detail, name="invoice"),
    path("factures/<int:pk>/modifier/", portal.invoice_edit, name="invoice_edit"),
    path("factures/<int:pk>/soumettre/", portal.invoice_submit, name="invoice_submit"),
    path("factures/<int:pk>/supprimer/", portal.invoice_delete, name="invoice_delete"),
    path("factures/<int:pk>/pdf/", downloads.portal_invoice_pdf, name="invoice_pdf"),
    path("clients/", portal.customer_list, name="customers"),
    path("clients/nouveau/", portal.customer_create, name="customer_create"),
    path("clients/<int:pk>/", portal.customer_detail, name="customer"),
    path("clients/<int:pk>/modifier/", portal.customer_edit, name="customer_edit"),
    path("devis/", portal.quote_list, name="quotes"),
    path("devis/nouveau/", portal.quote_create, name="quote_create"),
    path("devis/<int:pk>/", portal.quote_detail, name="quote"),
    path("devis/<int:pk>/modifier/", portal.quote_edit, name="quote_edit"),
    path("devis/<int:pk>/etat/", portal.quote_status, name="quote_status"),
    path("devis/<int:pk>/facturer/", portal.quote_invoice, name="quote_invoice"),
    path("devis/<int:pk>/pdf/", downloads.portal_quote_pdf, name="quote_pdf"),
]

# The accounting pages live in their own modules (expenses, treasury, ledger/VAT/FEC).
for _module in (urls_expenses, urls_treasury, urls_ledger, urls_statements):
    backoffice_urlpatterns += _module.backoffice_urlpatterns
    portal_urlpatterns += _module.portal_urlpatterns
