"""Contribution rules: the cooperative's default and per-activity overrides over periods that never overlap,
ended from the page; the next document issued takes the rule in force on its date."""

from __future__ import annotations

import datetime

import pytest

from comptabilite.ledger import chart
from comptabilite.models import ContributionRule, Entry
from coodyssee.models import Cooperative
from tests.comptabilite.conftest import issued, line
from tests.comptabilite_ledger.conftest import D, text
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

RULES = "/gestion/comptabilite/contribution/"


def rule_post(activity=None, starts_on="2026-03-10", ends_on="", rate="8", fixed_monthly="", note="") -> dict:
    return {
        "activity": activity.pk if activity else "",
        "starts_on": starts_on,
        "ends_on": ends_on,
        "rate": rate,
        "fixed_monthly": fixed_monthly,
        "note": note,
    }


def contribution_of(invoice) -> D:
    entry = Entry.objects.get(invoice=invoice, reversal_of__isnull=True, journal_id="VT")
    return entry.lines.get(account_id=chart.CONTRIBUTION_CHARGE).debit


def test_rules_are_created_from_the_page(coop, accountant, activity):
    client = client_for(accountant)
    assert (
        client.post(RULES, rule_post(rate="10,5", fixed_monthly="30", note="Statuts 2026")).status_code == 302
    )
    assert client.post(RULES, rule_post(activity, rate="8", ends_on="2026-12-31")).status_code == 302
    default, override = (
        ContributionRule.objects.get(activity=None),
        ContributionRule.objects.get(activity=activity),
    )
    assert (default.activity_id, default.rate, default.fixed_monthly, default.note) == (
        None,
        D("10.50"),
        D("30.00"),
        "Statuts 2026",
    )
    assert (override.activity, override.ends_on, override.rate) == (
        activity,
        datetime.date(2026, 12, 31),
        D("8"),
    )
    page = text(client.get(RULES))
    assert "Règle par défaut (toutes)" in page and activity.code in page and "10,5\xa0%" in page
    assert "du 10/03/2026 au 31/12/2026" in page and "en cours" in page


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "clash"),
    [
        ("2026-06-01", "", True),  # open-ended after an open-ended rule
        ("2026-01-01", "2026-03-10", True),  # ends on the first day of the existing rule
        ("2026-01-01", "2026-03-09", False),  # ends the day before
        ("2025-01-01", "", True),  # open-ended before: runs into it
    ],
)
def test_periods_of_the_same_activity_never_overlap(coop, accountant, activity, starts_on, ends_on, clash):
    client = client_for(accountant)
    client.post(RULES, rule_post(activity, starts_on="2026-03-10"))
    response = client.post(RULES, rule_post(activity, starts_on=starts_on, ends_on=ends_on, rate="5"))
    if clash:
        assert response.status_code == 200
        assert "Une autre règle s'applique déjà" in " ".join(response.context["form"].errors["starts_on"])
        assert ContributionRule.objects.count() == 1
    else:
        assert response.status_code == 302 and ContributionRule.objects.count() == 2


def test_rules_of_different_activities_and_the_default_do_not_clash(
    coop, accountant, activity, other_activity
):
    client = client_for(accountant)
    for target in (activity, other_activity, None):
        assert client.post(RULES, rule_post(target)).status_code == 302
    assert client.post(RULES, rule_post(None, starts_on="2027-01-01")).status_code == 200
    assert ContributionRule.objects.count() == 3


def test_ending_a_rule_lets_the_next_one_start(coop, accountant, activity):
    client = client_for(accountant)
    client.post(RULES, rule_post(activity, starts_on="2026-01-01"))
    rule = ContributionRule.objects.get()
    page = client.get(f"{RULES}{rule.pk}/terminer/")
    assert page.status_code == 200 and activity.code in text(page)
    assert (
        client.post(f"{RULES}{rule.pk}/terminer/", {"ends_on": "2025-12-31"}).status_code == 200
    )  # before start
    assert client.post(f"{RULES}{rule.pk}/terminer/", {"ends_on": "2026-03-31"}).status_code == 302
    assert ContributionRule.objects.get().ends_on == datetime.date(2026, 3, 31)
    assert client.post(RULES, rule_post(activity, starts_on="2026-04-01", rate="6")).status_code == 302
    # Extending the first rule again would overlap the second.
    response = client.post(f"{RULES}{rule.pk}/terminer/", {"ends_on": "2026-06-30"})
    assert response.status_code == 200 and "Une autre règle" in text(response)
    assert ContributionRule.objects.get(pk=rule.pk).ends_on == datetime.date(2026, 3, 31)


def test_a_rule_cannot_start_or_end_in_a_closed_period(coop, accountant, activity):
    Cooperative.objects.update(ledger_closed_until=datetime.date(2026, 2, 28))
    client = client_for(accountant)
    response = client.post(RULES, rule_post(activity, starts_on="2026-02-01"))
    assert response.status_code == 200 and "clôturée" in text(response)
    client.post(RULES, rule_post(activity, starts_on="2026-03-01"))
    rule = ContributionRule.objects.get()
    assert client.post(f"{RULES}{rule.pk}/terminer/", {"ends_on": "2026-02-15"}).status_code == 200
    assert ContributionRule.objects.get().ends_on is None


def test_the_next_issued_invoice_takes_the_rule_in_force(coop, entrepreneur, accountant, activity, customer):
    before = issued(entrepreneur, accountant, activity, customer, [line(unit_price="1000.00")])
    assert contribution_of(before) == D("120.00")  # the cooperative's default rate, 12 %
    client = client_for(accountant)
    client.post(RULES, rule_post(None, rate="10"))
    assert contribution_of(
        issued(entrepreneur, accountant, activity, customer, [line(unit_price="1000.00")])
    ) == D("100.00")
    client.post(RULES, rule_post(activity, rate="7,5"))
    override = issued(entrepreneur, accountant, activity, customer, [line(unit_price="1000.00")])
    assert contribution_of(override) == D("75.00")
    # Ended yesterday: back to the cooperative's rule.
    rule = ContributionRule.objects.get(activity=activity)
    ContributionRule.objects.filter(pk=rule.pk).update(starts_on=datetime.date(2026, 1, 1))
    client.post(f"{RULES}{rule.pk}/terminer/", {"ends_on": "2026-03-09"})
    after = issued(entrepreneur, accountant, activity, customer, [line(unit_price="1000.00")])
    assert contribution_of(after) == D("100.00")
    # Issued documents keep what they were posted with.
    assert contribution_of(override) == D("75.00")


def test_rules_pages_are_refused_to_entrepreneurs_and_unknown_rules_are_404(
    coop, accountant, entrepreneur, activity
):
    client_for(accountant).post(RULES, rule_post(activity))
    rule = ContributionRule.objects.get()
    assert client_for(entrepreneur).get(RULES).status_code == 403
    assert (
        client_for(entrepreneur).post(RULES, rule_post(activity, starts_on="2027-01-01")).status_code == 403
    )
    assert (
        client_for(entrepreneur).post(f"{RULES}{rule.pk}/terminer/", {"ends_on": "2026-03-31"}).status_code
        == 403
    )
    assert client_for(accountant).get(f"{RULES}{rule.pk + 100}/terminer/").status_code == 404
    assert ContributionRule.objects.get().ends_on is None and ContributionRule.objects.count() == 1
