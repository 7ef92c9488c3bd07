""" "You said, we did": suggestions from an activity or a request, and the 60% target."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes import services
from outcomes.models import Suggestion, SuggestionStatus
from outcomes.report.quarters import Quarter
from tests.factories import ActivityFactory, InvolvementRequestFactory, SuggestionFactory

pytestmark = pytest.mark.django_db
S = SuggestionStatus


def _date(day: datetime.date, name: str) -> dict:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_ppi_team_captures_a_suggestion_from_an_activity(ppi_client):
    activity = ActivityFactory()
    response = ppi_client.post(
        reverse("outcomes:activity_suggestion_add", args=[activity.pk]),
        {
            "theme": "signage",
            "text": "Put signs at wheelchair height.",
            "said_by_group": "the stroke group",
            **_date(activity.held_on, "received_on"),
        },
    )
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert (suggestion.activity, suggestion.status, suggestion.said_by_group) == (
        activity,
        S.NEW,
        "the stroke group",
    )


def test_a_qi_lead_captures_a_suggestion_on_their_own_request(qi_client, qi_user):
    request = InvolvementRequestFactory(submitted_by=qi_user, complete=True, status="active")
    qi_client.post(
        reverse("outcomes:request_suggestion_add", args=[request.pk]),
        {
            "theme": "food",
            "text": "Offer halal meals without asking twice.",
            **_date(timezone.localdate(), "received_on"),
        },
    )
    assert Suggestion.objects.get().request == request


def test_a_suggestion_dated_in_the_future_is_refused(ppi_client):
    activity = ActivityFactory()
    response = ppi_client.post(
        reverse("outcomes:activity_suggestion_add", args=[activity.pk]),
        {
            "theme": "food",
            "text": "x",
            **_date(timezone.localdate() + datetime.timedelta(days=3), "received_on"),
        },
    )
    assert "cannot be in the future" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_suggestion_moves_from_new_to_investigated_to_actioned_with_what_was_done(ppi_client):
    suggestion = SuggestionFactory()
    url = reverse("outcomes:suggestion_detail", args=[suggestion.pk])
    ppi_client.post(url, {"to": "investigated"})
    today = timezone.localdate()
    ppi_client.post(url, {"to": "actioned", "what_done": "Lowered the signs.", **_date(today, "done_on")})
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.what_done, suggestion.done_on) == (
        S.ACTIONED,
        "Lowered the signs.",
        today,
    )
    assert "Lowered the signs." in ppi_client.get(url).content.decode()


def test_not_actioned_needs_a_reason_and_nothing_changes_without_one(ppi_client):
    suggestion = SuggestionFactory(status=S.INVESTIGATED)
    url = reverse("outcomes:suggestion_detail", args=[suggestion.pk])
    response = ppi_client.post(url, {"to": "not_actioned", "reason": "   "})
    assert "Enter why it was not actioned" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == S.INVESTIGATED
    with pytest.raises(services.OutcomeError, match="Give the reason"):
        services.suggestion_move(suggestion=suggestion, to=S.NOT_ACTIONED, by=_ppi(), reason="")


def _ppi():
    from ppe.access import Role
    from tests.factories import UserFactory

    return UserFactory(username="ppi.other", role=Role.PPI_TEAM)


def test_a_new_suggestion_cannot_jump_to_actioned():
    suggestion = SuggestionFactory()
    with pytest.raises(services.OutcomeError, match="cannot be marked actioned"):
        services.suggestion_move(
            suggestion=suggestion, to=S.ACTIONED, by=_ppi(), what_done="x", done_on=timezone.localdate()
        )
    with pytest.raises(services.OutcomeError):
        services.suggestion_move(suggestion=suggestion, to="bogus", by=_ppi())


def test_the_share_investigated_or_actioned_per_quarter_is_shown_against_the_target(ppi_client):
    quarter = Quarter.containing(timezone.localdate())
    activity = ActivityFactory(held_on=quarter.start)
    for status in (S.NEW, S.NEW, S.INVESTIGATED, S.PARTLY_ACTIONED, S.ACTIONED):
        SuggestionFactory(activity=activity, status=status)
    SuggestionFactory(
        activity=ActivityFactory(held_on=quarter.start - datetime.timedelta(days=1)), status=S.NEW
    )
    page = ppi_client.get(reverse("outcomes:suggestion_list"), {"quarter": quarter.slug}).content.decode()
    assert "60.0%" in page and "3 of 5 suggestions" in page and "Target 60%: met" in page


def test_a_qi_lead_sees_and_changes_only_suggestions_on_their_own_requests(qi_client, qi_user, other_qi_user):
    own = SuggestionFactory(
        activity=None, request=InvolvementRequestFactory(submitted_by=qi_user, complete=True)
    )
    other = SuggestionFactory(
        activity=None, request=InvolvementRequestFactory(submitted_by=other_qi_user, complete=True)
    )
    from_activity = SuggestionFactory()
    assert qi_client.get(reverse("outcomes:suggestion_detail", args=[own.pk])).status_code == 200
    for guessed in (other, from_activity):
        assert qi_client.get(reverse("outcomes:suggestion_detail", args=[guessed.pk])).status_code == 404
        assert (
            qi_client.post(
                reverse("outcomes:suggestion_detail", args=[guessed.pk]), {"to": "investigated"}
            ).status_code
            == 404
        )
    other.refresh_from_db()
    assert other.status == S.NEW


def test_the_quarters_figures_and_pages_change_as_soon_as_a_suggestion_does(ppi_client, ppi_user):
    quarter = Quarter.containing(timezone.localdate())
    activity = ActivityFactory(held_on=quarter.start)
    suggestions = SuggestionFactory.create_batch(25, activity=activity)
    url = reverse("outcomes:suggestion_list")
    page = ppi_client.get(url, {"quarter": quarter.slug}).content.decode()
    assert "0 of 25 suggestions" in page and "Page 2" not in page

    SuggestionFactory(activity=activity)
    page = ppi_client.get(url, {"quarter": quarter.slug}).content.decode()
    assert "0 of 26 suggestions" in page and "Page 2" in page

    services.suggestion_move(suggestion=suggestions[0], to=S.INVESTIGATED, by=ppi_user)
    page = ppi_client.get(url, {"quarter": quarter.slug}).content.decode()
    assert "1 of 26 suggestions" in page
    investigated = ppi_client.get(url, {"quarter": quarter.slug, "status": "investigated"}).content.decode()
    assert investigated.count("/suggestions/") == 1 and "Page 2" not in investigated


def test_a_long_suggestion_is_cut_short_in_the_list(ppi_client):
    quarter = Quarter.containing(timezone.localdate())
    SuggestionFactory(activity=ActivityFactory(held_on=quarter.start), text="Signs " * 30)
    page = ppi_client.get(reverse("outcomes:suggestion_list"), {"quarter": quarter.slug}).content.decode()
    assert ("Signs " * 30)[:119] + "…" in page


def test_the_status_choices_keep_the_statuses_order(ppi_client):
    suggestion = SuggestionFactory(status=S.INVESTIGATED)
    page = ppi_client.get(reverse("outcomes:suggestion_detail", args=[suggestion.pk])).content.decode()
    assert (
        page.index('value="actioned"')
        < page.index('value="partly_actioned"')
        < page.index('value="not_actioned"')
    )


def test_the_suggestions_list_runs_the_same_queries_for_one_suggestion_or_thirty(ppi_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    quarter = Quarter.containing(timezone.localdate())
    activity = ActivityFactory(held_on=quarter.start)
    SuggestionFactory(activity=activity)
    url = reverse("outcomes:suggestion_list") + f"?quarter={quarter.slug}"
    ppi_client.get(url)
    with CaptureQueriesContext(connection) as few:
        ppi_client.get(url)
    SuggestionFactory.create_batch(29, activity=activity)
    ppi_client.get(url)  # the kept figures, counted again after the change
    with CaptureQueriesContext(connection) as many:
        assert ppi_client.get(url).content.decode().count("/suggestions/") == 25
    assert len(few) == len(many)


def test_the_suggestions_list_escapes_what_was_typed(ppi_client):
    quarter = Quarter.containing(timezone.localdate())
    SuggestionFactory(
        activity=ActivityFactory(held_on=quarter.start),
        theme="<b>signs</b>",
        text="Bigger <i>signs</i> & maps",
    )
    page = ppi_client.get(reverse("outcomes:suggestion_list"), {"quarter": quarter.slug}).content.decode()
    assert "&lt;b&gt;signs&lt;/b&gt;</a>" in page and "Bigger &lt;i&gt;signs&lt;/i&gt; &amp; maps" in page
    assert "<i>signs</i>" not in page
