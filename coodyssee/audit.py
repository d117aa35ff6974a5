"""Audit trail: who changed what, when, with old and new values.

Models that inherit ``Audited`` are snapshotted when loaded; after each save or delete an
``AuditEntry`` row records the difference. Recording happens in a signal because it must catch
every path (services, admin, shell) — it holds no business rule. The actor comes from a context
variable that the middleware sets per request and that commands and tasks set with ``acting_as``.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import uuid
from contextlib import contextmanager

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

_actor: contextvars.ContextVar = contextvars.ContextVar("audit_actor", default=None)


class Audited(models.Model):
    """Mixin for business records whose every change is audited."""

    audit_exclude: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._audit_snapshot = instance.audit_values()
        return instance

    def audit_values(self, only=None) -> dict[str, str | None]:
        """Text of each audited field (of the names in ``only``, when given)."""
        values = {}
        for field in self._meta.concrete_fields:
            if field.primary_key or field.name in self.audit_exclude:
                continue
            if only is not None and field.name not in only and field.attname not in only:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                continue  # timestamps the entry itself already carries
            if field.attname not in self.__dict__:  # deferred field: not loaded, not compared
                continue
            value = field.value_from_object(self)
            if isinstance(field, models.DecimalField) and value is not None:
                # 0 and Decimal("0.00") are the same amount: compare them at the field's precision.
                value = decimal.Decimal(value).quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
            values[field.name] = _to_text(value)
        return values

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._audit_snapshot = self.audit_values()

    def audit_target(self):
        """The record on whose page this change is shown (itself by default)."""
        return self


def _to_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | int | float):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or None
    return str(value)


def current_actor():
    actor = _actor.get()
    return actor() if callable(actor) else actor


@contextmanager
def acting_as(actor):
    """Attribute the changes made inside the block to ``actor`` (a user, or a label such as 'import')."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


class AuditActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _actor.set(lambda: getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


def _with_labels(instance: Audited, changes: dict) -> dict:
    """Show a changed foreign key as its record's name rather than its id (queried only when it changed)."""
    for name, values in changes.items():
        field = instance._meta.get_field(name)
        if not field.is_relation or not field.many_to_one:
            continue
        model = field.related_model
        names = {}
        if field.is_cached(instance) and (related := field.get_cached_value(instance)) is not None:
            names[str(related.pk)] = str(related)  # the new value is already loaded: no query
        ids = [value for value in values if value is not None and value not in names]
        if ids:
            names.update({str(obj.pk): str(obj) for obj in model._default_manager.filter(pk__in=ids)})
        changes[name] = [names.get(value, value) if value is not None else None for value in values]
    return changes


def _record(instance: Audited, action: str, changes: dict) -> None:
    AuditEntry = apps.get_model("coodyssee", "AuditEntry")
    actor = current_actor()
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    if actor_user is not None:
        label = str(actor_user)
    elif isinstance(actor, str):
        label = actor
    else:
        label = "système"
    target = instance.audit_target()
    AuditEntry.objects.create(
        actor=actor_user,
        actor_label=label[:200],
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        changes=_with_labels(instance, changes),
    )


@receiver(post_save, dispatch_uid="audit_post_save")
def _audit_post_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, Audited):
        return
    # save(update_fields=…) writes those fields only: only they can have changed.
    only = kwargs.get("update_fields") if not created else None
    new = instance.audit_values(only=only)
    if created:
        changes = {name: [None, value] for name, value in new.items() if value not in (None, "")}
        _record(instance, "create", changes)
    else:
        old = getattr(instance, "_audit_snapshot", {})
        changes = {name: [old.get(name), value] for name, value in new.items() if old.get(name) != value}
        if not changes:
            return
        _record(instance, "update", changes)
    instance._audit_snapshot = new if only is None else {**getattr(instance, "_audit_snapshot", {}), **new}


@receiver(post_delete, dispatch_uid="audit_post_delete")
def _audit_post_delete(sender, instance, **kwargs):
    if not isinstance(instance, Audited):
        return
    old = getattr(instance, "_audit_snapshot", None) or instance.audit_values()
    _record(
        instance, "delete", {name: [value, None] for name, value in old.items() if value not in (None, "")}
    )
