"""Reads of the expenses pages, always scoped by the person reading.

The support team (``expenses.view``) sees every activity's expenses in the back-office; in the portal an
entrepreneur sees the expenses of the activities they are a member of, and nothing else: ``access_expense``
answers 404 for anything outside (no hint whether it exists). Lists run a fixed number of queries whatever
their length.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from comptabilite.models import Entry, Expense, ExpenseEvent, ExpenseStatus
from coodyssee.permissions import has_perm
from entrepreneurs.models import Activity


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def own_activities(user) -> QuerySet[Activity]:
    """The activities the person is a member of (those their portal expenses belong to)."""
    if not (_signed_in(user) and has_perm(user, "portal.expenses")):
        return Activity.objects.none()
    return Activity.objects.filter(memberships__entrepreneur__user=user).distinct()


def expenses_for(user, *, own: bool = False) -> QuerySet[Expense]:
    """Expenses this person may read, with their activity and entrepreneur, newest first.

    ``own``: only those of the person's activities (the portal), even for a person who is also staff.
    """
    queryset = Expense.objects.select_related("activity", "entrepreneur")
    if not _signed_in(user):
        return queryset.none()
    if own:
        return queryset.filter(activity__in=own_activities(user)).order_by("-date", "-pk")
    if not has_perm(user, "expenses.view"):
        return queryset.none()
    return queryset.order_by("-date", "-pk")


def access_expense(user, pk: int, *, own: bool = False) -> Expense:
    """The expense, or 404 outside what the person may read (``own``: the portal's scope)."""
    try:
        return expenses_for(user, own=own).get(pk=pk)
    except Expense.DoesNotExist:
        raise Http404 from None


def expense_detail(expense: Expense) -> Expense:
    """The expense with its history and ledger entries (3 queries)."""
    return (
        Expense.objects.select_related("activity", "entrepreneur", "validated_by", "created_by")
        .prefetch_related(
            Prefetch("events", queryset=ExpenseEvent.objects.order_by("at", "pk")),
            Prefetch("entries", queryset=Entry.objects.order_by("date", "pk")),
        )
        .get(pk=expense.pk)
    )


def validation_queue() -> QuerySet[Expense]:
    """Expenses submitted and waiting for the support team's validation, oldest submission first."""
    return (
        Expense.objects.filter(status=ExpenseStatus.SUBMITTED)
        .select_related("activity", "entrepreneur")
        .order_by("submitted_at", "pk")
    )


def awaiting_validation_count() -> int:
    """How many expenses wait for validation (for the staff's home page)."""
    return Expense.objects.filter(status=ExpenseStatus.SUBMITTED).count()


def awaiting_payment() -> QuerySet[Expense]:
    """Validated expenses not paid yet, oldest validation first."""
    return (
        Expense.objects.filter(status=ExpenseStatus.VALIDATED)
        .select_related("activity", "entrepreneur")
        .order_by("validated_at", "pk")
    )
