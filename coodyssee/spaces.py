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


NAVIGATION: dict[str, list[NavItem]] = {
    Space.BACKOFFICE: [
        NavItem(_("Tableau de bord"), "backoffice:home", "backoffice.view"),
        NavItem(_("Entrepreneurs"), "backoffice:entrepreneurs", "entrepreneurs.view"),
        NavItem(_("Rendez-vous"), "backoffice:appointments", "entrepreneurs.view"),
        NavItem(_("Facturation"), "backoffice:invoices", "invoicing.view"),
        NavItem(_("Informations collectives"), "backoffice:info_sessions", "info_sessions.view"),
        NavItem(_("Formations"), "backoffice:training_sessions", "training.view"),
        NavItem(_("Statistiques"), "backoffice:stats", "stats.view"),
        NavItem(_("Comptes"), "backoffice:people", "people.view"),
        NavItem(_("Coopérative"), "backoffice:cooperative", "cooperative.edit"),
    ],
    Space.PORTAL: [
        NavItem(_("Accueil"), "portal:home", "portal.view"),
        NavItem(_("Mon parcours"), "portal:journey", "portal.journey"),
        NavItem(_("Mes factures"), "portal:invoices", "portal.invoicing"),
        NavItem(_("Mes formations"), "portal:trainings", "portal.training"),
    ],
    Space.ASSOCIATES: [
        NavItem(_("Accueil"), "associates:home", "associates.view"),
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
    items = []
    for item in NAVIGATION[space]:
        if not has_perm(request.user, item.action):
            continue
        url = reverse(item.url_name)
        home = item.url_name == SPACE_HOME_URLS[space]
        items.append(
            {"label": item.label, "url": url, "active": path == url if home else path.startswith(url)}
        )
    return items


def spaces_for(request) -> list[dict]:
    return [
        {"key": space, "label": Space(space).label, "url": reverse("space_switch", args=[space])}
        for space in user_spaces(request.user)
    ]
