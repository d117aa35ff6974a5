"""Who may do what: the one place that decides. Default is deny.

Views declare the action they perform with ``@permission(...)`` (or ``@public``); the
``PermissionMiddleware`` refuses any view that declares nothing, so a new view cannot be
reachable by accident. Object-level scoping (an entrepreneur sees only their own records) is
done by each app's ``access_<thing>(user, pk)`` functions, which call ``has_perm`` first.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MANAGER = "manager", _("Gérance")
    ACCOUNTANT = "accountant", _("Comptabilité et paie")
    ACCOMPANIMENT = "accompaniment", _("Chargé·e d'accompagnement")
    ENTREPRENEUR = "entrepreneur", _("Entrepreneur·e")
    ASSOCIATE = "associate", _("Associé·e")


STAFF_ROLES = frozenset({Role.MANAGER, Role.ACCOUNTANT, Role.ACCOMPANIMENT})
# Held by every signed-in, active person, whatever their roles: for their own account pages.
SIGNED_IN = "signed_in"


class Space(models.TextChoices):
    BACKOFFICE = "backoffice", _("Équipe d'appui")
    PORTAL = "portal", _("Mon espace entrepreneur")
    ASSOCIATES = "associates", _("Espace associés")


# Action → roles allowed. An action absent from this table is refused to everyone.
PERMISSIONS: dict[str, frozenset[str]] = {
    # spaces
    "backoffice.view": STAFF_ROLES,
    "portal.view": frozenset({Role.ENTREPRENEUR}),
    "associates.view": frozenset({Role.ASSOCIATE}),
    # people and accounts
    "people.view": STAFF_ROLES,
    "people.invite": frozenset({Role.MANAGER, Role.ACCOMPANIMENT}),
    "people.manage_roles": frozenset({Role.MANAGER}),
    # cooperative settings (name, logo, identifiers)
    "cooperative.edit": frozenset({Role.MANAGER}),
    # audit trail
    "audit.view": STAFF_ROLES,
    # journey (entrepreneurs app): the accountant reads, the manager and officers write
    "entrepreneurs.view": STAFF_ROLES,
    "entrepreneurs.edit": frozenset({Role.MANAGER, Role.ACCOMPANIMENT}),
    "appointments.manage": frozenset({Role.MANAGER, Role.ACCOMPANIMENT}),
    "info_sessions.view": STAFF_ROLES,
    "info_sessions.manage": frozenset({Role.MANAGER, Role.ACCOMPANIMENT}),
    "stats.view": STAFF_ROLES,
    "portal.journey": frozenset({Role.ENTREPRENEUR}),
    # invoicing (comptabilite app): entrepreneurs draft and submit their own documents in the portal;
    # the support team controls and issues them (the accountant and the manager), records payments
    # and runs dunning. "invoicing.view" is read access to every activity's documents.
    "invoicing.view": STAFF_ROLES,
    "invoicing.draft": STAFF_ROLES | {Role.ENTREPRENEUR},
    "invoicing.control": frozenset({Role.MANAGER, Role.ACCOUNTANT}),
    "invoicing.issue": frozenset({Role.MANAGER, Role.ACCOUNTANT}),
    "payments.record": frozenset({Role.MANAGER, Role.ACCOUNTANT}),
    "dunning.run": frozenset({Role.MANAGER, Role.ACCOUNTANT}),
    "portal.invoicing": frozenset({Role.ENTREPRENEUR}),
    # accounting and treasury (comptabilite app): entrepreneurs submit expenses and read their own
    # treasury; the accountant and the manager validate, pay, post and export; every staff member reads.
    "expenses.view": STAFF_ROLES,
    "expenses.validate": frozenset({Role.MANAGER, Role.ACCOUNTANT}),
    "expenses.pay": frozenset({Role.MANAGER, Role.ACCOUNTANT}),
    "portal.expenses": frozenset({Role.ENTREPRENEUR}),
    "treasury.view": STAFF_ROLES,
    "portal.treasury": frozenset({Role.ENTREPRENEUR}),
    "ledger.view": frozenset({Role.MANAGER, Role.ACCOUNTANT}),
    "ledger.post": frozenset({Role.MANAGER, Role.ACCOUNTANT}),
    "ledger.settings": frozenset({Role.MANAGER, Role.ACCOUNTANT}),
    "ledger.export": frozenset({Role.MANAGER, Role.ACCOUNTANT}),
    "vat.view": frozenset({Role.MANAGER, Role.ACCOUNTANT}),
    "budget.view": STAFF_ROLES,
    "budget.edit": frozenset({Role.MANAGER, Role.ACCOUNTANT}),
    "associates.budget": frozenset({Role.ASSOCIATE}),
    # training (formation app)
    "training.view": STAFF_ROLES,
    "training.manage": frozenset({Role.MANAGER, Role.ACCOMPANIMENT}),
    "portal.training": frozenset({Role.ENTREPRENEUR}),
    # any signed-in person: own account, switching space
    "account.self": frozenset({SIGNED_IN}),
}

SPACE_ACTIONS = {
    Space.BACKOFFICE: "backoffice.view",
    Space.PORTAL: "portal.view",
    Space.ASSOCIATES: "associates.view",
}
SPACE_HOME_URLS = {
    Space.BACKOFFICE: "backoffice:home",
    Space.PORTAL: "portal:home",
    Space.ASSOCIATES: "associates:home",
}


def user_roles(user) -> frozenset[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    return user.roles | {SIGNED_IN}


def has_perm(user, action: str) -> bool:
    allowed = PERMISSIONS.get(action)
    if allowed is None:
        return False
    return bool(user_roles(user) & allowed)


def check_perm(user, action: str) -> None:
    if not has_perm(user, action):
        raise PermissionDenied(action)


def user_spaces(user) -> list[str]:
    """Spaces this person may enter, in the order the switcher shows them."""
    return [space for space in Space if has_perm(user, SPACE_ACTIONS[space])]


def permission(action: str) -> Callable:
    """Declare the action a view performs; the middleware enforces it before the view runs."""
    if action not in PERMISSIONS:
        raise ValueError(f"unknown action {action!r}: add it to coodyssee.permissions.PERMISSIONS")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            return view(*args, **kwargs)

        wrapped.permission_action = action
        return wrapped

    return decorator


def public(view):
    """Mark a view reachable without signing in (login pages, health check)."""
    view.permission_action = None
    view.permission_public = True
    return view
