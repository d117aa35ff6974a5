"""Template filters of the invoicing pages: status badges and the labels of stored codes."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

from comptabilite import tables
from comptabilite.forms import plain_quantity
from comptabilite.models import DunningChannel, InvoiceStatus, PaymentMethod, QuoteStatus
from comptabilite.models.choices import VAT_RATE_CHOICES
from coodyssee.permissions import has_perm

register = template.Library()


@register.filter
def status_badge(invoice) -> str:
    return tables.status_badge(invoice)


@register.filter
def payment_badge(invoice) -> str:
    return tables.payment_badge(invoice, timezone.localdate())


@register.filter
def document_label(invoice) -> str:
    return tables.document_label(invoice)


@register.filter
def customer_name(invoice) -> str:
    return tables.customer_name(invoice)


@register.filter
def payment_method(code) -> str:
    return PaymentMethod(code).label if code in PaymentMethod.values else code


@register.filter
def channel(code) -> str:
    return DunningChannel(code).label if code in DunningChannel.values else code


@register.filter
def invoice_status(code) -> str:
    return InvoiceStatus(code).label if code in InvoiceStatus.values else code


@register.filter
def quote_status(code) -> str:
    return QuoteStatus(code).label if code in QuoteStatus.values else code


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def vat_rate_choices():
    return VAT_RATE_CHOICES


@register.filter
def can(user, action: str) -> bool:
    """``{% if user|can:"dunning.run" %}``: the same check as the views' ``@permission``."""
    return has_perm(user, action)


@register.filter
def iso_date(value):
    """A date stored as text in an event's data ("2026-11-16") back to a date, for ``|date:"d/m/Y"``."""
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@register.filter
def quantity(value) -> str:
    """A line's quantity without trailing zeros, French style: 246, 1,5, 0,125."""
    return str(plain_quantity(value)).replace(".", ",") if value is not None else ""
