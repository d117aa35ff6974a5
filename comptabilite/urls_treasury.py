"""Treasury dashboards, forecasts, alerts, the staff overview and the monthly statements."""

backoffice_urlpatterns: list = []
portal_urlpatterns: list = []
