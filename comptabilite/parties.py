"""The parties' identity as an issued document copies it (``seller_*`` and ``buyer_*`` fields)."""

from __future__ import annotations

import re

from comptabilite.models import Customer, CustomerKind
from comptabilite.models.choices import RECOVERY_INDEMNITY
from coodyssee.models import Cooperative
from coodyssee.money import ZERO

_POSTCODE_CITY = re.compile(r"^(?P<postcode>\d{5})\s+(?P<city>.+)$")


def split_address(address: str) -> tuple[str, str, str]:
    """``(street lines, postcode, city)`` of a free-text French address whose last line is "05230 Chorges"."""
    lines = [line.strip() for line in (address or "").splitlines() if line.strip()]
    if lines and (match := _POSTCODE_CITY.match(lines[-1])):
        return "\n".join(lines[:-1]), match.group("postcode"), match.group("city")
    return "\n".join(lines), "", ""


def seller_fields(cooperative: Cooperative) -> dict:
    street, postcode, city = split_address(cooperative.address)
    rcs = f"RCS {cooperative.rcs_city} {cooperative.siren}".strip() if cooperative.rcs_city else ""
    return {
        "seller_name": cooperative.name,
        "seller_legal_form": cooperative.legal_form,
        "seller_share_capital": cooperative.share_capital,
        "seller_siren": cooperative.siren,
        "seller_siret": cooperative.siret,
        "seller_rcs": rcs,
        "seller_vat_number": cooperative.vat_number,
        "seller_ape_code": cooperative.ape_code,
        "seller_address": street,
        "seller_postcode": postcode,
        "seller_city": city,
        "seller_country": "FR",
        "seller_email": cooperative.email,
        "seller_phone": cooperative.phone,
        "seller_iban": cooperative.iban,
        "seller_bic": cooperative.bic,
    }


def buyer_fields(customer: Customer) -> dict:
    return {
        "buyer_kind": customer.kind,
        "buyer_name": customer.name,
        "buyer_address_line1": customer.address_line1,
        "buyer_address_line2": customer.address_line2,
        "buyer_postcode": customer.postcode,
        "buyer_city": customer.city,
        "buyer_country": customer.country,
        "buyer_siren": customer.siren,
        "buyer_siret": customer.siret,
        "buyer_vat_number": customer.vat_number,
        "buyer_email": customer.email,
    }


def recovery_indemnity_for(customer: Customer):
    """The 40 € indemnity applies between professionals only (Code de commerce D441-5)."""
    return RECOVERY_INDEMNITY if customer.kind == CustomerKind.COMPANY else ZERO
