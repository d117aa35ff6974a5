"""Celery tasks of invoicing: thin, they take ids, load and call one function; safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from coodyssee.audit import acting_as


@shared_task(name="comptabilite.dunning_prepare", time_limit=600, soft_time_limit=570)
def dunning_prepare_daily() -> int:
    """Prepare today's reminders (Celery beat, every morning). Idempotent."""
    from comptabilite.services import dunning_prepare

    with acting_as("relances automatiques"):
        return len(dunning_prepare(today=timezone.localdate()))


@shared_task(name="comptabilite.invoice_render_pdf", time_limit=300, soft_time_limit=270)
def invoice_render_pdf(invoice_id: int) -> None:
    """Render and store an issued document's PDF (skipped when already stored)."""
    from comptabilite import documents
    from comptabilite.models import Invoice

    if Invoice.objects.filter(pk=invoice_id).exclude(pdf="").exists():
        return
    documents.render_and_store(invoice_id)


@shared_task(name="comptabilite.invoice_email_send", time_limit=300, soft_time_limit=270)
def invoice_email_send(event_id: int) -> None:
    from comptabilite.emails import deliver_invoice_email

    deliver_invoice_email(event_id)


@shared_task(name="comptabilite.dunning_email_send", time_limit=300, soft_time_limit=270)
def dunning_email_send(log_id: int) -> None:
    from comptabilite.emails import deliver_reminder_email

    deliver_reminder_email(log_id)
