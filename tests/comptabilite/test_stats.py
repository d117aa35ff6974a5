"""The report's ``activity`` and ``mutualisation`` sections, as docs/import-format.md §2 defines them."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from comptabilite.stats import activity as activity_section
from comptabilite.stats import document_contribution, mutualisation, mutualisation_figures
from coodyssee.importing import run_import
from entrepreneurs import services as journey_services
from gouvernance.reports import SECTIONS

D = Decimal


def test_activity_counts_issued_documents_dated_in_the_year(
    coop, entrepreneur, accountant, activity, customer
):
    from tests.comptabilite.conftest import draft

    journey_services.entrepreneur_create(ref="E001", first_name="A", last_name="B")
    text = (
        "entrepreneur_ref,number,date,customer,amount_ht,vat_rate,kind\n"
        "E001,2017-00001,2017-01-10,C,1000.10,20,invoice\n"
        "E001,2017-00002,2017-12-31,C,500.00,20,invoice\n"
        "E001,2018-00001,2018-01-01,C,700.00,20,invoice\n"
        "E001,AV2017-00001,2017-06-01,C,200.05,20,credit_note\n"
    )
    assert run_import({"invoices.csv": text.encode()}).ok
    draft(entrepreneur, activity, customer)  # drafts are not turnover
    assert activity_section(2017) == {
        "turnover_ht": "1300.05",
        "invoices": 2,
        "credit_notes": 1,
        "vat_net": "260.01",  # 20 % of 1000.10 + 500.00 − 200.05, posted by the import
    }
    assert activity_section(2018) == {
        "turnover_ht": "700.00",
        "invoices": 1,
        "credit_notes": 0,
        "vat_net": "140.00",
    }
    assert activity_section(2016) == {
        "turnover_ht": "0.00",
        "invoices": 0,
        "credit_notes": 0,
        "vat_net": "0.00",
    }


def test_contribution_is_rounded_per_document_and_negative_for_credit_notes():
    assert document_contribution(D("10.05"), D("12")) == D("1.21")  # 1.206
    assert document_contribution(D("0.04"), D("12.5")) == D("0.01")  # 0.005 → half-up
    assert document_contribution(D("100.00"), D("12"), "credit_note") == D("-12.00")


def test_mutualisation_figures_follow_the_contract_definition():
    rows = [
        ("a", "invoice", D("20000.00"), D("12")),  # 2400 → band
        ("a", "credit_note", D("5000.00"), D("12")),  # -600 → 1800: out of the band
        ("b", "invoice", D("16666.67"), D("12")),  # 2000.00 → band (inclusive)
        ("c", "invoice", D("2499.95"), D("12")),  # 299.99 → under 300
        ("d", "invoice", D("2500.00"), D("12")),  # 300.00 → not under 300
        ("e", "invoice", D("100.00"), D("0")),  # 0 → not a contributor
        ("f", "invoice", D("50000.00"), D("8")),  # 4000.00 → band (inclusive)
    ]
    assert mutualisation_figures(rows) == {
        "total": "8399.99",
        "contributors": 5,
        "contributors_2000_to_4000": 2,
        "contributors_under_300": 1,
    }


def test_mutualisation_uses_the_entrepreneurs_rate_else_the_default(coop):
    journey_services.entrepreneur_create(ref="E001", first_name="A", last_name="B", contribution_rate=D("10"))
    journey_services.entrepreneur_create(ref="E002", first_name="C", last_name="D")
    text = (
        "entrepreneur_ref,number,date,customer,amount_ht,vat_rate\n"
        "E001,2017-00001,2017-01-10,C,1000.00,20\n"
        "E002,2017-00002,2017-01-11,C,1000.00,20\n"
    )
    assert run_import({"invoices.csv": text.encode()}).ok
    assert mutualisation(2017) == {
        "total": "220.00",
        "contributors": 2,
        "contributors_2000_to_4000": 0,
        "contributors_under_300": 2,
    }


def test_the_annual_report_has_both_sections_in_the_contract_order(db):
    keys = [key for key, _path in SECTIONS]
    assert keys.index("activity") == keys.index("info_sessions") + 1
    assert keys.index("mutualisation") == keys.index("activity") + 1
    out = StringIO()
    call_command("annual_report", "2017", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["activity"] == {"turnover_ht": "0.00", "invoices": 0, "credit_notes": 0, "vat_net": "0.00"}
    assert data["mutualisation"]["total"] == "0.00"
