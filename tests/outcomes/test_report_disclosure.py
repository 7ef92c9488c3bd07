"""The disclosure rule for equality figures: pure, no database."""

import pytest

from outcomes.report.disclosure import disclosed_table, suppress


@pytest.mark.parametrize(
    "count,shown",
    [(0, 0), (1, "*"), (7, "*"), (8, 10), (12, 10), (13, 15), (62, 60), (23, 25), (100, 100)],
)
def test_small_counts_are_hidden_and_larger_ones_rounded_to_five(count, shown):
    assert suppress(count) == shown


def test_a_negative_count_is_an_error_not_a_figure():
    with pytest.raises(ValueError):
        suppress(-1)


def test_shares_are_worked_out_from_the_rounded_counts():
    table = disclosed_table(
        [
            {"label": "A", "count": 62, "reference_percent": "71.5"},
            {"label": "B", "count": 23, "reference_percent": "14.2"},
            {"label": "C", "count": 5, "reference_percent": "6.1"},
            {"label": "D", "count": 0, "reference_percent": None},
        ]
    )
    assert table["total"] == 90  # 90 people, rounded to 90
    assert [(r["label"], r["count"], r["percent"]) for r in table["rows"]] == [
        ("A", 60, "66.7"),
        ("B", 25, "27.8"),
        ("C", "*", "*"),
        ("D", 0, "0.0"),
    ]
    assert table["rows"][3]["reference_percent"] is None


def test_a_group_too_small_to_show_hides_its_total_too():
    table = disclosed_table([{"label": "A", "count": 3}, {"label": "B", "count": 2}])
    assert table["total"] == "*"
    assert [r["percent"] for r in table["rows"]] == ["*", "*"]


def test_a_suppressed_bar_in_a_chart_draws_nothing_and_is_labelled_with_a_star():
    from outcomes.report.charts import bar_chart_svg

    svg = bar_chart_svg(
        "Ethnicity", [{"label": "Small group", "values": ["*", "6.1"]}], ["Bank %", "Ref %"], "%"
    )
    assert 'width="0.0"' in svg and ">*</text>" in svg and ">6.1%</text>" in svg
    assert "<title>Ethnicity</title>" in svg
