"""URLs: the three spaces each gather the patterns that the apps contribute to them."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from comptabilite import urls as comptabilite_urls
from coodyssee import views
from coodyssee.health import healthz
from entrepreneurs import urls as entrepreneurs_urls
from formation import urls as formation_urls
from gouvernance import urls as gouvernance_urls

backoffice_patterns = [
    path("", views.backoffice_home, name="home"),
    path("personnes/", views.people_list, name="people"),
    path("personnes/inviter/", views.person_invite, name="person_invite"),
    path("personnes/<int:pk>/", views.person_detail, name="person"),
    path("personnes/<int:pk>/roles/", views.person_roles, name="person_roles"),
    path("personnes/<int:pk>/invitation/", views.person_invitation_resend, name="person_invitation_resend"),
    path("cooperative/", views.cooperative_edit, name="cooperative"),
    *entrepreneurs_urls.backoffice_urlpatterns,
    *comptabilite_urls.backoffice_urlpatterns,
    *formation_urls.backoffice_urlpatterns,
    *gouvernance_urls.backoffice_urlpatterns,
]
portal_patterns = [
    path("", views.portal_home, name="home"),
    *entrepreneurs_urls.portal_urlpatterns,
    *comptabilite_urls.portal_urlpatterns,
    *formation_urls.portal_urlpatterns,
]
associates_patterns = [
    path("", views.associates_home, name="home"),
    *gouvernance_urls.associates_urlpatterns,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("espace/<str:space>/", views.space_switch, name="space_switch"),
    path("invitation/<uidb64>/<token>/", views.invitation_accept, name="invitation_accept"),
    path("comptes/", include("allauth.urls")),
    path("gestion/", include((backoffice_patterns, "backoffice"))),
    path("portail/", include((portal_patterns, "portal"))),
    path("associes/", include((associates_patterns, "associates"))),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
