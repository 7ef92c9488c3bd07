"""The score, the completeness check and the move table: plain functions, no database."""

import datetime

import pytest

from involvement_requests import rules
from involvement_requests.models import Recommendation, Status, Timing
from involvement_requests.rules import ScoreInput, score_request


def given(**overrides) -> ScoreInput:
    values = {
        "relevance": 3,
        "patient_focus": 3,
        "timing": Timing.INITIATION,
        "equality": 2,
        "proposed_rung_order": 5,
        "recommended_rung_order": 5,
        "recommended_rung_name": "Collaborating / Partnering",
        "recommended_allows_partners": True,
        "partners_wanted": 0,
    }
    return ScoreInput(**{**values, **overrides})


@pytest.mark.parametrize(
    ("overrides", "total", "recommendation"),
    [
        ({}, 12, Recommendation.ACCEPT),
        ({"relevance": 0}, 9, Recommendation.ACCEPT),
        ({"relevance": 0, "equality": 0}, 7, Recommendation.ACCEPT_WITH_GUIDANCE),
        # Exactly on the accept line.
        (
            {"relevance": 1, "patient_focus": 2, "timing": Timing.DURING, "equality": 2},
            8,
            Recommendation.ACCEPT,
        ),
        # Late involvement is never a plain accept, however high the score.
        ({"timing": Timing.LATE}, 10, Recommendation.ACCEPT_WITH_GUIDANCE),
        # No patient focus: declined whatever the rest.
        ({"patient_focus": 0}, 9, Recommendation.DECLINE),
        # Exactly on the guidance line, and one below it.
        (
            {
                "relevance": 1,
                "patient_focus": 2,
                "timing": Timing.DURING,
                "equality": 0,
                "proposed_rung_order": 4,
            },
            5,
            Recommendation.ACCEPT_WITH_GUIDANCE,
        ),
        (
            {
                "relevance": 1,
                "patient_focus": 2,
                "timing": Timing.DURING,
                "equality": 0,
                "proposed_rung_order": 3,
            },
            4,
            Recommendation.DECLINE,
        ),
        (
            {"proposed_rung_order": None, "relevance": 1, "equality": 0},
            6,
            Recommendation.ACCEPT_WITH_GUIDANCE,
        ),
    ],
)
def test_score_and_recommendation_follow_the_table(overrides, total, recommendation):
    score = score_request(given(**overrides))
    assert score.total == total
    assert score.max_total == 12
    assert score.recommendation == recommendation


@pytest.mark.parametrize(
    ("proposed", "recommended", "points"),
    [(6, 5, 2), (5, 5, 2), (4, 5, 1), (3, 5, 0), (1, 6, 0), (None, 3, 0)],
)
def test_aiming_below_the_recommended_rung_costs_points(proposed, recommended, points):
    assert rules.rung_points(proposed, recommended) == points


def test_every_criterion_gives_a_reason_in_words():
    score = score_request(given(relevance=0, timing=Timing.LATE, equality=0, proposed_rung_order=3))
    text = " ".join(score.reasons)
    assert "does not serve a Quality Strategy priority" in text
    assert "heart of the project" in text
    assert "late" in text
    assert "not been addressed" in text
    assert "below the recommended rung (Collaborating / Partnering)" in text


def test_partners_asked_for_below_the_top_rungs_are_explained():
    score = score_request(
        given(
            recommended_rung_order=2,
            recommended_rung_name="Consulting",
            recommended_allows_partners=False,
            partners_wanted=2,
        )
    )
    assert any("Patient Partners are not allocated on Consulting" in reason for reason in score.reasons)


@pytest.mark.parametrize(
    "overrides", [{"relevance": 4}, {"patient_focus": -1}, {"equality": 3}, {"timing": "whenever"}]
)
def test_scores_out_of_range_are_refused(overrides):
    with pytest.raises(ValueError):
        score_request(given(**overrides))


COMPLETE = {
    "title": "Discharge",
    "summary": "s",
    "cmg": 1,
    "stage": "initiation",
    "start_date": datetime.date(2026, 1, 1),
    "intelligence": "i",
    "groups_affected": "g",
    "how_involve": "h",
    "scope_to_influence": "s",
    "equality_answer": "no",
    "purpose": "p",
    "proposed_rung": 4,
    "priority": 2,
    "improvers_wanted": 3,
}


def test_a_complete_request_misses_nothing():
    assert rules.missing_answers(COMPLETE) == {}


def test_an_empty_request_names_every_missing_answer():
    missing = rules.missing_answers({})
    assert set(missing) == set(rules.REQUIRED_TO_SUBMIT) | {"priority", "improvers_wanted"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "   "}, "title"),
        ({"priority": None}, "priority"),
        ({"equality_answer": "yes"}, "equality_affected"),
        ({"equality_answer": "yes", "equality_affected": ["age"]}, "equality_engagement"),
        ({"improvers_wanted": 0}, "improvers_wanted"),
        ({"open_to_public": True}, "public_summary"),
    ],
)
def test_each_missing_answer_is_named(change, field):
    assert field in rules.missing_answers({**COMPLETE, **change})


def test_no_priority_is_an_answer():
    assert "priority" not in rules.missing_answers({**COMPLETE, "priority": None, "no_priority": True})


def test_withdrawal_is_open_from_every_open_state_and_closed_ones_are_final():
    for state in rules.OPEN_STATES:
        assert rules.can_move(state, Status.WITHDRAWN)
    for state in (Status.DECLINED, Status.CLOSED, Status.WITHDRAWN):
        assert rules.ALLOWED[state] == frozenset()


def test_the_happy_path_is_allowed_step_by_step():
    path = [
        Status.DRAFT,
        Status.SUBMITTED,
        Status.IN_ASSESSMENT,
        Status.MORE_INFO,
        Status.SUBMITTED,
        Status.IN_ASSESSMENT,
        Status.ACCEPTED,
        Status.PEOPLE_ALLOCATED,
        Status.ACTIVE,
        Status.EVALUATION,
        Status.CLOSED,
    ]
    for old, new in zip(path, path[1:], strict=False):
        assert rules.can_move(old, new), (old, new)
    assert not rules.can_move(Status.SUBMITTED, Status.ACCEPTED)
    assert not rules.can_move(Status.DRAFT, Status.CLOSED)
