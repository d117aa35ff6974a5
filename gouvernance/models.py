"""Governance records. For now: the structure's operating budget (the cooperative's own forecast by line).

A budget line gives a forecast and names the accounts whose movements on the structure's analytic sections
make its actual; the actuals are never typed, they are read from the ledger (``gouvernance.budget``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from coodyssee.audit import Audited


class BudgetSide(models.TextChoices):
    CHARGE = "charge", _("charges")
    PRODUCT = "product", _("produits")


def parse_prefixes(text: str) -> list[str]:
    """``"606, 6063"`` → ``["606", "6063"]`` (duplicates dropped, order kept)."""
    seen: list[str] = []
    for part in (text or "").replace(";", ",").replace(" ", ",").split(","):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


def validate_prefixes(text: str) -> None:
    bad = [part for part in parse_prefixes(text) if not part.isdigit()]
    if bad:
        raise ValidationError(
            _("Indiquez des débuts de numéros de compte (chiffres), séparés par des virgules : %(bad)s"),
            params={"bad": ", ".join(bad)},
        )


class BudgetLine(Audited, models.Model):
    """One line of the structure's budget of a year: "Locations", forecast 9,000 €, actual from ``613``.

    ``eligible`` lines make the operating budget proper (charges and products by section); the others are
    the "charges / produits non éligibles" listed under the intermediate result.
    """

    year = models.PositiveSmallIntegerField(_("année"))
    side = models.CharField(_("nature"), max_length=8, choices=BudgetSide.choices)
    eligible = models.BooleanField(
        _("éligible"),
        default=True,
        help_text=_("Décochez pour les charges et produits non éligibles (sous le résultat intermédiaire)."),
    )
    section = models.CharField(
        _("rubrique"), max_length=100, blank=True, help_text=_("Par exemple « 60 Achats », « Subventions ».")
    )
    label = models.CharField(_("libellé"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    forecast = models.DecimalField(_("prévu (€)"), max_digits=14, decimal_places=2, null=True, blank=True)
    accounts = models.CharField(
        _("comptes"),
        max_length=200,
        blank=True,
        validators=[validate_prefixes],
        help_text=_(
            "Débuts des numéros de compte dont le réalisé est la somme, séparés par des virgules "
            "(« 613 », « 641, 645 »). Un compte va à la ligne dont le début est le plus long."
        ),
    )

    class Meta:
        verbose_name = _("ligne du budget de la structure")
        verbose_name_plural = _("lignes du budget de la structure")
        ordering = ["year", "side", "-eligible", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "side", "eligible", "section", "label"], name="unique_budget_line"
            ),
        ]
        indexes = [models.Index(fields=["year", "side"], name="budget_line_year")]

    def __str__(self):
        return f"{self.year} {self.section} {self.label}".strip()

    @property
    def prefixes(self) -> list[str]:
        return parse_prefixes(self.accounts)
