"""Writes on customers."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from comptabilite.models import Customer, CustomerKind
from comptabilite.services._common import check_activity_action
from comptabilite.validation import clean_email, clean_siren, clean_siret, clean_vat_number
from coodyssee.errors import DomainError
from entrepreneurs.models import Activity

CUSTOMER_FIELDS = (
    "kind",
    "name",
    "address_line1",
    "address_line2",
    "postcode",
    "city",
    "country",
    "siren",
    "siret",
    "vat_number",
    "email",
)


def clean_customer_values(values: dict[str, Any]) -> dict[str, Any]:
    """Trimmed, validated customer fields; raises ``DomainError`` on the first wrong one."""
    cleaned = {name: (value.strip() if isinstance(value, str) else value) for name, value in values.items()}
    if cleaned.get("kind") not in CustomerKind.values:
        raise DomainError(_("Type de client inconnu."), field="kind")
    if not cleaned.get("name"):
        raise DomainError(_("Le nom du client est obligatoire."), field="name")
    country = (cleaned.get("country") or "FR").upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise DomainError(_("Code pays attendu sur deux lettres (FR, BE, DE…)."), field="country")
    cleaned["country"] = country
    if country == "FR" and cleaned.get("postcode") and not re.fullmatch(r"\d{5}", cleaned["postcode"]):
        raise DomainError(_("Code postal français attendu sur 5 chiffres."), field="postcode")
    cleaned["siren"] = clean_siren(cleaned.get("siren", ""))
    cleaned["siret"] = clean_siret(cleaned.get("siret", ""))
    if cleaned["siret"]:
        if cleaned["siren"] and not cleaned["siret"].startswith(cleaned["siren"]):
            raise DomainError(_("Le SIRET doit commencer par le SIREN."), field="siret")
        cleaned["siren"] = cleaned["siren"] or cleaned["siret"][:9]
    cleaned["vat_number"] = clean_vat_number(cleaned.get("vat_number", ""))
    cleaned["email"] = clean_email(cleaned.get("email", ""))
    for name, limit in (("name", 200), ("address_line1", 200), ("address_line2", 200), ("city", 100)):
        if len(cleaned.get(name, "")) > limit:
            raise DomainError(_("%(max)s caractères au plus.") % {"max": limit}, field=name)
    return cleaned


def customer_create(
    *,
    by,
    activity: Activity,
    name: str,
    kind: str = CustomerKind.COMPANY,
    address_line1: str = "",
    address_line2: str = "",
    postcode: str = "",
    city: str = "",
    country: str = "FR",
    siren: str = "",
    siret: str = "",
    vat_number: str = "",
    email: str = "",
) -> Customer:
    """A customer of ``activity`` (an entrepreneur for their own activities, the staff for any)."""
    check_activity_action(by, activity, "invoicing.draft")
    values = clean_customer_values(
        {
            "kind": kind,
            "name": name,
            "address_line1": address_line1,
            "address_line2": address_line2,
            "postcode": postcode,
            "city": city,
            "country": country,
            "siren": siren,
            "siret": siret,
            "vat_number": vat_number,
            "email": email,
        }
    )
    with transaction.atomic():
        return Customer.objects.create(activity=activity, **values)


def customer_update(*, by, customer: Customer, **changes: Any) -> Customer:
    """Change some fields of a customer. Issued documents keep the identity they copied."""
    unknown = set(changes) - set(CUSTOMER_FIELDS)
    if unknown:
        raise DomainError(_("Champ non modifiable : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    check_activity_action(by, customer.activity, "invoicing.draft")
    values = {name: getattr(customer, name) for name in CUSTOMER_FIELDS} | changes
    values = clean_customer_values(values)
    with transaction.atomic():
        for name, value in values.items():
            setattr(customer, name, value)
        customer.save()
    return customer
