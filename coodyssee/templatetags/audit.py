from django import template
from django.core.exceptions import FieldDoesNotExist

register = template.Library()


@register.filter
def audit_changes(entry):
    """The entry's changes as rows with the field's French label."""
    model = entry.content_type.model_class()
    rows = []
    for name, (old, new) in entry.changes.items():
        try:
            field = model._meta.get_field(name) if model else None
            label = field.verbose_name if field else name
            if field is not None and field.choices:
                choices = {str(value): display for value, display in field.flatchoices}
                old, new = choices.get(old, old), choices.get(new, new)
        except FieldDoesNotExist:
            label = name
        rows.append({"label": label, "old": old, "new": new})
    return rows
