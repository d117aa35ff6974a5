"""VAT from the ledger on a hand-computed case: a services invoice paid half (VAT due on payment), a goods
invoice (VAT due at issue), an expense posted with post_entry; the CA3 lines; ``vat_net`` of the report."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from comptabilite import services
from comptabilite.ledger.posting import EntrySpec, Line, post_entry, sections_for
from comptabilite.vat import Period, parse_period, period_of, vat_net, vat_return
from coodyssee.models import Cooperative
from tests.comptabilite.conftest import issued, line
from tests.comptabilite_ledger.conftest import D, od_entry, text
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

VAT = "/gestion/comptabilite/tva/"
MARCH = Period("month", 2026, 3)


def expense(activity, *, day=datetime.date(2026, 3, 5), ht="100.00", vat="20.00"):
    section, _structure = sections_for(activity.pk)
    ttc = D(ht) + D(vat)
    return post_entry(
        EntrySpec(
            journal="HA",
            date=day,
            label="Fournitures",
            piece_ref="F-778",
            lines=[
                Line("606", section, debit=D(ht)),
                Line("44566", section, debit=D(vat)),
                Line("401", section, credit=ttc, aux_code="FBUREAU", aux_label="Bureau Vallée"),
            ],
        )
    )


@pytest.fixture
def march(coop, entrepreneur, accountant, activity, customer):
    """Services 1,000.00 HT at 20 % paid half, goods 500.00 HT at 5.5 %, an expense of 100 + 20 VAT."""
    services_invoice = issued(entrepreneur, accountant, activity, customer, [line(unit_price="1000.00")])
    services.payment_record(
        by=accountant,
        invoice=services_invoice,
        date=datetime.date(2026, 3, 10),
        amount=D("600.00"),
        method="transfer",
    )
    goods = issued(
        entrepreneur,
        accountant,
        activity,
        customer,
        [line(description="Meuble", unit_price="500.00", vat_rate="5.50")],
        operation_category="goods",
    )
    expense(activity)
    return services_invoice, goods


def test_the_month_figures_on_the_hand_computed_case(march):
    result = vat_return(MARCH)
    assert result.collected == D("127.50")  # 100.00 (half of 200.00, paid) + 27.50 (goods, at issue)
    assert (result.deductible_other, result.deductible_fixed_assets, result.deductible) == (
        D("20.00"),
        D("0"),
        D("20.00"),
    )
    assert (result.net, result.net_due, result.credit) == (D("107.50"), D("107.50"), D("0"))
    assert [(r.rate.normalize(), r.base, r.vat) for r in result.rates] == [
        (D("20"), D("500.00"), D("100.00")),
        (D("5.5"), D("500.00"), D("27.50")),
    ]
    assert result.unallocated == 0
    assert [(row.code, row.base, row.tax) for row in result.ca3_lines()] == [
        ("A1", D("1000.00"), None),
        ("08", D("500.00"), D("100.00")),
        ("09", D("500.00"), D("27.50")),
        ("16", None, D("127.50")),
        ("20", None, D("20.00")),
        ("23", None, D("20.00")),
        ("28", None, D("107.50")),
    ]


def test_the_page_shows_the_figures_and_the_ca3_lines(march, accountant):
    response = client_for(accountant).get(VAT + "?period=2026-03")
    page = text(response)
    assert response.status_code == 200 and "mars 2026" in page
    assert "127,50\xa0€" in page and "107,50\xa0€" in page and "TVA nette due (ligne 28)" in page
    assert 'data-line="08"' in page and 'data-line="9B"' not in page and 'data-line="28"' in page
    overview = {row.period.number: row for row in response.context["overview"]}
    assert (overview[3].collected, overview[3].deductible, overview[3].net) == (
        D("127.50"),
        D("20.00"),
        D("107.50"),
    )
    assert overview[2].collected == 0


def test_a_payment_spreads_over_the_rates_of_its_invoice(coop, entrepreneur, accountant, activity, customer):
    invoice = issued(
        entrepreneur,
        accountant,
        activity,
        customer,
        [line(unit_price="100.00"), line(description="Livres", unit_price="100.00", vat_rate="10.00")],
    )
    services.payment_record(
        by=accountant, invoice=invoice, date=datetime.date(2026, 3, 10), amount=D("100.00"), method="transfer"
    )
    result = vat_return(MARCH)
    assert result.collected == D("13.04")  # 30.00 × 100 / 230
    assert [(r.rate.normalize(), r.base, r.vat) for r in result.rates] == [
        (D("20"), D("43.48"), D("8.69")),
        (D("10"), D("43.48"), D("4.35")),
    ]
    assert sum(r.vat for r in result.rates) == result.collected


def test_a_cancelled_payment_takes_its_vat_back(coop, entrepreneur, accountant, activity, customer):
    invoice = issued(entrepreneur, accountant, activity, customer, [line(unit_price="1000.00")])
    payment = services.payment_record(
        by=accountant,
        invoice=invoice,
        date=datetime.date(2026, 3, 10),
        amount=D("1200.00"),
        method="transfer",
    )
    services.payment_cancel(by=accountant, payment=payment, reason="Chèque rejeté")
    result = vat_return(MARCH)
    assert result.collected == 0 and [(r.base, r.vat) for r in result.rates] == [(D("0.00"), D("0.00"))]


def test_a_month_with_only_purchases_gives_a_credit(coop, accountant, activity):
    expense(activity, day=datetime.date(2026, 2, 3), ht="250.00", vat="50.00")
    result = vat_return(Period("month", 2026, 2))
    assert (result.collected, result.deductible, result.net, result.credit) == (
        D("0"),
        D("50.00"),
        D("-50.00"),
        D("50.00"),
    )
    assert result.ca3_lines()[-1].code == "25" and result.ca3_lines()[-1].tax == D("50.00")
    page = text(client_for(accountant).get(VAT + "?period=2026-02"))
    assert "Crédit de TVA (ligne 25)" in page and "50,00\xa0€" in page


def test_vat_on_44571_without_an_invoice_is_shown_apart(coop, accountant, structure):
    od_entry(structure, "10.00", debit="512", credit="44571")
    result = vat_return(MARCH)
    assert (result.collected, result.unallocated, result.rates) == (D("10.00"), D("10.00"), [])
    assert (
        'data-testid="vat-unallocated"'
        in client_for(accountant).get(VAT + "?period=2026-03").content.decode()
    )


def test_quarterly_returns_follow_the_cooperative_setting(march, accountant):
    client = client_for(accountant)
    assert client.post(VAT, {"period": "quarter"}).status_code == 302
    assert Cooperative.objects.get().vat_period == "quarter"
    response = client.get(VAT + "?period=2026-T1")
    assert response.context["period"] == Period("quarter", 2026, 1)
    assert "1er trimestre 2026" in text(response) and response.context["result"].collected == D("127.50")
    assert len(response.context["overview"]) == 4
    # Without a period: the last one ended.
    assert client.get(VAT).context["period"] == Period("quarter", 2025, 4)


def test_periods():
    assert parse_period("2026-03", "month") == MARCH and parse_period("2026-T2", "quarter") == Period(
        "quarter", 2026, 2
    )
    assert parse_period("2026-13", "month") is None and parse_period("x", "quarter") is None
    assert (MARCH.start, MARCH.end) == (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    q4 = Period("quarter", 2026, 4)
    assert (q4.start, q4.end, q4.next(), q4.previous()) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
        Period("quarter", 2027, 1),
        Period("quarter", 2026, 3),
    )
    assert period_of(datetime.date(2026, 8, 15), "quarter") == Period("quarter", 2026, 3)


def test_vat_net_of_the_year_and_in_the_annual_report(march):
    # 4457*: 200.00 on the services invoice (44574 then 44571 for the paid half) + 27.50; 4456*: 20.00.
    assert vat_net(2026) == D("207.50")
    assert vat_net(2025) == D("0.00")
    out = StringIO()
    call_command("annual_report", "2026", "--json", stdout=out)
    assert json.loads(out.getvalue())["activity"]["vat_net"] == "207.50"


def test_vat_page_is_refused_to_entrepreneurs_and_officers(coop, entrepreneur, officer):
    for person in (entrepreneur, officer):
        assert client_for(person).get(VAT).status_code == 403
        assert client_for(person).post(VAT, {"period": "quarter"}).status_code == 403
    assert Cooperative.objects.get().vat_period == "month"
