"""Bad input gets a clear message on the field at fault, and nothing is written."""

from __future__ import annotations

import pytest

from comptabilite import services
from comptabilite.models import Customer, CustomerKind, Invoice, VatExemption
from comptabilite.validation import LineError
from coodyssee.errors import DomainError
from tests.comptabilite.conftest import draft, line


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("siren", "812345677"),  # wrong check digit
        ("siren", "12345"),
        ("siret", "81234567600012"),
        ("vat_number", "FR00812345676"),
        ("vat_number", "XX123"),
        ("postcode", "5230"),
        ("email", "pas-une-adresse"),
        ("country", "France"),
    ],
)
def test_customer_identifiers_are_checked(entrepreneur, activity, field, value):
    with pytest.raises(DomainError) as error:
        services.customer_create(by=entrepreneur, activity=activity, name="Client", **{field: value})
    assert error.value.field == field
    assert not Customer.objects.exists()


def test_valid_identifiers_are_stored_compact(entrepreneur, activity):
    customer = services.customer_create(
        by=entrepreneur,
        activity=activity,
        name="  Mairie de Serres ",
        siret="210 500 393 00017",
        vat_number="fr 19 812 345 676",
        country="fr",
    )
    assert (customer.name, customer.siren, customer.siret) == (
        "Mairie de Serres",
        "210500393",
        "21050039300017",
    )
    assert customer.vat_number == "FR19812345676"
    assert customer.country == "FR"


def test_a_siret_must_extend_the_siren(entrepreneur, activity):
    with pytest.raises(DomainError) as error:
        services.customer_create(
            by=entrepreneur, activity=activity, name="X", siren="812345676", siret="21050039300017"
        )
    assert error.value.field == "siret"


def test_zero_rate_needs_an_exemption_mention(coop, entrepreneur, activity, customer):
    with pytest.raises(DomainError) as error:
        draft(entrepreneur, activity, customer, [line(vat_rate="0")])
    assert error.value.field == "vat_exemption"
    invoice = draft(
        entrepreneur, activity, customer, [line(vat_rate="0")], vat_exemption=VatExemption.FRANCHISE
    )
    assert invoice.vat_exemption == "franchise"
    assert invoice.get_vat_exemption_display() == "TVA non applicable, art. 293 B du CGI"


def test_an_exemption_mention_is_dropped_without_zero_rate_lines(coop, entrepreneur, activity, customer):
    invoice = draft(entrepreneur, activity, customer, [line()], vat_exemption=VatExemption.INTRA_EU)
    assert invoice.vat_exemption == ""


@pytest.mark.parametrize(
    ("terms", "end_of_month", "ok"),
    [(60, False, True), (61, False, False), (45, True, True), (46, True, False), (0, False, True)],
)
def test_payment_terms_are_capped_by_the_law(coop, entrepreneur, activity, customer, terms, end_of_month, ok):
    create = lambda: draft(  # noqa: E731
        entrepreneur, activity, customer, payment_terms_days=terms, payment_terms_end_of_month=end_of_month
    )
    if ok:
        assert create().payment_terms_days == terms
    else:
        with pytest.raises(DomainError, match="Délai de paiement trop long") as error:
            create()
        assert error.value.field == "payment_terms_days"


@pytest.mark.parametrize(
    ("bad", "line_field"),
    [
        ({"description": " "}, "description"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "1.2345"}, "quantity"),
        ({"unit_price": "-5"}, "unit_price"),
        ({"unit_price": "1.001"}, "unit_price"),
        ({"unit_price": "douze"}, "unit_price"),
        ({"vat_rate": "19.6"}, "vat_rate"),
    ],
)
def test_wrong_lines_are_located(coop, entrepreneur, activity, customer, bad, line_field):
    with pytest.raises(LineError) as error:
        draft(entrepreneur, activity, customer, [line(), line() | bad])
    assert (error.value.index, error.value.line_field, error.value.field) == (1, line_field, "lines")
    assert error.value.message.startswith("Ligne 2 :")
    assert not Invoice.objects.exists()


def test_a_document_needs_a_line(coop, entrepreneur, activity, customer):
    with pytest.raises(DomainError) as error:
        services.invoice_create(by=entrepreneur, activity=activity, customer=customer, lines=[])
    assert error.value.field == "lines"


def test_submitting_checks_the_mandatory_mentions(coop, entrepreneur, activity):
    no_address = Customer.objects.create(activity=activity, name="Sans adresse", siren="830518973")
    invoice = draft(entrepreneur, activity, no_address)
    with pytest.raises(DomainError, match="adresse complète"):
        services.invoice_submit(by=entrepreneur, invoice=invoice)
    no_siren = Customer.objects.create(
        activity=activity, name="Pro sans SIREN", address_line1="1 rue", postcode="05000", city="Gap"
    )
    with pytest.raises(DomainError, match="SIREN"):
        services.invoice_submit(by=entrepreneur, invoice=draft(entrepreneur, activity, no_siren))
    person = Customer.objects.create(
        activity=activity,
        kind=CustomerKind.PERSON,
        name="Mme Garcin",
        address_line1="1 rue",
        postcode="05000",
        city="Gap",
    )
    submitted = services.invoice_submit(by=entrepreneur, invoice=draft(entrepreneur, activity, person))
    assert submitted.status == "submitted"
    belgian = Customer.objects.create(
        activity=activity,
        name="SPRL Liège",
        address_line1="1 rue",
        postcode="4000",
        city="Liège",
        country="BE",
    )
    with pytest.raises(DomainError, match="TVA intracommunautaire"):
        services.invoice_submit(by=entrepreneur, invoice=draft(entrepreneur, activity, belgian))


def test_a_customer_of_another_activity_is_refused(coop, entrepreneur, activity, other_customer):
    with pytest.raises(DomainError) as error:
        draft(entrepreneur, activity, other_customer)
    assert error.value.field == "customer"
