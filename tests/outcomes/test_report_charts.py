"""Charts in the Board report: drawn as bars inside the table they illustrate, row by row."""

import re

from outcomes.report.charts import table_bars
from outcomes.report.pdf import document_context

CHART = {
    "title": "Involvement by rung",
    "series": ["Planned", "Achieved"],
    "unit": "",
    "bars": [{"label": "Informing", "values": [4, 2]}, {"label": "Co-producing", "values": [8, "*"]}],
}
TABLE = {
    "title": "Involvement by rung",
    "columns": ["Rung", "Planned", "Achieved"],
    "rows": [
        ["Co-producing", 8, "*"],
        ["Informing", 4, 2],
    ],
}


def widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect x="0" y="[\d.]+" width="([\d.]+)"', svg)]


def test_each_row_gets_its_own_bars_scaled_to_the_largest_value_in_the_table():
    bars = table_bars(CHART, ["Co-producing", "Informing"])
    assert [name for _swatch, name in bars["key"]] == ["Planned", "Achieved"]
    co_producing, informing = bars["rows"]
    assert widths(co_producing) == [100.0, 0.0]  # a suppressed count draws nothing
    assert widths(informing) == [50.0, 25.0]
    assert "<text" not in co_producing + informing  # the numbers are in the row itself


def test_a_chart_whose_bars_do_not_match_the_table_is_drawn_on_its_own():
    assert table_bars(CHART, ["Co-producing", "Consulting"]) is None
    figures = {
        "trust_name": "Trust",
        "quarter": {"label": "2026-27 Q1"},
        "gathered_at": "2026-07-01T09:00:00+00:00",
        "sections": [
            {"key": "ladder", "charts": [CHART], "tables": [TABLE]},
            {"key": "other", "charts": [CHART], "tables": [{**TABLE, "rows": [["Consulting", 1, 1]]}]},
        ],
    }
    matched, unmatched = (
        s["blocks"][0] for s in document_context(figures, version=1, status="draft")["sections"]
    )
    assert matched["chart"] is None and len(matched["rows"]) == 2 and matched["rows"][0][1].startswith("<svg")
    assert unmatched["bars"] is None and unmatched["chart"]["src"].startswith("data:image/svg+xml")
    assert unmatched["rows"] == [(["Consulting", 1, 1], None)]


def test_numbers_in_report_tables_are_grouped_in_thousands_and_the_rest_left_alone():
    from outcomes.templatetags.report_tags import table_cell

    shown = [table_cell(v) for v in (18975, "215196.90", "-1234.5", "12.4", "*", "–", 7)]
    assert shown == ["18,975", "215,196.90", "-1,234.5", "12.4", "*", "–", "7"]
