from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComptabiliteConfig(AppConfig):
    name = "comptabilite"
    verbose_name = _("Comptabilité et trésorerie")

    def ready(self):
        from comptabilite import signals  # noqa: F401
