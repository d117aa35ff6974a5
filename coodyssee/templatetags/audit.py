import datetime

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


def _display(field, value):
    if value is None or field is None:
        return value
    try:
        if isinstance(field, models.DateTimeField):
            moment = datetime.datetime.fromisoformat(value)
            return date_format(
                timezone.localtime(moment) if timezone.is_aware(moment) else moment, "d/m/Y H:i"
            )
        if isinstance(field, models.DateField):
            return date_format(datetime.date.fromisoformat(value), "d/m/Y")
    except ValueError:
        return value
    if field.choices:
        return dict((str(key), label) for key, label in field.flatchoices).get(value, value)
    return value


@register.filter
def audit_changes(entry):
    """The entry's changes as rows with the field's French label and readable values."""
    model = entry.content_type.model_class()
    rows = []
    for name, (old, new) in entry.changes.items():
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        label = field.verbose_name if field is not None else name
        rows.append({"label": label, "old": _display(field, old), "new": _display(field, new)})
    return rows
