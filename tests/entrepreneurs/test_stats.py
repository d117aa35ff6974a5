"""Headcount and information-session figures on a small hand-made cooperative (definitions of §2)."""

from __future__ import annotations

import pytest

from entrepreneurs import services, stats
from tests.entrepreneurs.factories import EntrepreneurFactory, InfoSessionFactory, d, exited, in_cape, in_cesa

pytestmark = pytest.mark.django_db


@pytest.fixture
def cooperative_2017():
    """Nine journeys around 2017, each testing one edge of the definitions."""
    cape_then_cesa = in_cape(EntrepreneurFactory(), "2016-03-01", "2017-02-28")
    in_cesa(cape_then_cesa, "2017-01-15")  # present all year, CESA at the end
    exited(in_cesa(EntrepreneurFactory(), "2015-05-01"), "2017-03-31")  # leaves in March
    in_cape(EntrepreneurFactory(), "2017-02-10", "2018-02-09")  # enters in February, CAPE at the end
    exited(in_cesa(EntrepreneurFactory(), "2017-06-01"), "2017-12-31")  # leaving on 31/12: gone at year end
    prospect = EntrepreneurFactory()
    services.journey_info_session_record(entrepreneur=prospect, date=d("2017-04-01"))
    exited(prospect, "2017-05-01")  # never entered: neither an entry nor an exit
    in_cesa(EntrepreneurFactory(), "2016-12-31")  # entered on the last day of 2016: counted at the start
    in_cesa(EntrepreneurFactory(), "2018-01-01")  # after the year
    exited(in_cesa(EntrepreneurFactory(), "2010-01-01"), "2016-12-31")  # gone before the start
    in_cape(EntrepreneurFactory(), "2017-12-31", "2018-06-30")  # enters on the last day of the year


def test_headcount_follows_the_definitions(cooperative_2017):
    figures = stats.headcount(2017)
    assert {key: value for key, value in figures.items() if key != "monthly"} == {
        "start_of_year": 3,
        "end_of_year": 4,
        "entries": 3,
        "exits": 2,
        "accompanied": 6,
        "cesa_end_of_year": 2,
        "cape_end_of_year": 2,
    }


def test_monthly_table_counts_movements_and_month_end_headcount(cooperative_2017):
    monthly = {
        row["month"]: (row["entries"], row["exits"], row["headcount"])
        for row in stats.headcount(2017)["monthly"]
    }
    assert list(monthly) == [f"2017-{month:02d}" for month in range(1, 13)]
    assert monthly["2017-01"] == (0, 0, 3)
    assert monthly["2017-02"] == (1, 0, 4)
    assert monthly["2017-03"] == (0, 1, 3)
    assert monthly["2017-05"] == (0, 0, 3)
    assert monthly["2017-06"] == (1, 0, 4)
    assert monthly["2017-12"] == (1, 1, 4)


def test_end_of_year_is_start_plus_entries_minus_exits_every_year(cooperative_2017):
    for year in (2015, 2016, 2017, 2018):
        figures = stats.headcount(year)
        assert figures["end_of_year"] == figures["start_of_year"] + figures["entries"] - figures["exits"]
        assert figures["monthly"][-1]["headcount"] == figures["end_of_year"]


def test_cesa_signed_after_the_year_counts_as_cape_at_its_end():
    person = in_cape(EntrepreneurFactory(), "2017-06-01", "2018-05-31")
    in_cesa(person, "2018-01-15")
    figures = stats.headcount(2017)
    assert (figures["cesa_end_of_year"], figures["cape_end_of_year"]) == (0, 1)


def test_info_sessions_sum_the_sessions_of_the_year():
    InfoSessionFactory(date=d("2017-01-10"), registered=3, attended=2)
    InfoSessionFactory(date=d("2017-12-31"), registered=4, attended=4)
    InfoSessionFactory(date=d("2018-01-01"), registered=9, attended=9)
    assert stats.info_sessions(2017) == {"sessions": 2, "registered": 7, "attended": 6}
    assert stats.info_sessions(2016) == {"sessions": 0, "registered": 0, "attended": 0}


@pytest.mark.parametrize("count", [1, 40])
def test_figures_take_one_query_each_whatever_the_size(count, django_assert_num_queries):
    for n in range(count):
        if n % 2:
            exited(in_cesa(EntrepreneurFactory(), "2016-01-01"), "2017-06-30")
        else:
            in_cesa(EntrepreneurFactory(), "2017-03-01")
        InfoSessionFactory(date=d("2017-05-02"))
    with django_assert_num_queries(1):
        stats.headcount(2017)
    with django_assert_num_queries(1):
        stats.info_sessions(2017)
