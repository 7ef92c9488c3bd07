"""The rules of involvement requests as plain functions of values: no database here.

- ALLOWED: the one table of status moves.
- missing_answers: what a request still needs before it can be submitted.
- score_request: the assessment score, the recommendation and its reasons in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from involvement_requests.models import EqualityAnswer, Recommendation, Status, Timing

OPEN_STATES = frozenset(
    {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.IN_ASSESSMENT,
        Status.MORE_INFO,
        Status.ACCEPTED,
        Status.PEOPLE_ALLOCATED,
        Status.ACTIVE,
        Status.EVALUATION,
    }
)

# Every move a request may make. Withdrawal is open from every open state.
ALLOWED: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset({Status.IN_ASSESSMENT}),
    Status.IN_ASSESSMENT: frozenset({Status.MORE_INFO, Status.ACCEPTED, Status.DECLINED}),
    Status.MORE_INFO: frozenset({Status.SUBMITTED}),
    Status.ACCEPTED: frozenset({Status.PEOPLE_ALLOCATED}),
    Status.PEOPLE_ALLOCATED: frozenset({Status.ACTIVE}),
    Status.ACTIVE: frozenset({Status.EVALUATION}),
    Status.EVALUATION: frozenset({Status.CLOSED}),
    Status.DECLINED: frozenset(),
    Status.CLOSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
for _state in OPEN_STATES:
    ALLOWED[_state] = ALLOWED[_state] | {Status.WITHDRAWN}

# Moves made by the project team (the submitter, a co-lead, or the PPI team on their
# behalf); every other move is the PPI team's.
SUBMITTER_MOVES = frozenset({Status.SUBMITTED, Status.WITHDRAWN})
# Whom the email about a move goes to.
TELL_PPI_TEAM = frozenset({Status.SUBMITTED, Status.WITHDRAWN})
# The project team may change their answers only here.
EDITABLE_STATES = frozenset({Status.DRAFT, Status.MORE_INFO})
WAITING_FOR_ASSESSMENT = frozenset({Status.SUBMITTED, Status.IN_ASSESSMENT})


def can_move(old: str, new: str) -> bool:
    return new in ALLOWED.get(old, frozenset())


# --- Completeness -------------------------------------------------------------------

REQUIRED_TO_SUBMIT: dict[str, str] = {
    "title": "Enter the project title",
    "summary": "Enter a summary of the project",
    "cmg": "Select the Clinical Management Group",
    "stage": "Select the stage the project is at",
    "start_date": "Enter the project start date",
    "intelligence": "Say what intelligence you have already captured from patients",
    "groups_affected": "Say which patient and carer groups the project will affect",
    "how_involve": "Say how you will involve patients, their families and carers",
    "scope_to_influence": "Say what scope patient input will have to influence the outcome",
    "equality_answer": "Say whether any group will be disproportionately affected",
    "purpose": "Say what difference you expect involvement to make",
    "proposed_rung": "Select the rung of the ladder you propose",
}


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, set, frozenset)):
        return not value
    return False


def missing_answers(values: Mapping) -> dict[str, str]:
    """Every answer a request lacks before it can be submitted, as {field: message}."""
    missing = {name: message for name, message in REQUIRED_TO_SUBMIT.items() if _blank(values.get(name))}
    if _blank(values.get("priority")) and not values.get("no_priority"):
        missing["priority"] = "Select the Quality Strategy priority, or say the project serves none"
    if values.get("equality_answer") == EqualityAnswer.YES:
        if _blank(values.get("equality_affected")):
            missing["equality_affected"] = "Select the groups that will be disproportionately affected"
        if _blank(values.get("equality_engagement")):
            missing["equality_engagement"] = "Say how you will engage the groups affected"
    wanted = sum(
        int(values.get(name) or 0)
        for name in ("partners_wanted", "improvers_wanted", "community_groups_wanted")
    )
    if wanted == 0:
        missing["improvers_wanted"] = "Say how many people or groups you would like to involve"
    if values.get("open_to_public") and _blank(values.get("public_summary")):
        missing["public_summary"] = "Enter what to tell the public about this opportunity"
    return missing


def dates_out_of_order(start, end) -> bool:
    return start is not None and end is not None and end < start


# --- The score ----------------------------------------------------------------------

TIMING_POINTS = {Timing.INITIATION: 2, Timing.DURING: 1, Timing.LATE: 0}
RELEVANCE_MAX, FOCUS_MAX, TIMING_MAX, EQUALITY_MAX, RUNG_MAX = 3, 3, 2, 2, 2
MAX_TOTAL = RELEVANCE_MAX + FOCUS_MAX + TIMING_MAX + EQUALITY_MAX + RUNG_MAX
ACCEPT_FROM = 8
GUIDANCE_FROM = 5


@dataclass(frozen=True)
class ScoreInput:
    relevance: int  # 0-3
    patient_focus: int  # 0-3
    timing: str  # Timing
    equality: int  # 0-2
    proposed_rung_order: int | None  # None when they proposed none
    recommended_rung_order: int
    recommended_rung_name: str = ""
    recommended_allows_partners: bool = True
    partners_wanted: int = 0


@dataclass(frozen=True)
class Score:
    total: int
    max_total: int
    recommendation: str  # Recommendation
    reasons: tuple[str, ...]


def _check_range(name: str, value: int, top: int) -> None:
    if not 0 <= value <= top:
        raise ValueError(f"{name} must be between 0 and {top}, not {value}")


def rung_points(proposed: int | None, recommended: int) -> int:
    """2 when they aim at or above the rung we recommend, 1 one rung short, else 0."""
    if proposed is None:
        return 0
    gap = recommended - proposed
    if gap <= 0:
        return 2
    return 1 if gap == 1 else 0


def score_request(given: ScoreInput) -> Score:
    """The assessment's total out of MAX_TOTAL, the recommendation, and why, in words."""
    _check_range("Relevance", given.relevance, RELEVANCE_MAX)
    _check_range("Patient focus", given.patient_focus, FOCUS_MAX)
    _check_range("Equality", given.equality, EQUALITY_MAX)
    if given.timing not in TIMING_POINTS:
        raise ValueError(f"Unknown timing {given.timing!r}")

    timing = TIMING_POINTS[Timing(given.timing)]
    rung = rung_points(given.proposed_rung_order, given.recommended_rung_order)
    total = given.relevance + given.patient_focus + timing + given.equality + rung
    reasons: list[str] = []

    reasons.append(
        {
            0: "The project does not serve a Quality Strategy priority.",
            1: "The project is loosely related to the Quality Strategy.",
            2: "The project is clearly related to the Quality Strategy.",
            3: "The project is central to a Quality Strategy priority.",
        }[given.relevance]
    )
    reasons.append(
        {
            0: "The project is not focused on patients' experience.",
            1: "Patients' experience is a small part of the project.",
            2: "The project is focused on patients' experience.",
            3: "Patients' experience is at the heart of the project.",
        }[given.patient_focus]
    )
    reasons.append(
        {
            Timing.INITIATION: "Patients are involved from the start, as the strategy asks.",
            Timing.DURING: "Patients join once the project is under way; earlier would be better.",
            Timing.LATE: "Patients would be involved late, after the main decisions are made.",
        }[Timing(given.timing)]
    )
    reasons.append(
        {
            0: "The equality impact has not been addressed.",
            1: "The equality impact is partly addressed.",
            2: "The equality impact is addressed, with a plan to engage the groups affected.",
        }[given.equality]
    )
    rung_name = given.recommended_rung_name or "the recommended rung"
    if given.proposed_rung_order is None:
        reasons.append(f"No rung was proposed; we recommend {rung_name}.")
    elif rung == 2:
        reasons.append(f"The proposed rung meets or exceeds the recommended rung ({rung_name}).")
    else:
        reasons.append(f"The proposed rung is below the recommended rung ({rung_name}).")
    if given.partners_wanted and not given.recommended_allows_partners:
        reasons.append(
            f"Patient Partners are not allocated on {rung_name}: Hospital Improvers can be invited instead."
        )

    if given.patient_focus == 0:
        recommendation = Recommendation.DECLINE
        reasons.append("Declining: involvement needs a project that affects patients' experience.")
    elif total >= ACCEPT_FROM and given.timing != Timing.LATE:
        recommendation = Recommendation.ACCEPT
    elif total >= GUIDANCE_FROM:
        recommendation = Recommendation.ACCEPT_WITH_GUIDANCE
        if given.timing == Timing.LATE:
            reasons.append("With guidance: involve patients before the remaining decisions are made.")
    else:
        recommendation = Recommendation.DECLINE
        reasons.append(f"Declining: the score of {total} is below {GUIDANCE_FROM}.")
    return Score(total=total, max_total=MAX_TOTAL, recommendation=recommendation, reasons=tuple(reasons))
