"""The journey's pages, mounted by coodyssee/urls.py in the back-office and portal namespaces."""

from django.urls import path

from entrepreneurs import views, views_portal, views_stats

backoffice_urlpatterns = [
    path("entrepreneurs/", views.entrepreneur_list, name="entrepreneurs"),
    path("entrepreneurs/nouveau/", views.entrepreneur_create, name="entrepreneur_create"),
    path("entrepreneurs/<int:pk>/", views.entrepreneur_detail, name="entrepreneur"),
    path("entrepreneurs/<int:pk>/modifier/", views.entrepreneur_edit, name="entrepreneur_edit"),
    path("entrepreneurs/<int:pk>/parcours/<str:step>/", views.journey_step_record, name="journey_step"),
    path("entrepreneurs/<int:pk>/parcours-annuler/", views.journey_step_undo, name="journey_step_undo"),
    path("entrepreneurs/<int:pk>/rendez-vous/", views.appointment_plan, name="appointment_plan"),
    path("rendez-vous/", views.appointment_list, name="appointments"),
    path("rendez-vous/<int:pk>/<str:action>/", views.appointment_update, name="appointment_update"),
    path("informations-collectives/", views.info_session_list, name="info_sessions"),
    path("informations-collectives/nouvelle/", views.info_session_edit, name="info_session_create"),
    path("informations-collectives/<int:pk>/", views.info_session_edit, name="info_session_edit"),
    path("statistiques/", views_stats.headcount_stats, name="stats"),
    path("statistiques/<int:year>/", views_stats.headcount_stats, name="stats_year"),
]

portal_urlpatterns = [
    path("parcours/", views_portal.portal_journey, name="journey"),
]
