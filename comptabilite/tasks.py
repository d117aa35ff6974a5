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


@shared_task(name="comptabilite.treasury_alerts_check", time_limit=600, soft_time_limit=570)
def treasury_alerts_check_daily() -> int:
    """Raise and clear every activity's treasury alerts (Celery beat, every morning: the forecast drift
    moves with the calendar). Idempotent. Returns how many alerts changed."""
    from comptabilite.alerts import check_activities

    with acting_as("alertes de trésorerie"):
        result = check_activities()
    return len(result.raised) + len(result.cleared)


@shared_task(name="comptabilite.treasury_alert_email_send", time_limit=300, soft_time_limit=270)
def treasury_alert_email_send(alert_id: int) -> None:
    """E-mail a raised alert to the entrepreneur(s) and their referent; sent once."""
    from comptabilite.alerts import deliver_alert_email

    deliver_alert_email(alert_id)


@shared_task(name="comptabilite.generate_monthly_statements", time_limit=1800, soft_time_limit=1770)
def generate_monthly_statements(year: int | None = None, month: int | None = None) -> dict:
    """The monthly run (Celery beat, on the 1st, for the month just ended by default): post the month's
    fixed contributions, then one statement task per activity. Safe to run twice: nothing is posted,
    generated or e-mailed twice."""
    from comptabilite import contribution, statements

    if year is None or month is None:
        year, month = statements.previous_month()
    statements.check_month_over(year, month)
    with acting_as("relevés mensuels"):
        posted = contribution.post_fixed_contributions(year=year, month=month)
    activity_ids = statements.activities_to_state(year, month)
    for activity_id in activity_ids:
        monthly_statement_generate.delay(activity_id, year, month)
    return {"year": year, "month": month, "fixed_contributions": len(posted), "activities": len(activity_ids)}


@shared_task(name="comptabilite.monthly_statement_generate", time_limit=300, soft_time_limit=270)
def monthly_statement_generate(activity_id: int, year: int, month: int) -> bool:
    """One activity's statement of the month (skipped when it exists; its e-mail is queued after commit)."""
    from comptabilite.statements import statement_generate

    with acting_as("relevés mensuels"):
        statement, created = statement_generate(activity_id=activity_id, year=year, month=month)
    if not created and statement.emailed_at is None:
        monthly_statement_email.delay(statement.pk)  # a first run whose e-mail never left
    return created


@shared_task(name="comptabilite.monthly_statement_email", time_limit=300, soft_time_limit=270)
def monthly_statement_email(statement_id: int) -> bool:
    """E-mail a statement to the activity's entrepreneurs; sent once."""
    from comptabilite.statements import statement_email_send

    return statement_email_send(statement_id)
