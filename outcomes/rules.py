"""The rules of outcomes as plain functions of values: no database here."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from decimal import ROUND_HALF_UP, Decimal

from outcomes.models import LIKERT_MAX, LIKERT_MIN, ActivityStatus, SuggestionStatus

# "You said, we did": the one table of moves a suggestion may make.
SUGGESTION_MOVES: dict[str, frozenset[str]] = {
    SuggestionStatus.NEW: frozenset({SuggestionStatus.INVESTIGATED}),
    SuggestionStatus.INVESTIGATED: frozenset(
        {SuggestionStatus.ACTIONED, SuggestionStatus.PARTLY_ACTIONED, SuggestionStatus.NOT_ACTIONED}
    ),
    SuggestionStatus.ACTIONED: frozenset(),
    SuggestionStatus.PARTLY_ACTIONED: frozenset({SuggestionStatus.ACTIONED}),
    SuggestionStatus.NOT_ACTIONED: frozenset(),
}
# The strategy's output "60% of suggestions have been investigated or actioned". A
# suggestion not actioned has been investigated (there is a reason), so it counts.
RESPONDED = frozenset(
    {
        SuggestionStatus.INVESTIGATED,
        SuggestionStatus.ACTIONED,
        SuggestionStatus.PARTLY_ACTIONED,
        SuggestionStatus.NOT_ACTIONED,
    }
)
ACTIONED_TARGET = Decimal(60)

ACTIVITY_MOVES: dict[str, frozenset[str]] = {
    ActivityStatus.PLANNED: frozenset({ActivityStatus.HELD, ActivityStatus.CANCELLED}),
    ActivityStatus.HELD: frozenset(),
    ActivityStatus.CANCELLED: frozenset({ActivityStatus.PLANNED}),
}

LIKERT_LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}
AGREE_FROM = 4  # "agree" or "strongly agree"


def suggestion_can_move(old: str, new: str) -> bool:
    return new in SUGGESTION_MOVES.get(old, frozenset())


def why_not_held(held_on: datetime.date, today: datetime.date) -> str | None:
    if held_on > today:
        return f"An activity dated {held_on:%-d %B %Y} is in the future, so it cannot be marked as held yet."
    return None


def likert_in_range(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and LIKERT_MIN <= value <= LIKERT_MAX


def share(part: int, whole: int) -> Decimal | None:
    """part of whole as a percentage to one decimal place; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def target_met(part: int, whole: int, target: Decimal = ACTIONED_TARGET) -> bool | None:
    value = share(part, whole)
    return None if value is None else value >= target


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
