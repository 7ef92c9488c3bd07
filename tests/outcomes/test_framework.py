"""The outcomes framework and the Board report's outcomes sections, worked out by hand."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outcomes import selectors
from outcomes.models import ActivityCost, ActivityStatus, CaseStudyStatus, RequestOutcome, SuggestionStatus
from outcomes.report.figures import board_report_figures
from outcomes.report.quarters import Quarter
from tests.factories import (
    ActivityFactory,
    CaseStudyFactory,
    EvaluationResponseFactory,
    FeedbackUpdateFactory,
    InvolvementRequestFactory,
    PersonFactory,
    SuggestionFactory,
    rung,
)

pytestmark = pytest.mark.django_db
Q1 = Quarter(2026, 1)  # April to June 2026
IN_Q1 = datetime.date(2026, 5, 12)


def _level(framework, key):
    return next(level for level in framework["levels"] if level["key"] == key)


@pytest.fixture
def quarter_data():
    """By hand, Q1 2026:
    - Involve (rung 4): two held activities reaching 30 + 10 people, 6 + 2 from priority
      groups; one planned activity and one cancelled (not counted); one held in Q4 before.
    - Inform (rung 1): one held activity reaching 100, none from priority groups.
    - Suggestions at Involve: 5 received, 3 of them investigated or beyond (60%).
    - Evaluations at Involve: heard 5, 4, 2 (two of three agree: 66.7%, average 3.67).
    """
    involve, inform = rung(4), rung(1)
    a = ActivityFactory(rung=involve, held_on=IN_Q1, people_reached=30, priority_reached=6)
    b = ActivityFactory(
        rung=involve, held_on=IN_Q1, people_reached=10, priority_reached=2, online=True, place=""
    )
    ActivityFactory(rung=involve, held_on=IN_Q1, status=ActivityStatus.PLANNED, people_reached=0)
    ActivityFactory(rung=involve, held_on=IN_Q1, status=ActivityStatus.CANCELLED, people_reached=0)
    ActivityFactory(rung=involve, held_on=datetime.date(2026, 3, 31), people_reached=999)
    c = ActivityFactory(rung=inform, held_on=IN_Q1, people_reached=100)
    ActivityCost.objects.create(activity=a, line="room_hire", amount=Decimal("45.50"))
    ActivityCost.objects.create(activity=b, line="room_hire", amount=Decimal("4.50"))
    ActivityCost.objects.create(activity=c, line="interpreting", amount=Decimal("120.00"))
    a.attendees.add(PersonFactory(), PersonFactory())
    for status in (S.NEW, S.NEW, S.INVESTIGATED, S.ACTIONED, S.NOT_ACTIONED):
        SuggestionFactory(activity=a, status=status, reason="Not funded" if status == S.NOT_ACTIONED else "")
    for heard in (5, 4, 2):
        EvaluationResponseFactory(activity=a, heard=heard, submitted_on=IN_Q1)
    return {"a": a, "b": b, "c": c}


S = SuggestionStatus


def test_outputs_per_level_of_the_spectrum_count_only_held_activities_in_the_quarter(quarter_data):
    framework = selectors.outcomes_framework(Q1.start, Q1.end)
    involve = _level(framework, "involve")
    assert involve["outputs"]["activities"] == 2
    assert involve["outputs"]["people_reached"] == 40
    assert involve["outputs"]["priority_reached"] == 8
    assert involve["outputs"]["people_bank_attendances"] == 2
    assert involve["outputs"]["people_giving_feedback"] == 3
    assert involve["outputs"]["suggestions_received"] == 5
    assert involve["outputs"]["suggestions_responded"] == 3
    assert involve["outputs"]["suggestions_responded_percent"] == Decimal("60.0")
    inform = _level(framework, "inform")
    assert inform["outputs"]["activities"] == 1 and inform["outputs"]["people_reached"] == 100
    assert _level(framework, "coproduce")["outputs"]["activities"] == 0
    assert framework["totals"]["people_reached"] == 140
    assert framework["totals"]["target_met"] is True
    assert framework["costs"] == [
        {"line": "Room hire", "amount": Decimal("50.00")},
        {"line": "Interpreting and translation", "amount": Decimal("120.00")},
    ]
    assert framework["total_cost"] == Decimal("170.00")
    # Shown as pounds and pence, on every database (SQLite's SUM is not exact).
    assert [str(c["amount"]) for c in framework["costs"]] + [str(framework["total_cost"])] == [
        "50.00",
        "120.00",
        "170.00",
    ]


def test_outcomes_per_level_are_the_share_agreeing_and_the_average(quarter_data):
    involve = _level(selectors.outcomes_framework(Q1.start, Q1.end), "involve")
    heard = next(o for o in involve["outcomes"] if o["key"] == "heard")
    assert heard["agree_percent"] == Decimal("66.7")
    assert heard["average"] == Decimal("3.67")


def test_a_suggestion_on_a_request_counts_at_the_rung_the_request_achieved():
    request = InvolvementRequestFactory(
        complete=True, status="closed", achieved_rung=rung(6), planned_rung=rung(3)
    )
    SuggestionFactory(activity=None, request=request, received_on=IN_Q1, status=S.ACTIONED)
    framework = selectors.outcomes_framework(Q1.start, Q1.end)
    assert _level(framework, "coproduce")["outputs"]["suggestions_received"] == 1


def test_the_framework_runs_the_same_number_of_queries_for_one_activity_or_many():
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            selectors.outcomes_framework(Q1.start, Q1.end)
        return len(queries)

    ActivityFactory(held_on=IN_Q1)
    few = count_queries()
    for n in range(12):
        activity = ActivityFactory(held_on=IN_Q1, rung=rung(n % 6 + 1))
        SuggestionFactory(activity=activity)
        EvaluationResponseFactory(activity=activity, submitted_on=IN_Q1)
    assert count_queries() == few <= 10


def test_board_report_sections_for_outcomes_match_the_sums_by_hand(quarter_data):
    request = InvolvementRequestFactory(complete=True, status="evaluation")
    CaseStudyFactory(request=request, title="Draft story", status=CaseStudyStatus.DRAFT)
    published = CaseStudyFactory(
        request=request, title="Discharge before midday", status=CaseStudyStatus.PUBLISHED
    )
    published.published_at = timezone.make_aware(datetime.datetime(2026, 6, 1, 12))
    published.save()
    FeedbackUpdateFactory(activity=quarter_data["a"])

    figures = board_report_figures(Q1)
    assert json.loads(json.dumps(figures)) == figures
    sections = {s["key"]: s for s in figures["sections"]}
    activities = {f["key"]: f["value"] for f in sections["activities"]["figures"]}
    assert activities == {
        "activities_held": 3,
        "people_reached": 140,
        "priority_reached": 8,
        "activity_costs": "170.00",
    }
    suggestions = {f["key"]: f for f in sections["you_said_we_did"]["figures"]}
    assert suggestions["suggestions_received"]["value"] == 5
    assert suggestions["suggestions_actioned_share"]["value"] == "60.0"
    assert suggestions["suggestions_actioned_share"]["target_met"] is True
    evaluations = {f["key"]: f["value"] for f in sections["evaluations"]["figures"]}
    assert evaluations["evaluation_responses"] == 3
    assert evaluations["evaluation_heard_agree"] == "66.7"
    assert evaluations["evaluation_informed_agree"] == "100.0"
    assert sections["case_studies"]["highlights"] == [
        {
            "title": "Discharge before midday",
            "summary": f"Medicines are ordered the day before. Rung reached: {rung(5).name}.",
        }
    ]
    # Two held activities (b and c) have had no "you said, we did" update yet.
    assert any("2 activities held this quarter" in line for line in sections["exceptions"]["items"])


def test_board_report_names_no_person(quarter_data):
    person = PersonFactory(first_name="Zebedee", last_name="Quartermain")
    quarter_data["a"].attendees.add(person)
    SuggestionFactory(activity=quarter_data["a"], said_by=person)
    EvaluationResponseFactory(activity=quarter_data["a"], person=person, submitted_on=IN_Q1)
    text = json.dumps(board_report_figures(Q1))
    assert "Quartermain" not in text and person.email not in text


def test_below_target_shows_as_an_exception():
    activity = ActivityFactory(held_on=IN_Q1)
    FeedbackUpdateFactory(activity=activity)
    SuggestionFactory(activity=activity, status=S.NEW)
    SuggestionFactory(activity=activity, status=S.INVESTIGATED)
    parts = selectors.board_report_parts(Q1.start, Q1.end)
    assert parts["you_said_we_did"] == {"suggestions": {"received": 2, "actioned": 1}}
    assert parts["exceptions"]["items"] == [
        "Suggestions investigated or actioned: 50.0%, below the 60% target."
    ]


def test_outcomes_recorded_at_the_top_rung_count_as_services_co_produced():
    request = InvolvementRequestFactory(complete=True, status="evaluation")
    RequestOutcome.objects.create(request=request, rung_achieved=rung(6), what_changed="A new service.")
    today = timezone.localdate()
    framework = selectors.outcomes_framework(today, today)
    assert _level(framework, "coproduce")["outputs"]["services_with_outcomes"] == 1
