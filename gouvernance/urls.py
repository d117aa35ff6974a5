"""Pages of this app, mounted by coodyssee/urls.py in the back-office and associates namespaces."""

from django.urls import path

from gouvernance import views

backoffice_urlpatterns: list = [
    path("budget/", views.budget_current, name="budget"),
    path("budget/<int:year>/", views.budget_year, name="budget_year"),
    path("budget/<int:year>/modifier/", views.budget_edit, name="budget_edit"),
    path("budget/<int:year>/reprendre/", views.budget_copy, name="budget_copy"),
]
associates_urlpatterns: list = [
    path("budget/", views.associates_budget_current, name="budget"),
    path("budget/<int:year>/", views.associates_budget_year, name="budget_year"),
]
