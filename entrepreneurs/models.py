from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coodyssee.audit import Audited


class Entrepreneur(Audited, models.Model):
    """A person accompanied by the cooperative, from first contact to exit.

    The journey (CAPE, CESA, associate, exit), the activity and the territory arrive with the
    parcours issue; the foundation needs only the identity and the link to a login.
    """

    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entrepreneur",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("entrepreneur·e")
        verbose_name_plural = _("entrepreneur·es")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"
