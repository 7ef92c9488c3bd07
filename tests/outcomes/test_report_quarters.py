"""Quarters of the NHS financial year: pure values, no database."""

from datetime import date

import pytest

from outcomes.report.quarters import (
    Quarter,
    QuarterError,
    easter_sunday,
    first_working_day_after,
    parse_ended,
)


def test_q1_runs_from_april_to_june():
    quarter = Quarter.parse("2026-Q1")
    assert (quarter.start, quarter.end) == (date(2026, 4, 1), date(2026, 6, 30))
    assert quarter.label == "2026-27 Q1"
    assert quarter.months == "April to June 2026"


def test_q4_falls_in_the_next_calendar_year():
    quarter = Quarter.parse("2026-Q4")
    assert (quarter.start, quarter.end) == (date(2027, 1, 1), date(2027, 3, 31))
    assert quarter.label == "2026-27 Q4"


@pytest.mark.parametrize(
    "day,slug",
    [
        (date(2026, 4, 1), "2026-Q1"),
        (date(2026, 9, 30), "2026-Q2"),
        (date(2026, 12, 31), "2026-Q3"),
        (date(2027, 3, 31), "2026-Q4"),
        (date(2027, 1, 1), "2026-Q4"),
    ],
)
def test_every_day_belongs_to_the_quarter_it_is_in(day, slug):
    assert Quarter.containing(day).slug == slug


def test_the_quarter_before_q1_is_q4_of_the_year_before():
    assert Quarter.parse("2026-Q1").previous() == Quarter(2025, 4)
    assert Quarter(2025, 4).next() == Quarter(2026, 1)


def test_a_quarter_reads_back_from_its_url_form():
    for quarter in (Quarter(2024, 1), Quarter(2030, 4)):
        assert Quarter.parse(quarter.slug) == quarter


@pytest.mark.parametrize(
    "text", ["", "2026", "2026-Q5", "2026-Q0", "Q1-2026", "26-Q1", "2026-27 Q1", "banana"]
)
def test_a_malformed_quarter_is_refused_with_an_example(text):
    with pytest.raises(QuarterError, match="like 2026-Q1"):
        Quarter.parse(text)


def test_a_quarter_that_has_not_ended_is_refused_and_says_when_it_can_be_made():
    with pytest.raises(
        QuarterError, match="2026-27 Q3 has not ended yet: a report can be made from 1 January 2027"
    ):
        parse_ended("2026-Q3", today=date(2026, 12, 31))
    assert parse_ended("2026-Q3", today=date(2027, 1, 1)) == Quarter(2026, 3)


def test_easter_is_worked_out_for_known_years():
    assert easter_sunday(2024) == date(2024, 3, 31)
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2029) == date(2029, 4, 1)


def test_the_scheduled_report_waits_for_the_first_working_day_after_a_quarter():
    # 1 July 2028 is a Saturday.
    assert first_working_day_after(Quarter(2028, 1)) == date(2028, 7, 3)
    # 1 January is a bank holiday: 2 January 2027 is a Saturday, so Monday 4th.
    assert first_working_day_after(Quarter(2026, 3)) == date(2027, 1, 4)
    # Easter Monday fell on 1 April 2024.
    assert first_working_day_after(Quarter(2023, 4)) == date(2024, 4, 2)
    # New Year's Day 2028 is a Saturday: the substitute holiday is Monday 3rd.
    assert first_working_day_after(Quarter(2027, 3)) == date(2028, 1, 4)
