from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaieConfig(AppConfig):
    name = "paie"
    verbose_name = _("Paie")
