"""The ranking as a plain function: values in, suggestions and reasons out, no database."""

import datetime

from involvement_requests.matching import Candidate, Wanted, diversity_gain, rank, score

TODAY = datetime.date(2026, 12, 1)
CARDIOLOGY, DIABETES, MATERNITY = 1, 2, 3
DISCHARGE, CATERING = 10, 11


def wanted(**overrides) -> Wanted:
    values = {
        "on": TODAY,
        "services": frozenset({CARDIOLOGY, DIABETES}),
        "interests": frozenset({DISCHARGE}),
        "partners_allowed": True,
    }
    return Wanted(**{**values, **overrides})


def improver(pk: int = 1, **overrides) -> Candidate:
    return Candidate(person_id=pk, is_improver=True, **overrides)


def partner(pk: int = 1, *, ends=datetime.date(2028, 5, 3), **overrides) -> Candidate:
    return Candidate(
        person_id=pk, partner_started_on=datetime.date(2025, 5, 3), partner_tenure_ends_on=ends, **overrides
    )


def test_service_experience_and_interests_are_given_as_reasons():
    suggestion = score(
        wanted(),
        improver(
            services={CARDIOLOGY: "Cardiology", MATERNITY: "Maternity"}, interests={DISCHARGE: "Discharge"}
        ),
    )
    assert "Experience of Cardiology" in suggestion.reasons
    assert "Cares about discharge" in suggestion.reasons
    assert "Has agreed to be invited" in suggestion.reasons
    assert "Maternity" not in " ".join(suggestion.reasons)


def test_someone_with_the_experience_wanted_ranks_above_someone_without():
    ranked = rank(wanted(), [improver(1), improver(2, services={DIABETES: "Diabetes"})])
    assert [s.person_id for s in ranked] == [2, 1]


def test_availability_counts_for_and_against():
    online_wanted = wanted(online=True, days=frozenset({"tue"}))
    can = score(online_wanted, improver(1, online=True, days=frozenset({"tue", "wed"})))
    cannot = score(online_wanted, improver(2, face_to_face=True, days=frozenset({"mon"})))
    assert "Can take part online" in can.reasons
    assert "Free on Tuesday" in can.reasons
    assert "Cannot take part online" in cannot.cautions
    assert "Not usually free on the days wanted" in cannot.cautions
    assert can.score > cannot.score


def test_no_preference_on_how_or_when_says_nothing_about_it():
    suggestion = score(wanted(), improver(online=True))
    assert not any("take part" in r and "online" in r for r in suggestion.reasons + suggestion.cautions)


def test_people_asked_often_lately_are_ranked_down_with_the_reason_shown():
    busy = improver(1, recent_load=3)
    rested = improver(2)
    ranked = rank(wanted(), [busy, rested])
    assert [s.person_id for s in ranked] == [2, 1]
    assert "Asked to take part 3 times in the last 6 months" in ranked[1].cautions
    assert "Not asked to take part in the last 6 months" in ranked[0].reasons


def test_a_partner_at_six_paid_sessions_this_month_is_ranked_down_and_told_why():
    at_cap = partner(1, paid_sessions=6, services={CARDIOLOGY: "Cardiology"})
    below = partner(2, paid_sessions=5)
    ranked = rank(wanted(), [at_cap, below])
    assert [s.person_id for s in ranked] == [2, 1]
    assert "Already has 6 paid sessions this month: another would not be paid" in ranked[1].cautions
    assert "5 paid sessions this month, fewer than 6" in ranked[0].reasons


def test_tenure_in_force_is_a_reason_with_its_end_date():
    suggestion = score(wanted(), partner())
    assert suggestion.as_partner
    assert "Patient Partner, tenure in force until 3 May 2028" in suggestion.reasons


def test_widening_diversity_scores_without_naming_any_characteristic():
    plain = score(wanted(), improver(1))
    wider = score(wanted(), improver(2, diversity_gain=2))
    assert wider.score == plain.score + 2
    assert "Would widen the diversity of the group" in wider.reasons
    assert "Would widen the diversity of the group" not in plain.reasons


def test_diversity_gain_counts_answers_the_group_lacks():
    group = {("sex", "female"), ("age_band", "65_74")}
    assert (
        diversity_gain(group, {("sex", "female"), ("age_band", "18_24"), ("ethnicity", "asian_indian")}) == 2
    )
    assert diversity_gain(group, {("sex", "female")}) == 0
    assert diversity_gain(set(), {("sex", "male")}) == 0


def test_withdrawn_consent_paused_and_left_never_appear():
    assert score(wanted(), improver(can_be_invited=False)) is None
    assert score(wanted(), improver(status="paused")) is None
    assert score(wanted(), improver(status="left")) is None


def test_partners_only_where_the_rung_allows_them():
    assert score(wanted(partners_allowed=False), partner()) is None
    both = score(wanted(partners_allowed=False), partner(is_improver=True))
    assert both is not None and both.as_improver and not both.as_partner


def test_a_partner_whose_tenure_has_ended_does_not_appear():
    assert score(wanted(), partner(ends=TODAY)) is None
    assert score(wanted(), partner(ends=TODAY - datetime.timedelta(days=1))) is None
    assert score(wanted(), partner(ends=TODAY + datetime.timedelta(days=1))) is not None


def test_someone_neither_improver_nor_partner_does_not_appear():
    assert score(wanted(), Candidate(person_id=1)) is None


def test_ties_keep_a_stable_order_and_the_limit_is_kept():
    ranked = rank(wanted(), [improver(3), improver(1), improver(2)], limit=2)
    assert [s.person_id for s in ranked] == [1, 2]
