"""Reminders of overdue invoices: levels, daily preparation, sending.

``dunning_prepare`` runs every day (Celery beat, ``comptabilite.tasks.dunning_prepare_daily``) and
creates the reminders that fell due; the support team reviews and sends them with ``dunning_send``.
E-mail reminders leave after commit; a letter is printed from its PDF, rendered by the PDF side's
``comptabilite.documents.render_dunning_letter(log_id)``.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptabilite.models import (
    DocumentEvent,
    DocumentKind,
    DunningChannel,
    DunningLevel,
    DunningLog,
    DunningStatus,
    EventKind,
    Invoice,
    InvoiceStatus,
)
from comptabilite.services._common import cooperative, record_event
from comptabilite.totals import late_penalties
from coodyssee.errors import DomainError
from coodyssee.money import ZERO
from coodyssee.permissions import check_perm

_FRIENDLY = """Bonjour,

Sauf erreur de notre part, la facture {{ invoice.number }} du {{ invoice.date|date:"d/m/Y" }},
échue le {{ due_date|date:"d/m/Y" }}, reste à régler pour {{ amount_due|floatformat:"2g" }} €.

Si votre règlement est déjà parti, merci de ne pas tenir compte de ce message ;
sinon, merci d'y procéder dans les meilleurs délais.

Cordialement,
{{ cooperative.name }}"""

_SECOND = """Bonjour,

Malgré notre premier rappel, la facture {{ invoice.number }} du {{ invoice.date|date:"d/m/Y" }},
échue depuis {{ days_late }} jours, reste impayée pour {{ amount_due|floatformat:"2g" }} €.

Tout retard entraîne de plein droit des pénalités au taux annuel de
{{ invoice.late_penalty_rate|floatformat:"2" }} %{% if indemnity %} et une indemnité forfaitaire
pour frais de recouvrement de {{ indemnity|floatformat:"2g" }} €{% endif %}.
Merci de régulariser sous huit jours.

Cordialement,
{{ cooperative.name }}"""

_FORMAL_NOTICE = """Madame, Monsieur,

Malgré nos précédentes relances, la facture {{ invoice.number }} du {{ invoice.date|date:"d/m/Y" }},
échue le {{ due_date|date:"d/m/Y" }}, demeure impayée pour {{ amount_due|floatformat:"2g" }} €.

En application de l'article L441-10 du Code de commerce, des pénalités de retard au taux annuel
de {{ invoice.late_penalty_rate|floatformat:"2" }} % courent depuis le lendemain de l'échéance,
soit {{ penalties|floatformat:"2g" }} € pour {{ days_late }} jours de retard{% if indemnity %},
auxquelles s'ajoute l'indemnité forfaitaire pour frais de recouvrement
de {{ indemnity|floatformat:"2g" }} € (article D441-5 du Code de commerce){% endif %}.

Nous vous mettons en demeure de nous régler la somme de {{ total_claimed|floatformat:"2g" }} €
sous huit jours à compter de la réception de la présente. À défaut, nous engagerons
une procédure de recouvrement.

Veuillez agréer, Madame, Monsieur, nos salutations distinguées.

{{ cooperative.name }}"""

DEFAULT_LEVELS = (
    {
        "name": "Relance amiable",
        "days_after_due": 7,
        "channel": DunningChannel.EMAIL,
        "subject": "Facture {{ invoice.number }} : rappel d'échéance",
        "body": _FRIENDLY,
        "with_penalties": False,
    },
    {
        "name": "Deuxième relance",
        "days_after_due": 30,
        "channel": DunningChannel.EMAIL,
        "subject": "Deuxième relance : facture {{ invoice.number }} impayée",
        "body": _SECOND,
        "with_penalties": False,
    },
    {
        "name": "Mise en demeure",
        "days_after_due": 45,
        "channel": DunningChannel.LETTER,
        "subject": "Mise en demeure de payer : facture {{ invoice.number }}",
        "body": _FORMAL_NOTICE,
        "with_penalties": True,
    },
)


def dunning_levels_ensure_defaults() -> list[DunningLevel]:
    """The configured levels, or the three defaults (7, 30, 45 days) when none exists yet."""
    levels = list(DunningLevel.objects.order_by("days_after_due"))
    if levels:
        return levels
    with transaction.atomic():
        return [DunningLevel.objects.create(**values) for values in DEFAULT_LEVELS]


def render_reminder(level: DunningLevel, invoice: Invoice, today: datetime.date, coop=None) -> dict:
    """Subject, body and amounts of a reminder of ``invoice`` at ``level`` on ``today``."""
    days_late = max((today - invoice.due_date).days, 0)
    amount_due = invoice.amount_due
    penalties = late_penalties(amount_due, annual_rate=invoice.late_penalty_rate, days_late=days_late)
    indemnity = invoice.recovery_indemnity
    if not level.with_penalties:
        penalties_claimed, indemnity_claimed = ZERO, ZERO
    else:
        penalties_claimed, indemnity_claimed = penalties, indemnity
    context = {
        "invoice": invoice,
        "customer_name": invoice.buyer_name,
        "amount_due": amount_due,
        "due_date": invoice.due_date,
        "days_late": days_late,
        "penalties": penalties,
        "indemnity": indemnity,
        "total_claimed": amount_due + penalties_claimed + indemnity_claimed,
        "cooperative": coop or cooperative(),
    }
    with translation.override("fr"):
        subject = Template(level.subject).render(Context(context, autoescape=False))
        body = Template(level.body).render(Context(context, autoescape=False))
    return {
        "subject": " ".join(subject.split())[:200],
        "body": body.strip(),
        "amount_due": amount_due,
        "days_late": days_late,
        "penalties": penalties_claimed,
        "indemnity": indemnity_claimed,
    }


def dunning_prepare(*, today: datetime.date | None = None) -> list[DunningLog]:
    """Create the reminders due on ``today``: for each overdue invoice, the highest level it reached.

    Idempotent: a level is never prepared twice for an invoice (also a unique constraint), and a
    lower level is skipped once a higher one exists (no friendly reminder after a formal notice).
    Runs a fixed number of queries whatever the number of invoices.
    """
    today = today or timezone.localdate()
    levels = dunning_levels_ensure_defaults()
    days_of = {level.pk: level.days_after_due for level in levels}
    active = [level for level in levels if level.is_active]
    if not active:
        return []
    first = min(level.days_after_due for level in active)
    invoices = (
        Invoice.objects.filter(
            kind=DocumentKind.INVOICE,
            status=InvoiceStatus.ISSUED,
            due_date__lte=today - datetime.timedelta(days=first),
        )
        .annotate(
            due=ExpressionWrapper(
                F("total_ttc") - F("amount_credited") - F("amount_paid"),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            )
        )
        .filter(due__gt=0)
        .select_related("customer")
        .prefetch_related("reminders")
        .order_by("due_date", "pk")
    )
    coop = cooperative()
    logs, events = [], []
    for invoice in invoices:
        days_late = (today - invoice.due_date).days
        reached = [level for level in active if days_late >= level.days_after_due]
        if not reached:
            continue
        level = reached[-1]
        done = [days_of[log.level_id] for log in invoice.reminders.all()]
        if done and max(done) >= level.days_after_due:
            continue
        text = render_reminder(level, invoice, today, coop)
        logs.append(
            DunningLog(
                invoice=invoice,
                level=level,
                prepared_on=today,
                channel=level.channel,
                sent_to=invoice.buyer_email or invoice.customer.email,
                **text,
            )
        )
        events.append(
            DocumentEvent(
                invoice=invoice,
                kind=EventKind.REMINDER,
                actor_label=_("relances automatiques"),
                data={"level": level.name, "days_late": days_late},
            )
        )
    with transaction.atomic():
        DunningLog.objects.bulk_create(logs)
        DocumentEvent.objects.bulk_create(events)
    return logs


def dunning_send(*, log: DunningLog, by=None) -> DunningLog:
    """Send a prepared reminder: e-mailed after commit, or marked sent once its letter is printed.

    ``by`` is the staff member sending it (None when a task sends it on its own).
    """
    if by is not None:
        check_perm(by, "dunning.run")
    with transaction.atomic():
        log = (
            DunningLog.objects.select_for_update(of=("self",))
            .select_related("invoice", "level")
            .get(pk=log.pk)
        )
        if log.status != DunningStatus.PREPARED:
            raise DomainError(_("Cette relance est déjà envoyée."))
        if log.channel == DunningChannel.EMAIL and not log.sent_to:
            raise DomainError(
                _("Le client n'a pas d'adresse e-mail : envoyez cette relance par courrier."), field="sent_to"
            )
        log.status = DunningStatus.SENT
        log.sent_at = timezone.now()
        log.sent_by = by
        log.save(update_fields=["status", "sent_at", "sent_by"])
        record_event(
            kind=EventKind.REMINDER_SENT,
            by=by or _("relances automatiques"),
            invoice=log.invoice,
            data={"level": log.level.name, "channel": log.channel, "to": log.sent_to},
        )
        if log.channel == DunningChannel.EMAIL:
            from comptabilite import tasks

            log_id = log.pk
            transaction.on_commit(lambda: tasks.dunning_email_send.delay(log_id))
    return log
