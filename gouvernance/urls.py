"""Pages of this app, mounted by coodyssee/urls.py in the back-office and associates namespaces."""

backoffice_urlpatterns: list = []
associates_urlpatterns: list = []
