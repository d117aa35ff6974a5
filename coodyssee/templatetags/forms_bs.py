"""Render form fields with Bootstrap classes, without a form-rendering dependency."""

from django import template

register = template.Library()

_SELECTS = {"select", "selectmultiple", "nullbooleanselect"}
_CHECKS = {"checkbox"}


@register.filter
def bs(field):
    widget_type = field.widget_type
    if widget_type in _SELECTS:
        css = "form-select"
    elif widget_type in _CHECKS:
        css = "form-check-input"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    existing = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})
