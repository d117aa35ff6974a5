"""Numbering counters (see ``comptabilite.numbering``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NumberingCounter(models.Model):
    """The last number given in a series and year; locked (SELECT … FOR UPDATE) by whoever issues."""

    series = models.CharField(_("série"), max_length=20)
    year = models.PositiveSmallIntegerField(_("année"))
    last = models.PositiveIntegerField(_("dernier rang attribué"), default=0)

    class Meta:
        verbose_name = _("compteur de numérotation")
        verbose_name_plural = _("compteurs de numérotation")
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="unique_counter_series_year")]

    def __str__(self):
        return f"{self.series} {self.year}: {self.last}"
