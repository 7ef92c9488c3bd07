"""The outcomes rules as plain values: no database."""

import datetime
from decimal import Decimal

import pytest

from outcomes import rules
from outcomes.models import SuggestionStatus as S


def test_a_suggestion_is_investigated_before_it_is_actioned():
    assert rules.suggestion_can_move(S.NEW, S.INVESTIGATED)
    assert not rules.suggestion_can_move(S.NEW, S.ACTIONED)
    for outcome in (S.ACTIONED, S.PARTLY_ACTIONED, S.NOT_ACTIONED):
        assert rules.suggestion_can_move(S.INVESTIGATED, outcome)
    assert not rules.suggestion_can_move(S.NOT_ACTIONED, S.ACTIONED)
    assert not rules.suggestion_can_move(S.ACTIONED, "bogus")


def test_every_status_but_new_counts_towards_the_sixty_percent_target():
    assert set(S.values) - rules.RESPONDED == {S.NEW}


def test_an_activity_in_the_future_cannot_be_held():
    today = datetime.date(2026, 5, 10)
    assert rules.why_not_held(datetime.date(2026, 5, 10), today) is None
    assert rules.why_not_held(datetime.date(2026, 5, 9), today) is None
    assert "11 May 2026 is in the future" in rules.why_not_held(datetime.date(2026, 5, 11), today)


@pytest.mark.parametrize("value", [0, 6, -1, "4", 4.0, None, True])
def test_likert_answers_out_of_range_or_not_whole_numbers_are_refused(value):
    assert not rules.likert_in_range(value)


def test_likert_answers_one_to_five_are_accepted():
    assert all(rules.likert_in_range(v) for v in range(1, 6))


def test_share_is_a_percentage_to_one_place_and_none_without_a_whole():
    assert rules.share(2, 3) == Decimal("66.7")
    assert rules.share(0, 0) is None
    assert rules.target_met(3, 5) is True  # 60.0%
    assert rules.target_met(59, 100) is False
    assert rules.target_met(0, 0) is None


def test_only_a_hash_of_the_token_is_kept_and_tokens_differ():
    one, two = rules.new_token(), rules.new_token()
    assert one != two and len(one) >= 40
    assert rules.hash_token(one) != one and len(rules.hash_token(one)) == 64
