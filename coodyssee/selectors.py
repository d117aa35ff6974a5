"""Reads shared by several views: people, the cooperative, the audit history of a record."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from coodyssee.models import AuditEntry, Cooperative, RoleGrant, User
from coodyssee.permissions import check_perm


def cooperative_current() -> Cooperative | None:
    return Cooperative.objects.order_by("pk").first()


def people_for(user) -> QuerySet[User]:
    check_perm(user, "people.view")
    return (
        User.objects.select_related("entrepreneur")
        .prefetch_related(Prefetch("role_grants", queryset=RoleGrant.objects.order_by("role")))
        .order_by("last_name", "first_name", "email")
    )


def access_person(user, pk: int) -> User:
    check_perm(user, "people.view")
    try:
        return people_for(user).get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None


def audit_history_for(obj, limit: int = 100) -> QuerySet[AuditEntry]:
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return (
        AuditEntry.objects.filter(target_type=content_type, target_id=str(obj.pk))
        .select_related("actor", "content_type")
        .order_by("-at", "-id")[:limit]
    )
