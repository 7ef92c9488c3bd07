"""The adapters that turn the People Bank's and Requests' selector answers into report
sections, fed with answers shaped as those selectors return them."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from outcomes.report import adapters, figures
from outcomes.report.quarters import Quarter

PEOPLE_BANK = {
    "partners": 9,
    "improvers": 43,
    "improver_target": 40,
    "improver_target_met": True,
    "organisations": 12,
    "joiners": 6,
    "leavers": 1,
    "reviews_due": 2,
    "tenure_ends": 0,
}
REQUESTS = {
    "start": date(2026, 4, 1),
    "end": date(2026, 6, 30),
    "received": 11,
    "assessed": 9,
    "accepted": 6,
    "declined": 2,
    "by_cmg": [
        {"cmg__name": "Cardiology", "received": 7, "assessed": 6, "accepted": 4, "declined": 1},
        {"cmg__name": None, "received": 4, "assessed": 3, "accepted": 2, "declined": 1},
    ],
    "by_priority": [
        {"priority__name": "Safe discharge", "received": 11, "assessed": 9, "accepted": 6, "declined": 2}
    ],
    "average_days_to_assessment": 4.5,
    "rung_spread": [
        {"rung": "Informing", "order": 1, "planned": 3, "achieved": 1},
        {"rung": "Consulting", "order": 2, "planned": 2, "achieved": 2},
        {"rung": "Involving", "order": 3, "planned": 1, "achieved": 1},
        {"rung": "Collaborating", "order": 4, "planned": 3, "achieved": 2},
        {"rung": "Co-producing", "order": 5, "planned": 1, "achieved": 0},
    ],
    "planned_top_share": 50.0,
    "achieved_top_share": 50.0,
    "overdue_assessments": 1,
    "without_involvement": 3,
}


@dataclass
class Row:
    label: str
    count: int
    reference: Decimal | None


def answers(value):
    def selector(*args):
        return value

    return selector


@pytest.fixture
def wired(monkeypatch):
    """The three Source lines figures.SOURCES will hold after the merge, with the
    selectors' answers fixed."""
    import sys
    import types

    module = types.ModuleType("stand_in_selectors")
    module.people_bank_figures = answers(PEOPLE_BANK)
    module.requests_figures = answers(REQUESTS)
    module.representation = answers(
        {
            "ethnicity": [Row("White British", 62, Decimal("71.5")), Row("Black British", 5, Decimal("6.1"))],
            "sexual_orientation": [Row("Gay or lesbian", 0, None)],
        }
    )
    monkeypatch.setitem(sys.modules, "stand_in_selectors", module)
    monkeypatch.setattr(
        figures,
        "SOURCES",
        [
            figures.Source("stand_in_selectors.people_bank_figures", adapters.people_bank_parts),
            figures.Source("stand_in_selectors.representation", adapters.representation_parts, dated=False),
            figures.Source("stand_in_selectors.requests_figures", adapters.requests_parts),
        ],
    )


def sections(report):
    return {s["key"]: s for s in report["sections"]}


def test_people_bank_figures_fill_their_sections_with_the_improver_target(wired):
    report = sections(figures.board_report_figures(Quarter(2026, 1)))
    improvers = next(f for f in report["people_bank"]["figures"] if f["key"] == "hospital_improvers")
    assert (improvers["value"], improvers["target"], improvers["target_met"]) == (43, 40, True)
    assert [f["value"] for f in report["reviews_due"]["figures"]] == [2, 0]


def test_representation_is_disclosed_and_groups_with_nobody_are_left_out(wired):
    report = sections(figures.board_report_figures(Quarter(2026, 1)))
    [table] = report["representation"]["tables"]
    # 67 people round to 65; 62 round to 60, and 60 of 65 is 92.3%; 5 is too few to show.
    assert table["title"] == "Ethnicity (total 65)"
    assert table["rows"] == [["White British", 60, "92.3", "71.5"], ["Black British", "*", "*", "6.1"]]


def test_requests_fill_requests_assessment_time_ladder_and_exceptions(wired):
    report = sections(figures.board_report_figures(Quarter(2026, 1)))
    by_cmg, by_priority = report["requests"]["tables"]
    assert by_cmg["rows"] == [["Cardiology", 7, 6, 4, 1], ["Not given", 4, 3, 2, 1]]
    assert by_priority["rows"] == [["Safe discharge", 11, 9, 6, 2]]
    assert report["assessment_time"]["figures"][0]["value"] == "4.5"
    top = next(f for f in report["ladder"]["figures"] if f["key"] == "ladder_top_three_achieved")
    assert top["value"] == "50.0"  # 3 of the 6 achieved sit on the top three rungs
    assert report["exceptions"]["items"] == [
        "2 requests declined",
        "1 assessment overdue",
        "3 projects went ahead without involvement (declined or withdrawn)",
    ]
    headline = {f["key"] for f in report["headline"]["figures"]}
    assert {"requests_received", "patient_partners", "hospital_improvers", "days_to_assessment"} <= headline


def test_a_quarter_with_no_requests_says_nothing_this_quarter():
    nothing = dict.fromkeys(["received", "assessed", "accepted", "declined", "overdue_assessments"], 0)
    quiet = {
        **REQUESTS,
        **nothing,
        "without_involvement": 0,
        "by_cmg": [],
        "by_priority": [],
        "average_days_to_assessment": None,
        "rung_spread": [{**r, "planned": 0, "achieved": 0} for r in REQUESTS["rung_spread"]],
    }
    assert adapters.requests_parts(quiet) == {}
