"""Treasury alerts: an activity whose treasury falls under the cooperative's threshold, or whose turnover
drifts from its forecast by more than the tolerated percentage, gets an open ``TreasuryAlert`` (one per kind:
a partial unique constraint), an e-mail to its entrepreneur(s) and their referent (once, after commit), and
a banner in the portal. When the condition is gone the alert is cleared.

When it runs:
- after every posting that touches an activity's section: ``posting.post_entry`` calls ``schedule_check``,
  which checks the sections once the transaction committed (one check per transaction, however many entries
  it posted; nothing if it rolls back);
- every morning (Celery beat, ``comptabilite.treasury_alerts_check``): the drift depends on the date;
- the bulk loader (``ledger.bulk``: demo, benchmark, import) does not go through ``post_entry`` and so never
  checks per entry; loaders that do post through the services can wrap their work in ``suspended()`` and
  run ``check_activities()`` once at the end.

A check costs 3 queries whatever the number of activities (the figures with their forecasts, the
cooperative's thresholds, the open alerts), plus a transaction with one write per alert raised or cleared.
"""

from __future__ import annotations

import contextvars
import datetime
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptabilite.models import AlertKind, TreasuryAlert
from comptabilite.treasury import alert_figures
from coodyssee.models import Cooperative
from coodyssee.money import ZERO
from coodyssee.selectors import cooperative_current
from coodyssee.templatetags.money import format_euros

logger = logging.getLogger(__name__)
_suspended: contextvars.ContextVar[bool] = contextvars.ContextVar("treasury_alerts_suspended", default=False)


class PendingAlertCheck:
    """The sections posted to in a transaction, checked once when it commits (one callback per transaction,
    however many entries it posts). Kept on the connection with the place of its callback in Django's
    list, so that a rolled-back transaction (whose callbacks Django dropped) starts a new one."""

    def __init__(self):
        self.sections: set[int] = set()
        self.index = -1
        self.done = False

    def __call__(self):
        self.done = True
        sections, self.sections = self.sections, set()
        if sections:
            # Inline, not a task: the banner is there on the next page; a check is 3 quick queries.
            check_sections(sections)


@dataclass
class CheckResult:
    raised: list[TreasuryAlert] = field(default_factory=list)
    cleared: list[TreasuryAlert] = field(default_factory=list)


# --- scheduling --------------------------------------------------------------------------------------------


@contextmanager
def suspended():
    """No check after postings made inside (a loader): run ``check_activities()`` once at the end."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def schedule_check(section_ids) -> None:
    """Check the activities of ``section_ids`` once the current transaction commits (now, outside one).

    The structure's sections are passed too and ignored by the check (it reads activity sections only).
    """
    if _suspended.get():
        return
    ids = {section_id for section_id in section_ids if section_id}
    if not ids:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _run_robustly(PendingAlertCheck(), ids)
        return
    pending = getattr(connection, "_treasury_pending_check", None)
    callbacks = connection.run_on_commit
    registered = (
        pending is not None
        and not pending.done
        and 0 <= pending.index < len(callbacks)
        and callbacks[pending.index][1] is pending
    )
    if not registered:
        pending = PendingAlertCheck()
        # robust: the posting committed already; a failing check must not turn it into an error page.
        transaction.on_commit(pending, robust=True)
        pending.index = len(connection.run_on_commit) - 1
        connection._treasury_pending_check = pending
    pending.sections.update(ids)


def _run_robustly(pending: PendingAlertCheck, ids: set[int]) -> None:
    pending.sections.update(ids)
    try:
        pending()
    except Exception:
        logger.exception("treasury alert check failed for sections %s", sorted(ids))


# --- the check ---------------------------------------------------------------------------------------------


def check_sections(section_ids, *, today: datetime.date | None = None) -> CheckResult:
    return _check(alert_figures(today=today, section_ids=section_ids))


def check_activities(activity_ids=None, *, today: datetime.date | None = None) -> CheckResult:
    """Raise and clear the alerts of ``activity_ids`` (every activity with a ledger when None)."""
    return _check(alert_figures(today=today, activity_ids=activity_ids))


def _conditions(figures, threshold: Decimal, tolerance: int) -> dict[str, tuple[Decimal, str] | None]:
    """``{kind: (value, message) or None}``: what is wrong with an activity now."""
    found: dict[str, tuple[Decimal, str] | None] = {AlertKind.TREASURY: None, AlertKind.DRIFT: None}
    if figures.treasury < threshold:
        found[AlertKind.TREASURY] = (
            figures.treasury,
            _("Trésorerie disponible de %(amount)s, sous le seuil de %(threshold)s.")
            % {"amount": format_euros(figures.treasury), "threshold": format_euros(threshold)},
        )
    drift = figures.drift
    if drift is not None and abs(drift) > tolerance:
        found[AlertKind.DRIFT] = (
            drift,
            _(
                "Chiffre d'affaires de l'année à %(actual)s pour %(forecast)s prévus : "
                "écart de %(drift)s %%, au-delà des %(tolerance)s %% tolérés."
            )
            % {
                "actual": format_euros(figures.turnover),
                "forecast": format_euros(figures.forecast),
                "drift": f"{drift:+}".replace(".", ","),
                "tolerance": tolerance,
            },
        )
    return found


def _check(figures: dict) -> CheckResult:
    """Raise and clear the alerts ``figures`` call for. Reads the cooperative's thresholds and the open
    alerts; writes (in a transaction) only when something changes, which after most postings is nothing."""
    result = CheckResult()
    if not figures:
        return result
    threshold, tolerance = (
        Cooperative.objects.order_by("pk")
        .values_list("treasury_alert_threshold", "forecast_drift_percent")
        .first()
    ) or (ZERO, 30)
    opened = {
        (alert.activity_id, alert.kind): alert
        for alert in TreasuryAlert.objects.filter(activity_id__in=list(figures), cleared_at__isnull=True)
    }
    with translation.override(settings.LANGUAGE_CODE):
        changes = [
            (activity_id, kind, condition, opened.get((activity_id, kind)))
            for activity_id, activity_figures in figures.items()
            for kind, condition in _conditions(activity_figures, threshold, tolerance).items()
            if (condition is None) == ((activity_id, kind) in opened)
        ]
    if not changes:
        return result
    now = timezone.now()
    with transaction.atomic():
        for activity_id, kind, condition, alert in changes:
            if condition is None:
                alert.cleared_at = now
                alert.save(update_fields=["cleared_at"])
                result.cleared.append(alert)
            else:
                raised = _raise(activity_id, kind, *condition, now=now)
                if raised is not None:
                    result.raised.append(raised)
    return result


def _raise(activity_id: int, kind: str, value: Decimal, message: str, *, now) -> TreasuryAlert | None:
    try:
        with transaction.atomic():
            alert = TreasuryAlert.objects.create(
                activity_id=activity_id, kind=kind, raised_at=now, value=value, message=message[:300]
            )
    except IntegrityError:
        return None  # raised meanwhile by a concurrent check: its e-mail is on its way
    transaction.on_commit(lambda: _queue_email(alert.pk), robust=True)
    return alert


def _queue_email(alert_id: int) -> None:
    from comptabilite.tasks import treasury_alert_email_send

    treasury_alert_email_send.delay(alert_id)


# --- the e-mail ------------------------------------------------------------------------------------------


def recipients(activity) -> tuple[list[str], list[str]]:
    """``(entrepreneurs, referents)`` e-mail addresses of the activity's members and their referents."""
    members = activity.members.select_related("user", "referent")
    people, referents = [], []
    for member in members:
        address = member.contact_email
        if address and address not in people:
            people.append(address)
        if member.referent and member.referent.email and member.referent.email not in referents:
            referents.append(member.referent.email)
    return people, [address for address in referents if address not in people]


def deliver_alert_email(alert_id: int) -> bool:
    """Send the alert's e-mail once (a re-run after success sends nothing); False when nothing was sent."""
    with transaction.atomic():
        alert = (
            TreasuryAlert.objects.select_for_update().select_related("activity").filter(pk=alert_id).first()
        )
        if alert is None or alert.emailed_at is not None:
            return False
        people, referents = recipients(alert.activity)
        if not people and not referents:
            return False
        cooperative = cooperative_current()
        with translation.override(settings.LANGUAGE_CODE):
            context = {"alert": alert, "activity": alert.activity, "cooperative": cooperative}
            subject = render_to_string("comptabilite/email/treasury_alert_subject.txt", context).strip()
            body = render_to_string("comptabilite/email/treasury_alert.txt", context)
        EmailMessage(
            subject=" ".join(subject.split()),
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=people or referents,
            cc=referents if people else [],
        ).send()
        alert.emailed_at = timezone.now()
        alert.save(update_fields=["emailed_at"])
    return True
