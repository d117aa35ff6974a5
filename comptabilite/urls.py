"""Pages of this app, mounted by coodyssee/urls.py in the back-office and portal namespaces."""

backoffice_urlpatterns: list = []
portal_urlpatterns: list = []
