"""Expense reports and supplier invoices: portal (submit) and back-office (validate, pay)."""

from django.urls import path

from comptabilite.views import expenses

backoffice_urlpatterns: list = [
    path("depenses/", expenses.expense_list, name="expenses"),
    path("depenses/a-valider/", expenses.expense_queue, name="expense_queue"),
    path("depenses/facture-fournisseur/", expenses.supplier_invoice_create, name="supplier_invoice_create"),
    path("depenses/<int:pk>/", expenses.expense_detail, name="expense"),
    path("depenses/<int:pk>/valider/", expenses.expense_validate, name="expense_validate"),
    path("depenses/<int:pk>/renvoyer/", expenses.expense_return, name="expense_return"),
    path("depenses/<int:pk>/paiement/", expenses.expense_pay, name="expense_pay"),
    path("depenses/<int:pk>/justificatif/", expenses.expense_receipt, name="expense_receipt"),
]
portal_urlpatterns: list = [
    path("depenses/", expenses.portal_list, name="expenses"),
    path("depenses/nouvelle/", expenses.portal_create, name="expense_create"),
    path("depenses/bareme-kilometrique/", expenses.mileage_preview, name="expense_mileage_preview"),
    path("depenses/<int:pk>/", expenses.portal_detail, name="expense"),
    path("depenses/<int:pk>/modifier/", expenses.portal_edit, name="expense_edit"),
    path("depenses/<int:pk>/soumettre/", expenses.portal_submit, name="expense_submit"),
    path("depenses/<int:pk>/supprimer/", expenses.portal_delete, name="expense_delete"),
    path("depenses/<int:pk>/justificatif/", expenses.portal_receipt, name="expense_receipt"),
]
