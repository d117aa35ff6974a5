"""Expenses: expense reports (notes de frais, owed to the entrepreneur who paid) and supplier invoices.

draft (the entrepreneur for their own activity, or the accountant / manager for any) → submitted →
validated by staff (the purchase entry is posted: HA, 6xx / 44566 / 401 or 421) or returned to draft with a
comment → paid (the bank entry is posted: BQ, 401 or 421 / 512). Each step is one transaction: the status
and its entry are written together or not at all, and each is logged as an ``ExpenseEvent``.

Amounts: the amount incl. VAT and its VAT are typed; the amount excl. VAT is their difference. A mileage
allowance has no VAT and its amount comes from the official scale (``comptabilite.mileage``); the year's
distance already counted is that of the person's trips validated before, with the same fiscal power, so
the amount is fixed for good at validation (docs/expenses.md).
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptabilite import mileage
from comptabilite.ledger.automatic import expense_entry_spec, expense_payment_spec
from comptabilite.ledger.posting import check_open, post_entry, sections_for
from comptabilite.models import (
    Expense,
    ExpenseCategory,
    ExpenseEvent,
    ExpenseEventKind,
    ExpenseKind,
    ExpenseStatus,
    PaymentMethod,
)
from comptabilite.services._common import document_entrepreneur, is_member
from coodyssee.errors import DomainError
from coodyssee.money import ZERO, to_decimal
from coodyssee.permissions import check_perm, has_perm
from entrepreneurs.models import Activity, Entrepreneur

MAX_RECEIPT_BYTES = 10 * 1024 * 1024
# Extension → the first bytes every such file starts with (the name alone proves nothing).
RECEIPT_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
RECEIPT_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
COUNTED_STATUSES = (ExpenseStatus.VALIDATED, ExpenseStatus.PAID)
FIELDS = (
    "kind",
    "date",
    "category",
    "description",
    "supplier",
    "supplier_invoice_number",
    "due_date",
    "amount_ttc",
    "vat",
    "distance_km",
    "fiscal_power",
    "vehicle",
)
_CENT = Decimal("0.01")


# --- who may act ----------------------------------------------------------------------------------


def _check_drafter(user, activity: Activity) -> None:
    """Draft, submit or delete: the accountant or manager on any activity, an entrepreneur on their own."""
    if has_perm(user, "expenses.validate"):
        return
    check_perm(user, "portal.expenses")
    if not is_member(user, activity):
        raise PermissionDenied("portal.expenses")


def _record(expense: Expense, kind: str, by, *, comment: str = "", data: dict | None = None) -> ExpenseEvent:
    actor = by if getattr(by, "is_authenticated", False) else None
    label = str(actor) if actor is not None else _("système")
    return ExpenseEvent.objects.create(
        expense=expense, kind=kind, actor=actor, actor_label=label[:200], comment=comment, data=data or {}
    )


def _locked(expense: Expense) -> Expense:
    return (
        Expense.objects.select_for_update(of=("self",))
        .select_related("activity", "entrepreneur")
        .get(pk=expense.pk)
    )


# --- receipts -------------------------------------------------------------------------------------


def receipt_extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower()


def check_receipt(upload) -> None:
    """A receipt is a PDF, JPEG or PNG file of at most 10 MB (checked on its name and its first bytes)."""
    extension = receipt_extension(upload.name)
    if upload.size > MAX_RECEIPT_BYTES:
        raise DomainError(
            _("Le justificatif dépasse 10 Mo (%(size)s Mo) : réduisez sa taille ou sa résolution.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ",")},
            field="receipt",
        )
    if upload.size == 0:
        raise DomainError(_("Le justificatif est vide."), field="receipt")
    signatures = RECEIPT_SIGNATURES.get(extension)
    if signatures is None:
        raise DomainError(_("Le justificatif doit être un PDF, un JPEG ou un PNG."), field="receipt")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(signatures):
        raise DomainError(
            _("Ce fichier n'est pas un vrai %(kind)s : enregistrez-le à nouveau en PDF, JPEG ou PNG.")
            % {"kind": extension.lstrip(".").upper()},
            field="receipt",
        )


def receipt_content_type(name: str) -> str:
    return RECEIPT_CONTENT_TYPES.get(receipt_extension(name), "application/octet-stream")


def _delete_file_after_commit(storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- amounts --------------------------------------------------------------------------------------


def _amount(value, field: str, label: str) -> Decimal:
    if value is None or value == "":
        return ZERO
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError, InvalidOperation):
        raise DomainError(_("%(label)s : montant invalide.") % {"label": label}, field=field) from None
    if amount != amount.quantize(_CENT):
        raise DomainError(_("%(label)s : au centime près.") % {"label": label}, field=field)
    return amount.quantize(_CENT)


def mileage_counted_km(
    *, entrepreneur_id: int, year: int, fiscal_power: int, exclude_pk: int | None = None
) -> Decimal:
    """The distance of the person's trips of ``year`` with that fiscal power already validated (or paid).

    Summed in Python: SQLite has no decimal type (a handful of rows per person and year).
    """
    queryset = Expense.objects.filter(
        entrepreneur_id=entrepreneur_id,
        category=ExpenseCategory.MILEAGE,
        status__in=COUNTED_STATUSES,
        date__year=year,
        fiscal_power=fiscal_power,
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return sum((km for km in queryset.values_list("distance_km", flat=True) if km), Decimal(0))


def _set_mileage_amount(expense: Expense) -> None:
    before = mileage_counted_km(
        entrepreneur_id=expense.entrepreneur_id,
        year=expense.date.year,
        fiscal_power=expense.fiscal_power,
        exclude_pk=expense.pk,
    )
    expense.amount_ttc = mileage.trip_allowance(expense.distance_km, expense.fiscal_power, before_km=before)
    expense.vat = ZERO
    expense.amount_ht = expense.amount_ttc


# --- checks ---------------------------------------------------------------------------------------


def _apply(expense: Expense, values: dict[str, Any]) -> None:
    """Set and check the typed fields on a draft, and compute its amounts (not saved)."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise DomainError(_("Champ non modifiable : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for name, value in values.items():
        setattr(expense, name, value.strip() if isinstance(value, str) else value)
    vat_typed = values.get("vat")
    _check_fields(expense, vat_typed=vat_typed)


def _check_fields(expense: Expense, *, vat_typed=None) -> None:
    if expense.kind not in ExpenseKind.values:
        raise DomainError(_("Type de dépense inconnu."), field="kind")
    if expense.category not in ExpenseCategory.values:
        raise DomainError(_("Choisissez la catégorie de la dépense."), field="category")
    if not expense.description:
        raise DomainError(_("Décrivez la dépense."), field="description")
    if not isinstance(expense.date, datetime.date):
        raise DomainError(_("Indiquez la date de la dépense."), field="date")
    if expense.date > timezone.localdate():
        raise DomainError(_("La date de la dépense ne peut pas être dans le futur."), field="date")
    check_open(expense.date)
    supplier = expense.kind == ExpenseKind.SUPPLIER
    if supplier:
        if not expense.supplier:
            raise DomainError(_("Indiquez le nom du fournisseur."), field="supplier")
        if not expense.supplier_invoice_number:
            raise DomainError(
                _("Indiquez le numéro de la facture du fournisseur."), field="supplier_invoice_number"
            )
        if expense.due_date and expense.due_date < expense.date:
            raise DomainError(_("L'échéance ne peut pas précéder la date de la facture."), field="due_date")
    else:
        expense.due_date = None
    if expense.category == ExpenseCategory.MILEAGE:
        _check_mileage(expense, supplier=supplier, vat_typed=vat_typed)
        return
    expense.distance_km, expense.fiscal_power, expense.vehicle = None, None, ""
    ttc = _amount(expense.amount_ttc, "amount_ttc", _("Montant TTC"))
    vat = _amount(expense.vat, "vat", _("TVA"))
    if ttc <= 0:
        raise DomainError(_("Le montant TTC doit être positif."), field="amount_ttc")
    if vat < 0:
        raise DomainError(_("La TVA ne peut pas être négative."), field="vat")
    if vat > ttc:
        raise DomainError(_("La TVA ne peut pas dépasser le montant TTC."), field="vat")
    expense.amount_ttc, expense.vat, expense.amount_ht = ttc, vat, ttc - vat


def _check_mileage(expense: Expense, *, supplier: bool, vat_typed) -> None:
    if supplier:
        raise DomainError(
            _("Les indemnités kilométriques se déclarent en note de frais, pas en facture fournisseur."),
            field="category",
        )
    if vat_typed not in (None, "") and _amount(vat_typed, "vat", _("TVA")) != 0:
        raise DomainError(_("Les indemnités kilométriques ne portent pas de TVA."), field="vat")
    try:
        distance = to_decimal(expense.distance_km) if expense.distance_km not in (None, "") else None
    except (TypeError, ValueError):
        distance = None
    if distance is None or distance <= 0:
        raise DomainError(_("Indiquez la distance parcourue, en kilomètres."), field="distance_km")
    if distance != distance.quantize(Decimal("0.1")) or distance >= Decimal("100000"):
        raise DomainError(_("Distance invalide (au dixième de kilomètre près)."), field="distance_km")
    if expense.fiscal_power not in {power for power, _label in mileage.POWER_CHOICES}:
        raise DomainError(_("Indiquez la puissance fiscale du véhicule."), field="fiscal_power")
    expense.distance_km = distance
    _set_mileage_amount(expense)


def _needs_receipt(expense: Expense) -> bool:
    return expense.kind == ExpenseKind.SUPPLIER or expense.category != ExpenseCategory.MILEAGE


def _check_draft(expense: Expense) -> None:
    if expense.status != ExpenseStatus.DRAFT:
        raise DomainError(
            _("Seule une dépense en brouillon se modifie : celle-ci est %(status)s.")
            % {"status": expense.get_status_display()}
        )


# --- drafting -------------------------------------------------------------------------------------


def expense_create(
    *,
    by,
    activity: Activity,
    kind: str,
    date: datetime.date,
    category: str,
    description: str,
    amount_ttc: Decimal | None = None,
    vat: Decimal | None = None,
    supplier: str = "",
    supplier_invoice_number: str = "",
    due_date: datetime.date | None = None,
    distance_km: Decimal | None = None,
    fiscal_power: int | None = None,
    vehicle: str = "",
    receipt=None,
    entrepreneur: Entrepreneur | None = None,
) -> Expense:
    """A draft expense of ``activity`` (its receipt, if any, is checked and stored with it)."""
    _check_drafter(by, activity)
    expense = Expense(
        activity=activity,
        entrepreneur=document_entrepreneur(by, activity, entrepreneur),
        created_by=by if getattr(by, "pk", None) else None,
    )
    values = {
        "kind": kind,
        "date": date,
        "category": category,
        "description": description or "",
        "amount_ttc": amount_ttc,
        "vat": vat,
        "supplier": supplier or "",
        "supplier_invoice_number": supplier_invoice_number or "",
        "due_date": due_date,
        "distance_km": distance_km,
        "fiscal_power": fiscal_power,
        "vehicle": vehicle or "",
    }
    _apply(expense, values)
    if receipt is not None:
        check_receipt(receipt)
        expense.receipt = receipt
    try:
        with transaction.atomic():
            expense.save()
            _record(expense, ExpenseEventKind.CREATED, by)
    except BaseException:
        if receipt is not None:
            _forget_stored(expense)
        raise
    return expense


def expense_update(
    *, by, expense: Expense, receipt=None, remove_receipt: bool = False, **values: Any
) -> Expense:
    """Change a draft: its fields, and its receipt (replaced by ``receipt``, or removed)."""
    _check_drafter(by, expense.activity)
    entrepreneur = values.pop("entrepreneur", None)
    if receipt is not None:
        check_receipt(receipt)
    replacing = False
    try:
        with transaction.atomic():
            expense = _locked(expense)
            _check_draft(expense)
            if entrepreneur is not None and entrepreneur.pk != expense.entrepreneur_id:
                expense.entrepreneur = document_entrepreneur(by, expense.activity, entrepreneur)
            _apply(expense, values)
            old_name, storage = expense.receipt.name, expense.receipt.storage
            if receipt is not None:
                expense.receipt, replacing = receipt, True
            elif remove_receipt:
                expense.receipt = ""
            expense.save()
            if old_name and old_name != expense.receipt.name:
                _delete_file_after_commit(storage, old_name)
    except BaseException:
        if replacing:
            _forget_stored(expense)
        raise
    return expense


def _forget_stored(expense: Expense) -> None:
    """After a failed write, remove the new receipt file if the save had stored it already."""
    field = expense.receipt
    if field and field.name and getattr(field, "_committed", False):
        field.storage.delete(field.name)


def expense_delete_draft(*, by, expense: Expense) -> None:
    """Delete a draft (never posted) and its receipt file."""
    _check_drafter(by, expense.activity)
    with transaction.atomic():
        expense = _locked(expense)
        _check_draft(expense)
        name, storage = expense.receipt.name, expense.receipt.storage
        expense.delete()
        _delete_file_after_commit(storage, name)


def expense_submit(*, by, expense: Expense) -> Expense:
    """Send a draft to the support team's validation queue; a receipt is needed except for mileage."""
    _check_drafter(by, expense.activity)
    with transaction.atomic():
        expense = _locked(expense)
        _check_draft(expense)
        _check_fields(expense)
        if _needs_receipt(expense) and not expense.receipt:
            raise DomainError(
                _("Joignez le justificatif (facture, ticket) avant de soumettre la dépense."), field="receipt"
            )
        expense.status = ExpenseStatus.SUBMITTED
        expense.submitted_at = timezone.now()
        expense.save()
        _record(expense, ExpenseEventKind.SUBMITTED, by, data={"amount": f"{expense.amount_ttc:.2f}"})
    return expense


def supplier_invoice_record(*, by, activity, receipt, **values: Any) -> Expense:
    """A supplier invoice the support team received for ``activity``: created and submitted at once, with
    its file (nothing is kept, file included, when either step is refused)."""
    check_perm(by, "expenses.validate")
    values["kind"] = ExpenseKind.SUPPLIER
    expense = None
    try:
        with transaction.atomic():
            expense = expense_create(by=by, activity=activity, receipt=receipt, **values)
            return expense_submit(by=by, expense=expense)
    except BaseException:
        if expense is not None and expense.receipt:
            _forget_stored(expense)
        raise


# --- validation and payment -----------------------------------------------------------------------


def expense_validate(*, by, expense: Expense) -> Expense:
    """Accept a submitted expense and post its purchase entry (dated the expense's date) in one go."""
    check_perm(by, "expenses.validate")
    with transaction.atomic():
        expense = _locked(expense)
        if expense.status != ExpenseStatus.SUBMITTED:
            raise DomainError(_("Cette dépense n'attend pas de validation."))
        data: dict[str, Any] = {}
        if expense.category == ExpenseCategory.MILEAGE:
            # The person's row serialises validations of their trips: each counts the ones before it.
            list(
                Entrepreneur.objects.select_for_update().filter(pk=expense.entrepreneur_id).values_list("pk")
            )
            submitted = expense.amount_ttc
            _check_fields(expense)
            if expense.amount_ttc != submitted:
                data["recomputed_from"] = f"{submitted:.2f}"
        expense.status = ExpenseStatus.VALIDATED
        expense.validated_at = timezone.now()
        expense.validated_by = by
        expense.return_comment = ""
        expense.save()
        activity_section, _structure = sections_for(expense.activity_id)
        entry = post_entry(expense_entry_spec(expense, activity_section=activity_section), by=by)
        data |= {"amount": f"{expense.amount_ttc:.2f}", "entry": entry.fec_number}
        _record(expense, ExpenseEventKind.VALIDATED, by, data=data)
    return expense


def expense_return(*, by, expense: Expense, comment: str) -> Expense:
    """Send a submitted expense back to draft with what to correct; the entrepreneur sees the comment."""
    check_perm(by, "expenses.validate")
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Expliquez à l'entrepreneur·e ce qu'il faut corriger."), field="comment")
    with transaction.atomic():
        expense = _locked(expense)
        if expense.status != ExpenseStatus.SUBMITTED:
            raise DomainError(_("Cette dépense n'attend pas de validation."))
        expense.status = ExpenseStatus.DRAFT
        expense.return_comment = comment
        expense.save()
        _record(expense, ExpenseEventKind.RETURNED, by, comment=comment)
    return expense


def expense_pay(*, by, expense: Expense, date: datetime.date, method: str, reference: str = "") -> Expense:
    """Record that a validated expense was paid to its creditor and post the bank entry."""
    check_perm(by, "expenses.pay")
    if method not in PaymentMethod.values:
        raise DomainError(_("Moyen de paiement inconnu."), field="method")
    if not isinstance(date, datetime.date):
        raise DomainError(_("Indiquez la date du paiement."), field="date")
    if date > timezone.localdate():
        raise DomainError(_("La date de paiement ne peut pas être dans le futur."), field="date")
    with transaction.atomic():
        expense = _locked(expense)
        if expense.status == ExpenseStatus.PAID:
            raise DomainError(_("Cette dépense est déjà payée."))
        if expense.status != ExpenseStatus.VALIDATED:
            raise DomainError(_("Seule une dépense validée peut être payée."))
        if date < expense.date:
            raise DomainError(_("Le paiement ne peut pas précéder la date de la dépense."), field="date")
        expense.status = ExpenseStatus.PAID
        expense.paid_on = date
        expense.payment_method = method
        expense.payment_reference = (reference or "").strip()[:100]
        expense.save()
        activity_section, _structure = sections_for(expense.activity_id)
        entry = post_entry(expense_payment_spec(expense, activity_section=activity_section, date=date), by=by)
        _record(
            expense,
            ExpenseEventKind.PAID,
            by,
            data={
                "amount": f"{expense.amount_ttc:.2f}",
                "date": date.isoformat(),
                "method": method,
                "reference": expense.payment_reference,
                "entry": entry.fec_number,
            },
        )
    return expense
