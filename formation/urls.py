"""Pages of this app, mounted by coodyssee/urls.py in the back-office and portal namespaces."""

from django.urls import path

from formation import views, views_portal

backoffice_urlpatterns = [
    path("formations/", views.session_list, name="training_sessions"),
    path("formations/nouvelle/", views.session_create, name="training_session_create"),
    path("formations/<int:pk>/", views.session_detail, name="training_session"),
    path("formations/<int:pk>/modifier/", views.session_edit, name="training_session_edit"),
    path("formations/<int:pk>/etat/", views.session_status, name="training_session_status"),
    path("formations/<int:pk>/inscrire/", views.session_register, name="training_session_register"),
    path("formations/<int:pk>/presences/", views.session_attendance, name="training_session_attendance"),
    path("formations/<int:pk>/emargement.pdf", views.session_sheet_pdf, name="training_session_sheet"),
    path(
        "formations/<int:pk>/attestations.pdf",
        views.session_certificates_pdf,
        name="training_session_certificates",
    ),
    path(
        "formations/inscriptions/<int:pk>/annuler/",
        views.registration_cancel,
        name="training_registration_cancel",
    ),
    path(
        "formations/inscriptions/<int:pk>/attestation.pdf",
        views.registration_certificate_pdf,
        name="training_registration_certificate",
    ),
    path("formations/catalogue/", views.training_type_list, name="training_types"),
    path("formations/catalogue/nouvelle/", views.training_type_edit, name="training_type_create"),
    path("formations/catalogue/<int:pk>/", views.training_type_edit, name="training_type_edit"),
    path("formations/financements/", views.funding_list, name="training_funding"),
    path("formations/financements/nouvelle/", views.funding_edit, name="training_funding_create"),
    path("formations/financements/<int:pk>/", views.funding_edit, name="training_funding_edit"),
    path("formations/programmes/", views.programme_list, name="training_programmes"),
    path("formations/programmes/nouveau/", views.programme_edit, name="training_programme_create"),
    path("formations/programmes/<int:pk>/", views.programme_edit, name="training_programme_edit"),
    path("formations/bilan/", views.year_summary, name="training_summary"),
    path("formations/bilan/<int:year>/", views.year_summary, name="training_summary_year"),
]

portal_urlpatterns = [
    path("formations/", views_portal.portal_trainings, name="trainings"),
    path("formations/<int:pk>/inscription/", views_portal.portal_register, name="training_register"),
    path("formations/inscriptions/<int:pk>/annuler/", views_portal.portal_cancel, name="training_cancel"),
    path(
        "formations/inscriptions/<int:pk>/attestation.pdf",
        views_portal.portal_certificate,
        name="training_certificate",
    ),
]
