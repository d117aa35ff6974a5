"""The three spaces and their navigation. Each item is shown only to people allowed its action."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coodyssee.permissions import SPACE_HOME_URLS, Space, has_perm, user_spaces


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: str


@dataclass(frozen=True)
class NavGroup:
    """A drop-down menu: shown when at least one of its items is allowed."""

    label: str
    items: tuple[NavItem, ...]


NAVIGATION: dict[str, list[NavItem | NavGroup]] = {
    Space.BACKOFFICE: [
        NavItem(_("Accueil"), "backoffice:home", "backoffice.view"),
        NavItem(_("Entrepreneurs"), "backoffice:entrepreneurs", "entrepreneurs.view"),
        NavGroup(
            _("Accompagnement"),
            (
                NavItem(_("Rendez-vous"), "backoffice:appointments", "entrepreneurs.view"),
                NavItem(_("Informations collectives"), "backoffice:info_sessions", "info_sessions.view"),
                NavItem(_("Statistiques"), "backoffice:stats", "stats.view"),
            ),
        ),
        NavGroup(
            _("Facturation"),
            (
                NavItem(_("Factures et avoirs"), "backoffice:invoices", "invoicing.view"),
                NavItem(_("Dépenses"), "backoffice:expenses", "expenses.view"),
            ),
        ),
        NavGroup(
            _("Trésorerie"),
            (
                NavItem(_("Vue d'ensemble des activités"), "backoffice:treasury", "treasury.view"),
                NavItem(_("Relevés mensuels"), "backoffice:monthly_statements", "treasury.view"),
                NavItem(_("Budget de la structure"), "backoffice:budget", "budget.view"),
            ),
        ),
        NavGroup(
            _("Comptabilité"),
            (
                NavItem(_("Écritures"), "backoffice:ledger_entries", "ledger.view"),
                NavItem(_("Grand livre"), "backoffice:ledger_account", "ledger.view"),
                NavItem(_("Balance"), "backoffice:ledger_balance", "ledger.view"),
                NavItem(_("Plan comptable"), "backoffice:ledger_chart", "ledger.view"),
                NavItem(_("TVA"), "backoffice:ledger_vat", "vat.view"),
                NavItem(_("Contribution"), "backoffice:ledger_rules", "ledger.view"),
                NavItem(_("Clôture"), "backoffice:ledger_closing", "ledger.settings"),
                NavItem(_("FEC"), "backoffice:ledger_fec", "ledger.export"),
            ),
        ),
        NavItem(_("Formations"), "backoffice:training_sessions", "training.view"),
        NavGroup(
            _("Administration"),
            (
                NavItem(_("Comptes"), "backoffice:people", "people.view"),
                NavItem(_("Coopérative"), "backoffice:cooperative", "cooperative.edit"),
            ),
        ),
    ],
    Space.PORTAL: [
        NavItem(_("Accueil"), "portal:home", "portal.view"),
        NavItem(_("Mon parcours"), "portal:journey", "portal.journey"),
        NavItem(_("Mes factures"), "portal:invoices", "portal.invoicing"),
        NavItem(_("Mes dépenses"), "portal:expenses", "portal.expenses"),
        NavGroup(
            _("Ma trésorerie"),
            (
                NavItem(_("Tableau de bord"), "portal:treasury", "portal.treasury"),
                NavItem(_("Mes relevés mensuels"), "portal:monthly_statements", "portal.treasury"),
            ),
        ),
        NavItem(_("Mes formations"), "portal:trainings", "portal.training"),
    ],
    Space.ASSOCIATES: [
        NavItem(_("Accueil"), "associates:home", "associates.view"),
        NavItem(_("Budget de la structure"), "associates:budget", "associates.budget"),
    ],
}


def current_space(request) -> str | None:
    match = getattr(request, "resolver_match", None)
    namespace = match.namespaces[0] if match and match.namespaces else None
    if namespace not in Space.values:
        return None
    # A page refused to this person does not make its space theirs (no colour, no menu of it).
    return namespace if namespace in user_spaces(request.user) else None


def navigation_for(request) -> list[dict]:
    space = current_space(request)
    if space is None:
        return []
    path = request.path

    def entry(item: NavItem) -> dict | None:
        if not has_perm(request.user, item.action):
            return None
        url = reverse(item.url_name)
        home = item.url_name == SPACE_HOME_URLS[space]
        return {"label": item.label, "url": url, "active": path == url if home else path.startswith(url)}

    items = []
    for node in NAVIGATION[space]:
        if isinstance(node, NavGroup):
            children = [child for child in map(entry, node.items) if child]
            if children:
                active = any(child["active"] for child in children)
                items.append({"label": node.label, "children": children, "active": active})
        elif (item := entry(node)) is not None:
            items.append(item)
    return items


def spaces_for(request) -> list[dict]:
    return [
        {"key": space, "label": Space(space).label, "url": reverse("space_switch", args=[space])}
        for space in user_spaces(request.user)
    ]
