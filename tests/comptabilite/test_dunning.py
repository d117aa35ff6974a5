"""Reminders: each level prepared once per invoice, on the right day, sent after commit."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile

from comptabilite import selectors, services, tasks
from comptabilite.models import DunningLevel, DunningLog, EventKind, Invoice
from coodyssee.errors import DomainError

D = Decimal
PARIS = ZoneInfo("Europe/Paris")


def fake_render(invoice_id: int) -> None:
    invoice = Invoice.objects.get(pk=invoice_id)
    invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    invoice.pdf_sha256 = "0" * 64
    invoice.save(update_fields=["pdf", "pdf_sha256", "updated_at"])


@pytest.fixture
def late(issued_invoice):
    """The issued invoice, with the days after its due date."""
    return issued_invoice


def day_after_due(invoice, days: int) -> datetime.date:
    return invoice.due_date + datetime.timedelta(days=days)


def test_default_levels_are_created_once(db):
    levels = services.dunning_levels_ensure_defaults()
    assert [(lvl.days_after_due, lvl.channel, lvl.with_penalties) for lvl in levels] == [
        (7, "email", False),
        (30, "email", False),
        (45, "letter", True),
    ]
    assert services.dunning_levels_ensure_defaults() == levels
    assert DunningLevel.objects.count() == 3


def test_each_level_is_prepared_once_on_its_day(late):
    assert services.dunning_prepare(today=day_after_due(late, 6)) == []
    first = services.dunning_prepare(today=day_after_due(late, 7))
    assert [log.level.days_after_due for log in first] == [7]
    assert services.dunning_prepare(today=day_after_due(late, 7)) == []  # idempotent
    assert services.dunning_prepare(today=day_after_due(late, 20)) == []
    assert [log.level.days_after_due for log in services.dunning_prepare(today=day_after_due(late, 30))] == [
        30
    ]
    notice = services.dunning_prepare(today=day_after_due(late, 45))
    assert [log.level.name for log in notice] == ["Mise en demeure"]
    assert services.dunning_prepare(today=day_after_due(late, 90)) == []
    assert DunningLog.objects.filter(invoice=late).count() == 3
    assert late.events.filter(kind=EventKind.REMINDER).count() == 3


def test_a_late_start_prepares_only_the_highest_level_reached(late):
    logs = services.dunning_prepare(today=day_after_due(late, 50))
    assert [log.level.days_after_due for log in logs] == [45]
    assert services.dunning_prepare(today=day_after_due(late, 51)) == []  # no friendly reminder after it


def test_the_formal_notice_claims_penalties_and_the_indemnity(late):
    (log,) = services.dunning_prepare(today=day_after_due(late, 45))
    assert log.channel == "letter"
    assert log.days_late == 45
    assert log.amount_due == D("1200.00")
    assert log.penalties == D("17.98")  # 1200 × 12.15 % × 45 / 365 = 17.975…
    assert log.indemnity == D("40.00")
    assert "mettons en demeure" in log.body
    assert "la somme de 1\u00a0257,98 €" in log.body  # amount due + penalties + indemnity, French format
    assert late.number in log.subject


def test_paid_and_credited_invoices_are_not_reminded(late, accountant, time_machine):
    time_machine.move_to(
        datetime.datetime.combine(day_after_due(late, 1), datetime.time(10), PARIS), tick=False
    )
    services.payment_record(
        by=accountant, invoice=late, date=late.due_date, amount=late.total_ttc, method="transfer"
    )
    assert services.dunning_prepare(today=day_after_due(late, 60)) == []


def test_sending_an_email_reminder_happens_after_commit(
    late, accountant, entrepreneur, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("comptabilite.documents.render_and_store", fake_render)
    (log,) = services.dunning_prepare(today=day_after_due(late, 8))
    assert list(selectors.reminders_to_send()) == [log]
    with pytest.raises(PermissionDenied):
        services.dunning_send(by=entrepreneur, log=log)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.dunning_send(by=accountant, log=log)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert message.to == ["compta@jardins.example"]
    assert message.subject == log.subject
    assert message.attachments[0][0] == f"{late.number}.pdf"
    log.refresh_from_db()
    assert (log.status, log.sent_by) == ("sent", accountant)
    assert list(selectors.reminders_to_send()) == []
    with pytest.raises(DomainError):
        services.dunning_send(by=accountant, log=log)


def test_an_email_reminder_needs_an_address(late, accountant):
    (log,) = services.dunning_prepare(today=day_after_due(late, 8))
    DunningLog.objects.filter(pk=log.pk).update(sent_to="")  # a customer without e-mail
    with pytest.raises(DomainError) as error:
        services.dunning_send(by=accountant, log=log)
    assert error.value.field == "sent_to"


def test_a_letter_is_marked_sent_without_email(late, accountant, django_capture_on_commit_callbacks):
    (log,) = services.dunning_prepare(today=day_after_due(late, 46))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.dunning_send(by=accountant, log=log)
    assert callbacks == [] and mail.outbox == []
    assert DunningLog.objects.get(pk=log.pk).status == "sent"


def test_the_daily_task_prepares_todays_reminders(late, time_machine):
    time_machine.move_to(
        datetime.datetime.combine(day_after_due(late, 7), datetime.time(6, 30), PARIS), tick=False
    )
    assert tasks.dunning_prepare_daily.delay().get() == 1
    assert tasks.dunning_prepare_daily.delay().get() == 0


def test_the_beat_schedule_runs_the_task_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["comptabilite-dunning-prepare"]
    assert entry["task"] == "comptabilite.dunning_prepare"
