"""Records of invoicing for the access matrix of tests/coodyssee/test_access.py: all belong to the
entrepreneur persona, so their own portal pages open for them (and staff see every activity)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from comptabilite import services
from comptabilite.models import CONTROL_CHECKLIST, Customer, CustomerKind, DunningLevel, DunningLog
from coodyssee.models import Cooperative
from entrepreneurs.models import Activity, ActivityMembership


def invoicing_objects(personas) -> dict:
    entrepreneur, staff = personas["entrepreneur"], personas["accountant"]
    # Issuing needs the cooperative's identity (the persona fixture only names it).
    Cooperative.objects.update(address="Place de la Mairie\n05230 Chorges")
    activity = Activity.objects.create(code="ACT09001", name="Graphisme")
    ActivityMembership.objects.create(activity=activity, entrepreneur=entrepreneur.entrepreneur)
    customer = Customer.objects.create(
        activity=activity,
        kind=CustomerKind.COMPANY,
        name="SARL Les Jardins du Buëch",
        address_line1="14 route de Grenoble",
        postcode="05400",
        city="Veynes",
        siren="830518973",
        email="compta@jardins.example",
    )
    line = {
        "description": "Logo",
        "quantity": Decimal(1),
        "unit_price": Decimal(100),
        "vat_rate": Decimal(20),
    }
    draft = services.invoice_create(by=entrepreneur, activity=activity, customer=customer, lines=[line])
    sold = services.invoice_create(by=entrepreneur, activity=activity, customer=customer, lines=[line])
    services.invoice_submit(by=entrepreneur, invoice=sold)
    services.invoice_control(
        by=staff, invoice=sold, accept=True, checklist={key: True for key, _label in CONTROL_CHECKLIST}
    )
    sold = services.invoice_issue(by=staff, invoice=sold)
    payment = services.payment_record(
        by=staff, invoice=sold, date=sold.date, amount=Decimal("10.00"), method="transfer"
    )
    level = DunningLevel.objects.create(
        name="Relance amiable", days_after_due=7, channel="letter", subject="Relance", body="Bonjour"
    )
    reminder = DunningLog.objects.create(
        invoice=sold,
        level=level,
        prepared_on=sold.date,
        channel="letter",
        subject="Relance",
        body="Bonjour",
        amount_due=sold.amount_due,
        days_late=8,
    )
    quote = services.quote_create(
        by=entrepreneur, activity=activity, customer=customer, lines=[line], date=datetime.date(2026, 3, 2)
    )
    return {"invoice": draft, "customer": customer, "quote": quote, "payment": payment, "reminder": reminder}
