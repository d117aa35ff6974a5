from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoodysseeConfig(AppConfig):
    name = "coodyssee"
    verbose_name = _("Coopérative")

    def ready(self):
        from coodyssee import audit, checks  # noqa: F401 - connect audit signals, register checks
