"""Subject access and erasure reach what requests and outcomes hold about a person."""

import json

import pytest
from django.urls import reverse

from outcomes.models import EvaluationResponse, Suggestion
from tests.factories import (
    ActivityFactory,
    AllocationFactory,
    EvaluationResponseFactory,
    SuggestionFactory,
    default_ladder,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def involved():
    default_ladder()
    allocation = AllocationFactory()
    person = allocation.person
    activity = ActivityFactory(title="Discharge focus group")
    activity.attendees.add(person)
    SuggestionFactory(activity=activity, said_by=person, text="Tell me the day before I go home")
    EvaluationResponseFactory(activity=activity, person=person, comments="My daughter Ruth came with me")
    return person, allocation


def test_the_subject_access_export_includes_attendance_suggestions_evaluations_and_allocations(
    ppi_client, involved
):
    person, allocation = involved
    data = json.loads(ppi_client.get(reverse("people_bank:subject_access_json", args=[person.pk])).content)
    assert data["activities_attended"][0]["activity"] == "Discharge focus group"
    assert data["suggestions_made"][0]["text"] == "Tell me the day before I go home"
    assert data["evaluations_given"][0]["comments"] == "My daughter Ruth came with me"
    assert data["allocations"][0]["request"] == str(allocation.request)
    page = ppi_client.get(reverse("people_bank:subject_access", args=[person.pk])).content.decode()
    assert "My daughter Ruth came with me" in page


def test_erasing_a_person_removes_their_words_and_keeps_the_counts(ppi_client, involved):
    person, _ = involved
    ppi_client.post(reverse("people_bank:person_erase", args=[person.pk]))
    evaluation = EvaluationResponse.objects.get()
    assert (evaluation.comments, evaluation.person, evaluation.heard) == ("", None, 4)
    suggestion = Suggestion.objects.get()
    assert suggestion.said_by is None and suggestion.text == "Tell me the day before I go home"
    assert EvaluationResponse.objects.count() == 1 and Suggestion.objects.count() == 1

