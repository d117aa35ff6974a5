"""The structure budget: actuals read from the ledger reproduce the 2017 report's table to the euro."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from comptabilite.ledger.posting import EntrySpec, Line, post_entry, sections_for, structure_section_id
from comptabilite.models import Entry, EntryLine
from entrepreneurs.models import Activity
from gouvernance.budget import assign_accounts, budget_table, round_euros
from gouvernance.demo import PLANS, load_structure_budget
from gouvernance.models import BudgetLine, BudgetSide
from tests.gouvernance.conftest import post_contribution

pytestmark = pytest.mark.django_db
# In CI the shared folder sits next to the repository (../shared).
REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference" / "coodyssee-2017.json"


@pytest.fixture
def printed() -> dict:
    if not REFERENCE.is_file():
        pytest.skip(
            f"reference figures not found at {REFERENCE} (the shared folder sits next to the repository)"
        )
    return json.loads(REFERENCE.read_text(encoding="utf-8"))["structure_budget"]


def _euros(value: Decimal | None) -> int:
    return round_euros(value or Decimal(0))


def test_every_printed_figure_of_2017_comes_out_of_the_ledger(budget_2017, printed):
    table = budget_table(2017)

    for side, key in ((table.charges, "charges"), (table.products, "products")):
        rows = {(section.label, row.label): row for section in side.sections for row in section.rows}
        assert len(rows) == len(printed[key])
        for item in printed[key]:
            row = rows[(item["section"], item["line"])]
            assert _euros(row.real) == (item["real"] or 0), item["line"]
            assert (row.forecast is None and item["forecast"] is None) or row.forecast == item["forecast"], (
                item
            )
        sections = {section.label: section for section in side.sections}
        assert list(sections) == list(printed[f"{key}_section_totals"])
        for label, expected in printed[f"{key}_section_totals"].items():
            section = sections[label]
            assert _euros(section.real) == expected["real"], label
            assert section.forecast == expected["forecast"], label
            assert f"{section.share}%" == expected["share"], label
        assert _euros(side.real) == printed[f"{key}_total"]["real"]
        assert side.forecast == printed[f"{key}_total"]["forecast"]

    assert _euros(table.intermediate_result) == printed["intermediate_result"]
    for rows, key in (
        (table.non_eligible_charges, "non_eligible_charges"),
        (table.non_eligible_products, "non_eligible_products"),
    ):
        assert [(row.label, _euros(row.real)) for row in rows] == [
            (item["line"], item["real"]) for item in printed[key]
        ]
    assert _euros(table.non_eligible_charges_total) == printed["non_eligible_charges_total"]
    assert _euros(table.non_eligible_products_total) == printed["non_eligible_products_total"]
    assert _euros(table.result) == printed["result"]
    assert _euros(table.grand_total_charges) == printed["grand_total"]
    assert _euros(table.grand_total_products) == printed["grand_total"]
    assert table.unassigned == []


def test_mutualisation_is_the_contribution_the_invoices_posted(budget_2017):
    rows = {row.label: row for section in budget_table(2017).products.sections for row in section.rows}
    assert rows["Mutualisation entrepreneurs"].real == Decimal("103333.00")
    post_contribution(Decimal("12.34"), day=datetime.date(2017, 12, 31))
    post_contribution(Decimal("99.00"), day=datetime.date(2018, 1, 2))  # another year
    rows = {row.label: row for section in budget_table(2017).products.sections for row in section.rows}
    assert rows["Mutualisation entrepreneurs"].real == Decimal("103345.34")


def test_key_figures_without_the_reference_file(budget_2017):
    table = budget_table(2017)
    assert round_euros(table.charges.real) == 152181
    assert round_euros(table.products.real) == 182848
    assert round_euros(table.result) == 48308
    assert [s.share for s in table.charges.sections] == [4, 11, 16, 69]
    assert [s.share for s in table.products.sections] == [58, 19, 23]


def test_demo_posts_every_amount_as_balanced_entries_on_the_structure(budget_2017):
    entries = Entry.objects.filter(source="demo_structure")
    assert entries.count() > 250
    assert set(entries.values_list("journal_id", flat=True)) == {"HA", "BQ", "PA", "OD"}
    structure = structure_section_id()
    lines = EntryLine.objects.filter(entry__source="demo_structure")
    assert set(lines.values_list("section_id", flat=True)) == {structure}
    assert not lines.filter(account__code__startswith="44").exclude(account_id="444").exists()  # no VAT
    # Only the contribution is left to the invoices.
    assert {plan.label for plan in PLANS if plan.real is None} == {
        "Achat équipement",
        "Publicité",
        "Mutualisation entrepreneurs",
    }
    assert not lines.filter(account_id="7586").exists()
    rent = EntryLine.objects.filter(entry__source="demo_structure", account_id="613")
    assert rent.count() == 12 and {line.debit for line in rent} == {Decimal("727.00")}


def test_demo_is_loaded_once(budget_2017):
    counts = (BudgetLine.objects.count(), Entry.objects.count())
    load_structure_budget()
    assert (BudgetLine.objects.count(), Entry.objects.count()) == counts


def _line(side, label, accounts, *, section="S", eligible=True, year=2020, forecast=None):
    return BudgetLine.objects.create(
        year=year,
        side=side,
        label=label,
        accounts=accounts,
        section=section,
        eligible=eligible,
        forecast=forecast,
    )


def _post(account: str, amount: Decimal, *, side="debit", counter="512", section=None, day=None):
    section = section or structure_section_id()
    amount_line = Line(account, section, **{side: amount})
    other = Line(counter, section, **{"credit" if side == "debit" else "debit": amount})
    post_entry(EntrySpec("OD", day or datetime.date(2020, 3, 10), "Test", [amount_line, other]))


def test_an_account_goes_to_the_line_with_the_longest_prefix():
    general = _line(BudgetSide.PRODUCT, "Produits divers", "758")
    contribution = _line(BudgetSide.PRODUCT, "Mutualisation", "7586")
    charges = _line(BudgetSide.CHARGE, "Autres charges", "65")
    assigned = assign_accounts(
        ["7586", "758", "7581", "658", "6586", "641"], [general, contribution, charges]
    )
    assert assigned == {
        "7586": contribution,
        "758": general,
        "7581": general,
        "658": charges,
        "6586": charges,
    }


def test_actuals_sign_by_side_and_ignore_activity_sections(db):
    _line(BudgetSide.CHARGE, "Loyer", "613")
    _line(BudgetSide.PRODUCT, "Subvention", "74")
    _post("613", Decimal("500.00"))
    _post("613", Decimal("20.00"), side="credit")  # a credit note of the landlord
    _post("74", Decimal("1000.00"), side="credit")
    activity = Activity.objects.create(code="ACT-X", name="Une activité")
    own, _structure = sections_for(activity.pk)
    _post("613", Decimal("999.00"), section=own)  # an activity's rent is not the structure's
    _post("613", Decimal("7.00"), day=datetime.date(2021, 1, 4))  # another year
    table = budget_table(2020)
    assert table.charges.sections[0].rows[0].real == Decimal("480.00")
    assert table.products.sections[0].rows[0].real == Decimal("1000.00")
    assert table.intermediate_result == Decimal("520.00")


def test_amounts_no_line_claims_are_listed_as_unassigned(db):
    _line(BudgetSide.CHARGE, "Loyer", "613")
    _post("613", Decimal("100.00"))
    _post("626", Decimal("45.50"))
    _post("708", Decimal("10.00"), side="credit")
    table = budget_table(2020)
    assert [(item.account, item.side, item.amount) for item in table.unassigned] == [
        ("626", BudgetSide.CHARGE, Decimal("45.50")),
        ("708", BudgetSide.PRODUCT, Decimal("10.00")),
    ]


def test_result_and_grand_totals_balance_with_a_loss(db):
    _line(BudgetSide.CHARGE, "Loyer", "613")
    _line(BudgetSide.PRODUCT, "Subvention", "74")
    _line(BudgetSide.CHARGE, "Exceptionnel", "67", section="", eligible=False)
    _post("613", Decimal("800.00"))
    _post("74", Decimal("500.00"), side="credit")
    _post("671", Decimal("50.00"))
    table = budget_table(2020)
    assert table.result == Decimal("-350.00")
    assert table.grand_total_charges == table.grand_total_products == Decimal("850.00")


def test_shares_add_up_to_one_hundred():
    from gouvernance.budget import Row, Section, _shares

    sections = [
        Section("a", [Row("x", Decimal(1))]),
        Section("b", [Row("y", Decimal(1))]),
        Section("c", [Row("z", Decimal(1))]),
    ]
    _shares(sections)
    assert [s.share for s in sections] == [34, 33, 33]
    assert sum(s.share for s in sections) == 100
