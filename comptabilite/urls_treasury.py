"""Treasury dashboards, forecasts, alerts, the staff overview and the monthly statements."""

from django.urls import path

from comptabilite.views import treasury

backoffice_urlpatterns: list = [
    path("tresorerie/", treasury.overview, name="treasury"),
    path("tresorerie/activites/<int:pk>/", treasury.activity_dashboard, name="treasury_activity"),
]
portal_urlpatterns: list = [
    path("tresorerie/", treasury.portal_dashboard, name="treasury"),
    path("tresorerie/activites/<int:pk>/", treasury.portal_dashboard, name="treasury_activity"),
    path("tresorerie/activites/<int:pk>/previsions/", treasury.portal_forecast, name="treasury_forecast"),
]
