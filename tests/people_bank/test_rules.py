"""The pure rules: tenure dates, the 18-month rule, reminders and NHS Digital's
small-number rule. No database."""

import datetime

import pytest

from people_bank import rules
from ppe.exports import formula_safe

D = datetime.date


def test_review_falls_due_three_years_after_the_start():
    assert rules.review_due(D(2023, 4, 1)) == D(2026, 4, 1)


def test_tenure_ends_at_three_years_unless_the_review_was_satisfactory():
    start = D(2020, 1, 15)
    assert rules.tenure_end(start, None) == D(2023, 1, 15)
    assert rules.tenure_end(start, "pending") == D(2023, 1, 15)
    assert rules.tenure_end(start, "unsatisfactory") == D(2023, 1, 15)
    assert rules.tenure_end(start, "satisfactory") == D(2026, 1, 15)


@pytest.mark.parametrize("outcome", [None, "pending", "satisfactory", "unsatisfactory", "anything else"])
def test_tenure_is_never_longer_than_six_years(outcome):
    start = D(2019, 6, 30)
    assert rules.tenure_end(start, outcome) <= rules.add_years(start, 6)


def test_a_partner_who_started_on_29_february_is_reviewed_on_28_february():
    assert rules.review_due(D(2024, 2, 29)) == D(2027, 2, 28)


def test_tenure_is_in_force_from_the_start_until_the_day_before_it_ends():
    start = D(2022, 5, 1)
    assert rules.tenure_in_force(start, None, D(2022, 5, 1))
    assert rules.tenure_in_force(start, None, D(2025, 4, 30))
    assert not rules.tenure_in_force(start, None, D(2025, 5, 1))
    assert not rules.tenure_in_force(start, None, D(2022, 4, 30))
    assert rules.tenure_in_force(start, "satisfactory", D(2027, 1, 1))


def test_service_use_within_18_months_counts_and_older_does_not():
    today = D(2026, 11, 23)
    assert rules.service_use_recent_enough(D(2025, 5, 23), today)
    assert not rules.service_use_recent_enough(D(2025, 5, 22), today)
    assert rules.service_use_recent_enough(today, today)


def test_adding_months_keeps_to_the_end_of_short_months():
    assert rules.add_months(D(2025, 8, 31), -18) == D(2024, 2, 29)


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [(90, None), (61, None), (60, 60), (45, 60), (30, 30), (8, 30), (7, 7), (0, 7), (-1, None)],
)
def test_the_reminder_due_is_the_nearest_threshold_reached(days_left, expected):
    today = D(2026, 1, 1)
    assert rules.reminder_threshold(today + datetime.timedelta(days=days_left), today) == expected


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, "0"),
        (1, "*"),
        (7, "*"),
        (8, "10"),
        (12, "10"),
        (13, "15"),
        (17, "15"),
        (18, "20"),
        (102, "100"),
        (103, "105"),
    ],
)
def test_small_numbers_are_suppressed_and_others_rounded_to_five(count, shown):
    assert rules.suppress(count) == shown


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        rules.suppress(-1)


def test_percentages_come_from_the_rounded_counts_not_the_raw_ones():
    # Raw 12 and 13 of 25 would be 48% and 52%; rounded they are 10 and 15 of 25.
    shares = rules.suppressed_percentages({"yes": 12, "no": 13})
    assert shares == {"yes": "40", "no": "60"}


def test_percentages_hide_small_groups_and_leave_them_out_of_the_total():
    shares = rules.suppressed_percentages({"a": 3, "b": 20, "c": 0})
    assert shares == {"a": "*", "b": "100", "c": "0"}


def test_percentages_of_nothing_are_zero():
    assert rules.suppressed_percentages({"a": 0, "b": 0}) == {"a": "0", "b": "0"}


def test_a_group_well_below_its_reference_share_is_under_represented():
    from decimal import Decimal

    assert rules.under_represented(Decimal("10"), Decimal("28.3"))
    assert not rules.under_represented(Decimal("25"), Decimal("28.3"))
    assert not rules.under_represented(Decimal("0"), Decimal("0"))


@pytest.mark.parametrize("cell", ["=SUM(A1)", "+1+cmd|' /C calc'!A0", "-2+3", "@cmd", "\tx", "-", "=1"])
def test_csv_cells_that_look_like_formulas_are_defused(cell):
    assert formula_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-20.00", "+5", "-3", "12.50", -20])
def test_plain_numbers_stay_numbers_so_reversing_entries_add_up(cell):
    assert formula_safe(cell) == str(cell)


def test_ordinary_csv_cells_are_left_alone():
    assert formula_safe("Priya Sharma") == "Priya Sharma"
    assert formula_safe(None) == ""
