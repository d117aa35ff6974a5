from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from coodyssee.permissions import has_perm

logger = logging.getLogger(__name__)

# Views that carry their own access control: allauth's account pages (public or login_required),
# Django's admin (superusers only, see coodyssee.admin), static and media serving in development.
_SELF_GUARDED_MODULES = (
    "allauth.",
    "django.contrib.admin.",
    "django.views.static",
    "django.contrib.staticfiles.",
)


def view_declaration(view_func):
    """The (public, action) a view declared through coodyssee.permissions, or None if it declared nothing."""
    for candidate in (view_func, getattr(view_func, "view_class", None)):
        if candidate is None:
            continue
        if getattr(candidate, "permission_public", False):
            return (True, None)
        action = getattr(candidate, "permission_action", None)
        if action:
            return (False, action)
    return None


def is_self_guarded(view_func, namespaces=()) -> bool:
    if "admin" in namespaces:
        return True
    module = getattr(view_func, "__module__", "") or ""
    view_class = getattr(view_func, "view_class", None)
    if view_class is not None:
        module = view_class.__module__
    return module.startswith(_SELF_GUARDED_MODULES)


class PermissionMiddleware:
    """Default deny: a view runs only if it declared an action the person's roles allow."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if is_self_guarded(view_func, match.namespaces if match else ()):
            return None
        declaration = view_declaration(view_func)
        if declaration is None:
            name = getattr(view_func, "__qualname__", view_func)
            logger.error("view %s declares no permission: refused", name)
            return render(request, "403.html", status=403)
        is_public, action = declaration
        if is_public:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_perm(request.user, action):
            # Rendered here rather than raised: a refusal is expected traffic, not an error worth a traceback.
            return render(request, "403.html", status=403)
        return None


class StaffMfaMiddleware:
    """In production, support staff must enrol a TOTP authenticator before using the application."""

    SESSION_KEY = "coodyssee_mfa_enrolled"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._enforce(request)
        return response or self.get_response(request)

    def _enforce(self, request):
        if not settings.MFA_REQUIRED_FOR_STAFF:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.session.get(self.SESSION_KEY):
            return None
        if not user.is_support_staff:
            return None
        from allauth.mfa.models import Authenticator

        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            request.session[self.SESSION_KEY] = True
            return None
        allowed = (
            reverse("mfa_activate_totp"),
            reverse("account_logout"),
            reverse("account_reauthenticate"),
            reverse("healthz"),
            settings.STATIC_URL,
        )
        if request.path.startswith(allowed):
            return None
        messages.warning(
            request,
            _(
                "La double authentification est obligatoire pour l'équipe d'appui : "
                "enregistrez votre application d'authentification pour continuer."
            ),
        )
        return redirect("mfa_activate_totp")
