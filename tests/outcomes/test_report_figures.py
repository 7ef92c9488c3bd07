"""board_report_figures: one plain structure with every section, worked out by hand."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes.report.figures import NOTHING, SECTIONS, board_report_figures
from outcomes.report.quarters import Quarter
from tests.factories import ClinicalManagementGroupFactory, ServiceFactory

pytestmark = pytest.mark.django_db
Q1 = Quarter(2026, 1)


def section(figures, key):
    return next(s for s in figures["sections"] if s["key"] == key)


def figure(figures, section_key, figure_key):
    return next(f for f in section(figures, section_key)["figures"] if f["key"] == figure_key)


def test_with_no_source_every_section_is_still_present_and_says_nothing_this_quarter(monkeypatch):
    from outcomes.report import figures as figures_module

    monkeypatch.setattr(figures_module, "SOURCES", [])
    figures = board_report_figures(Q1)
    assert [s["key"] for s in figures["sections"]] == [s.key for s in SECTIONS]
    assert len(figures["sections"]) == 13
    assert all(s["empty"] and s["message"] == NOTHING for s in figures["sections"])
    assert figures["quarter"] == {
        "slug": "2026-Q1",
        "label": "2026-27 Q1",
        "months": "April to June 2026",
        "start": "2026-04-01",
        "end": "2026-06-30",
    }
    assert figures["previous_quarter"]["label"] == "2025-26 Q4"


def test_figures_survive_a_round_trip_through_json(sample_source, services_by_cmg):
    figures = board_report_figures(Q1)
    assert json.loads(json.dumps(figures)) == figures


def test_headline_figures_show_the_change_from_last_quarter(sample_source, services_by_cmg):
    headline = {f["key"]: f for f in section(board_report_figures(Q1), "headline")["figures"]}
    assert set(headline) == {
        "requests_received",
        "ladder_top_three_achieved",
        "suggestions_actioned_share",
        "paid_to_partners",
    }
    # 13 of 20 suggestions actioned this quarter, 5 of 10 last quarter.
    actioned = headline["suggestions_actioned_share"]
    assert (actioned["value"], actioned["previous"], actioned["change"]) == ("65.0", "50.0", "15.0")
    assert actioned["target"] == "60" and actioned["target_met"] is True
    # £620 paid this quarter against £500: money stays a decimal string.
    paid = headline["paid_to_partners"]
    assert (paid["value"], paid["previous"], paid["change"], paid["unit"]) == (
        "620.00",
        "500.00",
        "120.00",
        "money",
    )
    received = headline["requests_received"]
    assert (received["value"], received["previous"], received["change"]) == (3, 3, 0)


def test_requests_are_counted_by_cmg(sample_source, services_by_cmg):
    table = section(board_report_figures(Q1), "requests")["tables"][0]
    assert table["rows"] == [["Cardiology", 2], ["Renal", 1]]


def test_share_on_the_top_three_rungs_is_worked_out_from_the_ladder(sample_source, services_by_cmg):
    figures = board_report_figures(Q1)
    # Achieved: 2+3+5+4+1 = 15, of which Involving 5 + Collaborating 4 + Co-producing 1 = 10.
    assert figure(figures, "ladder", "ladder_top_three_achieved")["value"] == "66.7"
    # Planned: 4+3+5+6+2 = 20, of which 5+6+2 = 13.
    assert figure(figures, "ladder", "ladder_top_three_planned")["value"] == "65.0"
    ladder = section(figures, "ladder")
    assert ladder["tables"][0]["rows"][0] == ["Co-producing", 2, 1]
    assert ladder["charts"][0]["series"] == ["Planned", "Achieved"]


def test_representation_applies_the_disclosure_rule(sample_source, services_by_cmg):
    table = section(board_report_figures(Q1), "representation")["tables"][0]
    # 99 people round to 100; 62 -> 60, 23 -> 25, 5 -> *, 0 stays 0, 9 -> 10.
    assert table["title"] == "Ethnicity (total 100)"
    assert table["rows"] == [
        ["White British", 60, "60.0", "71.5"],
        ["Asian or Asian British", 25, "25.0", "14.2"],
        ["Black or Black British", "*", "*", "6.1"],
        ["Mixed", 0, "0.0", "3.0"],
        ["Prefer not to say", 10, "10.0", "–"],
    ]
    assert table["disclosure"] is True


def test_a_section_with_figures_is_not_marked_empty(sample_source, services_by_cmg):
    figures = board_report_figures(Q1)
    assert not section(figures, "exceptions")["empty"]
    assert section(figures, "exceptions")["items"] == [
        "2 requests declined: no patient-facing change proposed"
    ]
    assert section(figures, "case_studies")["message"] == NOTHING


def test_gathering_the_figures_takes_the_same_queries_for_few_or_many_rows(sample_source, services_by_cmg):
    with CaptureQueriesContext(connection) as few:
        board_report_figures(Q1)
    for n in range(20):
        ServiceFactory(cmg=ClinicalManagementGroupFactory(name=f"Extra CMG {n}"))
    with CaptureQueriesContext(connection) as many:
        figures = board_report_figures(Q1)
    assert len(section(figures, "requests")["tables"][0]["rows"]) == 22
    # One query per source per quarter (this one and the one before).
    assert len(few) == len(many) == 2
