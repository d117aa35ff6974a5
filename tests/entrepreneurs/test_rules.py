"""The journey law as pure functions: CAPE periods and renewals, trial period, associate deadline, order."""

from __future__ import annotations

import datetime

import pytest

from coodyssee.errors import DomainError
from entrepreneurs import rules
from entrepreneurs.models import JourneyStatus, JourneyStep, StepKind
from tests.entrepreneurs.factories import d


def step(kind: str, day: str, planned_end: str | None = None, trial_end: str | None = None) -> JourneyStep:
    return JourneyStep(
        kind=kind,
        date=d(day),
        planned_end=d(planned_end) if planned_end else None,
        trial_end=d(trial_end) if trial_end else None,
    )


def refused(previous, new, field: str) -> str:
    with pytest.raises(DomainError) as caught:
        rules.check_next_step(previous, new)
    assert caught.value.field == field
    return caught.value.message


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2026-11-28", 3, "2027-02-28"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2026-05-15", -8, "2025-09-15"),
    ],
)
def test_add_months_keeps_the_day_or_clamps_to_month_end(start, months, expected):
    assert rules.add_months(d(start), months) == d(expected)


# --- CAPE ----------------------------------------------------------------------------------------


def test_cape_period_may_last_exactly_twelve_months():
    rules.check_next_step([], step(StepKind.CAPE, "2026-01-15", planned_end="2027-01-14"))


def test_cape_period_longer_than_twelve_months_is_refused():
    message = refused([], step(StepKind.CAPE, "2026-01-15", planned_end="2027-01-15"), "planned_end")
    assert "12 mois" in message and "14/01/2027" in message


def test_cape_cannot_end_before_it_starts():
    refused([], step(StepKind.CAPE, "2026-01-15", planned_end="2026-01-14"), "planned_end")


def test_cape_may_be_renewed_twice():
    journey = [
        step(StepKind.CAPE, "2024-01-01", planned_end="2024-12-31"),
        step(StepKind.CAPE, "2025-01-01", planned_end="2025-12-31"),
        step(StepKind.CAPE, "2026-01-01", planned_end="2026-12-31"),
    ]
    rules.check_journey(journey)


def test_third_renewal_of_a_cape_is_refused_even_with_short_periods():
    journey = [
        step(StepKind.CAPE, "2026-01-01", planned_end="2026-01-31"),
        step(StepKind.CAPE, "2026-02-01", planned_end="2026-02-28"),
        step(StepKind.CAPE, "2026-03-01", planned_end="2026-03-31"),
    ]
    message = refused(journey, step(StepKind.CAPE, "2026-04-01", planned_end="2026-04-30"), "kind")
    assert "deux fois" in message


def test_renewal_must_start_at_the_latest_the_day_after_the_planned_end():
    first = step(StepKind.CAPE, "2026-01-01", planned_end="2026-06-30")
    rules.check_next_step([first], step(StepKind.CAPE, "2026-07-01", planned_end="2026-12-31"))
    refused([first], step(StepKind.CAPE, "2026-07-02", planned_end="2026-12-31"), "date")


def test_cape_cannot_follow_the_cesa():
    refused([step(StepKind.CESA, "2026-01-01")], step(StepKind.CAPE, "2026-02-01", "2026-06-30"), "kind")


# --- CESA trial period --------------------------------------------------------------------------


def test_trial_period_may_last_eight_months_after_a_direct_cesa():
    rules.check_next_step([], step(StepKind.CESA, "2026-01-01", trial_end="2026-08-31"))
    message = refused([], step(StepKind.CESA, "2026-01-01", trial_end="2026-09-01"), "trial_end")
    assert "31/08/2026" in message


def test_trial_period_is_shortened_by_the_prior_cape():
    cape = step(StepKind.CAPE, "2026-01-01", planned_end="2026-03-31")  # 90 days before the CESA
    assert rules.trial_max_end(d("2026-04-01"), 90) == d("2026-11-30") - datetime.timedelta(days=90)
    rules.check_next_step([cape], step(StepKind.CESA, "2026-04-01", trial_end="2026-09-01"))
    refused([cape], step(StepKind.CESA, "2026-04-01", trial_end="2026-09-02"), "trial_end")


def test_no_trial_period_is_possible_when_prior_capes_cover_eight_months():
    journey = [step(StepKind.CAPE, "2025-01-01", planned_end="2025-12-31")]
    rules.check_next_step(journey, step(StepKind.CESA, "2026-01-01"))
    message = refused(journey, step(StepKind.CESA, "2026-01-01", trial_end="2026-01-15"), "trial_end")
    assert "pas de période d'essai" in message


def test_trial_period_cannot_end_before_the_signature():
    refused([], step(StepKind.CESA, "2026-03-01", trial_end="2026-02-28"), "trial_end")


# --- associate deadline -------------------------------------------------------------------------


def test_associate_deadline_is_three_years_after_a_direct_cesa():
    summary = rules.summarize([step(StepKind.CESA, "2024-06-12")])
    assert summary.associate_deadline == d("2027-06-12")


def test_associate_deadline_is_shortened_by_every_prior_cape_period():
    journey = [
        step(StepKind.CAPE, "2023-01-01", planned_end="2023-06-30"),
        step(StepKind.CAPE, "2023-07-01", planned_end="2023-12-31"),
        step(StepKind.CESA, "2024-01-01"),
    ]
    assert rules.prior_contract_days(journey, d("2024-01-01")) == 365
    assert rules.summarize(journey).associate_deadline == d("2027-01-01") - datetime.timedelta(days=365)


def test_prior_cape_without_planned_end_runs_until_the_cesa():
    journey = [step(StepKind.CAPE, "2017-03-01"), step(StepKind.CESA, "2017-09-01")]
    assert rules.prior_contract_days(journey, d("2017-09-01")) == 184


def test_prior_cape_time_stops_at_its_planned_end_when_the_cesa_comes_later():
    journey = [step(StepKind.CAPE, "2025-01-01", planned_end="2025-01-31"), step(StepKind.CESA, "2025-06-01")]
    assert rules.prior_contract_days(journey, d("2025-06-01")) == 31


# --- order of the journey -----------------------------------------------------------------------


def test_associate_before_cesa_is_refused():
    message = refused(
        [step(StepKind.CAPE, "2026-01-01", "2026-06-30")], step(StepKind.ASSOCIATE, "2026-03-01"), "kind"
    )
    assert "CESA" in message


def test_associate_on_the_day_of_the_cesa_is_accepted():
    rules.check_next_step([step(StepKind.CESA, "2026-01-01")], step(StepKind.ASSOCIATE, "2026-01-01"))


@pytest.mark.parametrize("kind", [StepKind.CESA, StepKind.ASSOCIATE, StepKind.EXIT])
def test_a_step_that_happens_once_cannot_be_repeated(kind):
    journey = [step(StepKind.CESA, "2026-01-01"), step(StepKind.ASSOCIATE, "2026-02-01")]
    if kind == StepKind.EXIT:
        journey.append(step(StepKind.EXIT, "2026-03-01"))
    refused(journey, step(kind, "2026-04-01"), "kind")


@pytest.mark.parametrize("kind", list(StepKind))
def test_nothing_follows_the_exit(kind):
    journey = [step(StepKind.CESA, "2026-01-01"), step(StepKind.EXIT, "2026-02-01")]
    message = refused(journey, step(kind, "2026-03-01"), "kind")
    assert "sortie" in message


def test_dates_cannot_go_backwards():
    journey = [step(StepKind.INFO_SESSION, "2026-01-10")]
    message = refused(journey, step(StepKind.CESA, "2026-01-09"), "date")
    assert "10/01/2026" in message


def test_two_steps_on_the_same_day_are_accepted():
    rules.check_journey([step(StepKind.INFO_SESSION, "2026-01-10"), step(StepKind.CESA, "2026-01-10")])


# --- summary ------------------------------------------------------------------------------------


def test_entry_is_the_first_cape_or_cesa_step():
    journey = [
        step(StepKind.INFO_SESSION, "2025-11-10"),
        step(StepKind.CAPE, "2026-01-05", planned_end="2026-07-04"),
        step(StepKind.CESA, "2026-06-01"),
    ]
    summary = rules.summarize(journey)
    assert summary.entry_date == d("2026-01-05")
    assert summary.status == JourneyStatus.CESA
    assert summary.cesa_date == d("2026-06-01")


@pytest.mark.parametrize(
    ("kinds", "status"),
    [
        ([], JourneyStatus.PROSPECT),
        ([StepKind.INFO_SESSION], JourneyStatus.PROSPECT),
        ([StepKind.CAPE], JourneyStatus.CAPE),
        ([StepKind.CAPE, StepKind.CESA], JourneyStatus.CESA),
        ([StepKind.CESA, StepKind.ASSOCIATE], JourneyStatus.ASSOCIATE),
        ([StepKind.CESA, StepKind.ASSOCIATE, StepKind.EXIT], JourneyStatus.EXITED),
    ],
)
def test_status_follows_the_last_meaningful_step(kinds, status):
    journey = [step(kind, f"2026-0{index + 1}-01") for index, kind in enumerate(kinds)]
    assert rules.summarize(journey).status == status
