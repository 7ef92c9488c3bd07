"""Recording engagement activities: reach, priority groups, costs, attendees, held."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import Activity, ActivityStatus
from ppe.models import AuditEvent
from tests.factories import (
    ActivityFactory,
    InvolvementRequestFactory,
    PersonFactory,
    PriorityGroupFactory,
    rung,
)

pytestmark = pytest.mark.django_db


def _form(**overrides) -> dict:
    day = timezone.localdate() - datetime.timedelta(days=2)
    data = {
        "title": "Community Conversation on discharge",
        "kind": "community_conversation",
        "held_on_0": str(day.day),
        "held_on_1": str(day.month),
        "held_on_2": str(day.year),
        "place": "Riverside Library",
        "rung": str(rung(3).pk),
        "status": "held",
        "people_reached": "40",
        "anonymous_count": "35",
        "notes": "",
        "request_refs": "",
    }
    data.update(overrides)
    return data


def test_ppi_team_records_an_activity_with_reach_priority_groups_costs_and_links(ppi_client):
    young = PriorityGroupFactory(name="Young people")
    disabled = PriorityGroupFactory(name="Disabled people")
    request = InvolvementRequestFactory(complete=True, status="active")
    response = ppi_client.post(
        reverse("outcomes:activity_create"),
        _form(
            **{
                f"priority_{young.pk}": "12",
                f"priority_{disabled.pk}": "3",
                "cost_room_hire": "45.50",
                "cost_interpreting": "120",
                "request_refs": request.reference,
            }
        ),
    )
    activity = Activity.objects.get()
    assert response.status_code == 302 and response.url == activity.get_absolute_url()
    assert activity.priority_reached == 15
    assert {c.line: c.amount for c in activity.costs.all()} == {
        "room_hire": Decimal("45.50"),
        "interpreting": Decimal("120.00"),
    }
    assert list(activity.requests.all()) == [request]
    page = ppi_client.get(activity.get_absolute_url()).content.decode()
    assert "Young people: 12" in page and "Room hire: £45.50" in page


def test_an_activity_dated_in_the_future_cannot_be_saved_as_held(ppi_client):
    future = timezone.localdate() + datetime.timedelta(days=5)
    response = ppi_client.post(
        reverse("outcomes:activity_create"),
        _form(held_on_0=str(future.day), held_on_1=str(future.month), held_on_2=str(future.year)),
    )
    assert response.status_code == 200
    assert "is in the future, so it cannot be marked as held" in response.content.decode()
    assert not Activity.objects.exists()


def test_a_planned_activity_in_the_future_cannot_be_marked_as_held(ppi_client):
    activity = ActivityFactory(
        status=ActivityStatus.PLANNED, held_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    response = ppi_client.post(reverse("outcomes:activity_held", args=[activity.pk]), follow=True)
    assert "is in the future" in response.content.decode()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PLANNED


def test_a_planned_activity_on_or_before_today_is_marked_as_held(ppi_client):
    activity = ActivityFactory(status=ActivityStatus.PLANNED, held_on=timezone.localdate())
    ppi_client.post(reverse("outcomes:activity_held", args=[activity.pk]))
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.HELD


def test_more_people_from_priority_groups_than_reached_is_refused(ppi_client):
    group = PriorityGroupFactory(name="Carers")
    response = ppi_client.post(
        reverse("outcomes:activity_create"), _form(people_reached="5", **{f"priority_{group.pk}": "9"})
    )
    assert "People reached must be at least the 9 people from priority groups" in response.content.decode()
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("request_refs", "PIR-99999", "There is no request PIR-99999"),
        ("request_refs", "rubbish", "is not a request reference"),
        ("cost_room_hire", "-5", "greater than or equal to 0.01"),
        ("cost_room_hire", "12.345", "no more than 2 decimal places"),
        ("place", "", "Enter where the activity takes place"),
    ],
)
def test_bad_activity_input_is_explained_and_nothing_is_saved(ppi_client, field, value, message):
    response = ppi_client.post(reverse("outcomes:activity_create"), _form(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Activity.objects.exists()


def test_attendees_are_added_from_the_people_bank_and_the_view_is_audited(ppi_client):
    activity = ActivityFactory()
    person = PersonFactory(first_name="Ada", last_name="Lovelock")
    found = ppi_client.get(reverse("outcomes:activity_attendees", args=[activity.pk]), {"q": "lovelock"})
    assert "Add Ada Lovelock" in found.content.decode()
    ppi_client.post(reverse("outcomes:activity_attendees", args=[activity.pk]), {"person": person.pk})
    assert list(activity.attendees.all()) == [person]
    ppi_client.post(
        reverse("outcomes:activity_attendees", args=[activity.pk]), {"person": person.pk, "remove": "1"}
    )
    assert not activity.attendees.exists()
    assert AuditEvent.objects.filter(detail="attendees", subject_id=str(activity.pk)).exists()


def test_adding_no_one_says_so(ppi_client):
    activity = ActivityFactory()
    response = ppi_client.post(
        reverse("outcomes:activity_attendees", args=[activity.pk]), {"person": "nonsense"}, follow=True
    )
    assert "Choose someone from the People Bank" in response.content.decode()


def test_qi_leads_and_board_members_cannot_open_activities(qi_client, board_client):
    activity = ActivityFactory()
    for client in (qi_client, board_client):
        assert client.get(reverse("outcomes:activity_list")).status_code == 403
        assert client.get(activity.get_absolute_url()).status_code == 403


def test_nav_shows_activities_to_the_ppi_team_and_outcomes_to_every_role(ppi_client, qi_client, board_client):
    assert 'href="/activities/"' in ppi_client.get("/").content.decode()
    for client in (qi_client, board_client):
        page = client.get("/").content.decode()
        assert 'href="/activities/"' not in page
        assert 'href="/outcomes/"' in page


def test_changing_an_activitys_rung_moves_what_was_said_there_to_the_new_level(ppi_client):
    from outcomes.models import Suggestion
    from tests.factories import EvaluationResponseFactory, SuggestionFactory

    activity = ActivityFactory(rung=rung(1), held_on=timezone.localdate() - datetime.timedelta(days=2))
    SuggestionFactory(activity=activity)
    EvaluationResponseFactory(activity=activity)
    assert Suggestion.objects.get().spectrum_level == "inform"
    response = ppi_client.post(
        reverse("outcomes:activity_edit", args=[activity.pk]),
        _form(title=activity.title, rung=str(rung(6).pk)),
    )
    assert response.status_code == 302
    assert Suggestion.objects.get().spectrum_level == "coproduce"
    assert activity.evaluations.get().spectrum_level == "coproduce"


def test_the_activities_list_pages_on_as_soon_as_an_activity_is_added_or_held(ppi_client, ppi_user):
    from outcomes import services

    ActivityFactory.create_batch(25, status=ActivityStatus.PLANNED, held_on=timezone.localdate())
    planned = reverse("outcomes:activity_list") + "?status=planned"
    assert "Page 2" not in ppi_client.get(planned).content.decode()

    last = ActivityFactory(status=ActivityStatus.PLANNED, held_on=timezone.localdate())
    assert "Page 2" in ppi_client.get(planned).content.decode()

    services.activity_mark_held(activity=last, by=ppi_user)
    assert "Page 2" not in ppi_client.get(planned).content.decode()


def test_the_activities_list_shows_each_cell_as_before(ppi_client):
    activity = ActivityFactory(
        title="Tea & talk <on discharge>",
        kind="community_conversation",
        held_on=datetime.date(2026, 3, 4),
        online=True,
        place="",
        people_reached=1234,
    )
    page = ppi_client.get(reverse("outcomes:activity_list")).content.decode()
    assert (
        '<td class="nhsuk-table__cell">4 Mar 2026</td>\n'
        f'      <td class="nhsuk-table__cell"><a href="/activities/{activity.pk}/">'
        "Tea &amp; talk &lt;on discharge&gt;</a></td>\n"
        '      <td class="nhsuk-table__cell">Community Conversation</td>\n'
        '      <td class="nhsuk-table__cell">Online</td>\n'
        '      <td class="nhsuk-table__cell">Involving</td>\n'
        '      <td class="nhsuk-table__cell">1234</td>\n'
        '      <td class="nhsuk-table__cell">Held</td>'
    ) in page


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _fill(activity: Activity, n: int) -> None:
    from outcomes.models import ActivityCost, ActivityPriorityReach
    from tests.factories import (
        EvaluationResponseFactory,
        FeedbackUpdateFactory,
        OrganisationFactory,
        SuggestionFactory,
    )

    activity.requests.add(*InvolvementRequestFactory.create_batch(n))
    activity.organisations.add(*OrganisationFactory.create_batch(n))
    activity.attendees.add(*PersonFactory.create_batch(n))
    for i in range(n):
        ActivityPriorityReach.objects.create(activity=activity, group=PriorityGroupFactory(), count=1)
        ActivityCost.objects.create(activity=activity, line=["room_hire", "travel", "other"][i], amount=5)
    SuggestionFactory.create_batch(n, activity=activity)
    EvaluationResponseFactory.create_batch(n, activity=activity, heard=n + 1)
    FeedbackUpdateFactory.create_batch(n, activity=activity)


def test_an_activitys_page_runs_the_same_queries_for_one_row_of_each_kind_or_three(ppi_client):
    few, many = ActivityFactory(), ActivityFactory()
    _fill(few, 1)
    _fill(many, 3)
    ppi_client.get(few.get_absolute_url())  # warm the per-user caches (roles, policy)
    assert _queries(ppi_client, few.get_absolute_url()) == _queries(ppi_client, many.get_absolute_url())


def test_the_activities_list_runs_the_same_queries_for_one_activity_or_thirty(ppi_client):
    url = reverse("outcomes:activity_list")
    ActivityFactory()
    ppi_client.get(url)
    few = _queries(ppi_client, url)
    ActivityFactory.create_batch(29)
    ppi_client.get(url)  # the kept count, counted again after the change
    assert _queries(ppi_client, url) == few


def test_the_activity_page_lists_the_updates_sent_with_their_letters(ppi_client, ppi_user):
    from outcomes import services

    activity = ActivityFactory()
    services.activity_attendee_add(activity=activity, person=PersonFactory(), by=ppi_user)
    message = "You asked for quieter wards at night: " + "we changed the lights. " * 8
    update = services.feedback_send(message=message, activity=activity, by=ppi_user)
    page = ppi_client.get(activity.get_absolute_url()).content.decode()
    sent = timezone.localtime(update.created_at)
    assert f"{sent.day} {sent:%b %Y}: You asked for quieter wards at night" in page
    assert "…" in page and message not in page
    assert reverse("outcomes:feedback_letters", args=[update.pk]) in page
