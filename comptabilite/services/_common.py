"""Helpers shared by the invoicing services: who may act on an activity, history events, lines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from comptabilite.models import DocumentEvent, Invoice, InvoiceLine, Quote, QuoteLine
from comptabilite.totals import LineInput, Totals, document_totals
from coodyssee.errors import DomainError
from coodyssee.models import Cooperative
from coodyssee.permissions import check_perm
from entrepreneurs.models import Activity, ActivityMembership, Entrepreneur


def cooperative() -> Cooperative | None:
    return Cooperative.objects.order_by("pk").first()


def is_member(user, activity: Activity) -> bool:
    return ActivityMembership.objects.filter(activity=activity, entrepreneur__user=user).exists()


def check_activity_action(user, activity: Activity, action: str) -> None:
    """``action`` is allowed to ``user`` on this activity: staff on every activity, others on their own.

    Raises ``PermissionDenied`` (views have already answered 404 through the ``access_*`` selectors).
    """
    check_perm(user, action)
    if not user.is_support_staff and not is_member(user, activity):
        raise PermissionDenied(action)


def document_entrepreneur(user, activity: Activity, entrepreneur: Entrepreneur | None) -> Entrepreneur:
    """Whose turnover the document counts: given, else the acting member, else the only member."""
    members = list(Entrepreneur.objects.filter(activity_memberships__activity=activity))
    if entrepreneur is not None:
        if entrepreneur.pk not in {member.pk for member in members}:
            raise DomainError(_("Cette personne ne fait pas partie de l'activité."), field="entrepreneur")
        return entrepreneur
    own = [member for member in members if member.user_id is not None and member.user_id == user.pk]
    if len(own) == 1:
        return own[0]
    if len(members) == 1:
        return members[0]
    if not members:
        raise DomainError(_("Cette activité n'a aucun·e membre."), field="activity")
    raise DomainError(_("Indiquez l'entrepreneur·e de l'activité partagée."), field="entrepreneur")


def record_event(
    *,
    kind: str,
    by=None,
    invoice: Invoice | None = None,
    quote: Quote | None = None,
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> DocumentEvent:
    actor = by if getattr(by, "is_authenticated", False) else None
    label = str(actor) if actor is not None else (by if isinstance(by, str) else _("système"))
    return DocumentEvent.objects.create(
        invoice=invoice,
        quote=quote,
        kind=kind,
        at=timezone.now(),
        actor=actor,
        actor_label=label[:200],
        comment=comment,
        data=data or {},
    )


def replace_lines(document: Invoice | Quote, lines: Sequence[LineInput]) -> Totals:
    """Store ``lines`` as the document's lines (replacing any) and set its totals (not saved)."""
    line_model = InvoiceLine if isinstance(document, Invoice) else QuoteLine
    link = "invoice" if isinstance(document, Invoice) else "quote"
    line_model.objects.filter(**{link: document}).delete()
    rows = [
        line_model(
            **{link: document},
            position=position,
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
            total_ht=line.total_ht,
        )
        for position, line in enumerate(lines, 1)
    ]
    for row, line in zip(rows, lines, strict=True):
        credited = getattr(line, "credited_line_id", None)
        if credited is not None:
            row.credited_line_id = credited
    line_model.objects.bulk_create(rows)
    totals = document_totals((line.vat_rate, line.total_ht) for line in lines)
    document.total_ht = totals.total_ht
    document.total_vat = totals.total_vat
    document.total_ttc = totals.total_ttc
    document.vat_breakdown = totals.breakdown_json()
    return totals


def lines_of(document: Invoice | Quote) -> list[LineInput]:
    return [
        LineInput(
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
            unit=line.unit,
        )
        for line in document.lines.order_by("position", "pk")
    ]
