"""The Redis cache is an optimisation: with Redis down, pages that use it still answer."""

import os
import uuid

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from people_bank.models import Person
from ppe.filters import KeptChoicesFilterSet
from tests.people_bank.test_public_sign_up import good_answers

pytestmark = pytest.mark.django_db


def redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "ppe.cache.TolerantRedisCache",
            "LOCATION": location,
            # A prefix of this run's own: nothing another run keeps is read or cleared.
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


# Nothing listens on port 1.
REDIS_DOWN = redis_cache("redis://127.0.0.1:1/0")


@override_settings(CACHES=REDIS_DOWN)
def test_with_redis_down_reads_miss_writes_are_dropped_and_counters_start_again():
    assert cache.get("anything", "default") == "default"
    assert cache.set("anything", 1) is None
    assert cache.add("counter", 0) is False
    with pytest.raises(ValueError):
        cache.incr("counter")
    assert cache.get_many(["a", "b"]) == {}


@override_settings(CACHES=REDIS_DOWN)
def test_with_redis_down_the_public_sign_up_still_saves(client):
    response = Client().post(reverse("people_bank:improver_sign_up"), good_answers())
    assert response.status_code == 302
    assert Person.objects.filter(email="grace@example.com").exists()


@override_settings(CACHES=REDIS_DOWN)
def test_with_redis_down_staff_pages_that_use_the_cache_still_answer(ppi_client):
    assert ppi_client.get(reverse("people_bank:representation")).status_code == 200
    assert ppi_client.get(reverse("home")).status_code == 200


@pytest.mark.worker
def test_with_redis_up_the_cache_keeps_and_counts():
    with override_settings(CACHES=redis_cache(os.environ["REDIS_URL"])):
        cache.set("kept", {"people": 3})
        assert cache.get("kept") == {"people": 3}
        assert cache.add("counter", 0) is True
        assert [cache.incr("counter") for _ in range(3)] == [1, 2, 3]
        cache.delete_many(["kept", "counter"])  # not clear(): that empties the broker's database too


# What every request reads from the cache follows a change at once.


def test_a_member_taken_out_of_the_ppi_team_loses_access_at_their_next_request(ppi_client, ppi_user):
    people = reverse("people_bank:person_list")
    assert ppi_client.get(people).status_code == 200
    ppi_user.groups.clear()
    assert ppi_client.get(people).status_code == 403


def test_emptying_or_deleting_the_group_takes_effect_at_once(ppi_client, ppi_user):
    from django.contrib.auth.models import Group

    people = reverse("people_bank:person_list")
    group = Group.objects.get(name="PPI team")
    assert ppi_client.get(people).status_code == 200
    group.user_set.clear()
    assert ppi_client.get(people).status_code == 403
    ppi_user.groups.add(group)
    assert ppi_client.get(people).status_code == 200
    group.delete()
    assert ppi_client.get(people).status_code == 403


def test_a_board_member_added_to_the_ppi_team_gains_access_at_their_next_request(board_client, board_user):
    from django.contrib.auth.models import Group

    people = reverse("people_bank:person_list")
    assert board_client.get(people).status_code == 403
    Group.objects.get_or_create(name="PPI team")[0].user_set.add(board_user)
    assert board_client.get(people).status_code == 200


def test_requiring_two_factor_applies_to_a_member_already_browsing(ppi_client, client):
    from ppe.access import Role
    from tests.conftest import _client_for
    from tests.factories import UserFactory

    assert ppi_client.get(reverse("home")).status_code == 200
    colleague = _client_for(UserFactory(username="colleague", role=Role.PPI_TEAM))
    colleague.post(reverse("security_policy"), {"require_two_factor_for_ppi_team": "on"})
    response = ppi_client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("two_factor_setup")


def test_the_queue_and_home_counts_follow_a_move_at_once(ppi_client, django_capture_on_commit_callbacks):
    from tests.factories import InvolvementRequestFactory

    request = InvolvementRequestFactory(complete=True, status="submitted")
    queue = reverse("involvement_requests:queue")
    assert "New</strong></a> (1)" in ppi_client.get(queue).content.decode()
    assert "New</a>: 1" in ppi_client.get(reverse("home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        ppi_client.post(reverse("involvement_requests:move", args=[request.pk, "start-assessment"]))
    page = ppi_client.get(queue).content.decode()
    assert "New</strong></a> (0)" in page and "In assessment</a> (1)" in page
    assert "New</a>: 0" in ppi_client.get(reverse("home")).content.decode()


def test_the_new_suggestions_count_follows_a_suggestion_being_looked_into(ppi_user, ppi_client):
    from outcomes import services
    from tests.factories import SuggestionFactory

    suggestion = SuggestionFactory()
    assert "1 suggestion waiting to be investigated" in ppi_client.get("/").content.decode()
    services.suggestion_move(suggestion=suggestion, to="investigated", by=ppi_user)
    assert "1 suggestion waiting" not in ppi_client.get("/").content.decode()


def test_filter_options_follow_reference_data_at_once(ppi_client):
    """The lists' filter options are kept between requests, but never outlive a change."""
    from tests.factories import ClinicalManagementGroupFactory, InterestFactory, ServiceFactory

    people, queue = reverse("people_bank:person_list"), reverse("involvement_requests:queue")
    service = ServiceFactory(name="Audiology")
    cmg = ClinicalManagementGroupFactory(name="Surgery CMG")
    assert ">Audiology</option>" in ppi_client.get(people).content.decode()
    assert ">Surgery CMG</option>" in ppi_client.get(queue).content.decode()

    service.name = "Hearing services"
    service.save()
    InterestFactory(name="Hospital food")
    page = ppi_client.get(people).content.decode()
    assert ">Hearing services</option>" in page and ">Audiology</option>" not in page
    assert ">Hospital food</option>" in page

    service.is_active = False
    service.save()
    assert ">Hearing services</option>" not in ppi_client.get(people).content.decode()

    cmg.name = "Surgery and Theatres"
    cmg.save()
    page = ppi_client.get(queue).content.decode()
    assert ">Surgery and Theatres</option>" in page and ">Surgery CMG</option>" not in page


def test_filter_options_are_not_queried_on_every_page(ppi_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ServiceFactory

    ServiceFactory(name="Audiology")
    people = reverse("people_bank:person_list")
    ppi_client.get(people)
    with CaptureQueriesContext(connection) as captured:
        page = ppi_client.get(people).content.decode()
    assert ">Audiology</option>" in page
    assert not [q["sql"] for q in captured if "people_bank_service" in q["sql"]]
    # A value sent is checked against the same kept options.
    assert ppi_client.get(people, {"services": "999999"}).status_code == 400


def test_filter_values_are_checked_against_the_kept_options_without_a_query(ppi_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import (
        ClinicalManagementGroupFactory,
        InterestFactory,
        InvolvementRequestFactory,
        PersonFactory,
        ServiceFactory,
    )

    audiology, podiatry = ServiceFactory(name="Audiology"), ServiceFactory(name="Podiatry")
    food = InterestFactory(name="Hospital food")
    heard = PersonFactory(first_name="Hari", last_name="Audio")
    heard.services.add(audiology)
    heard.interests.add(food)
    walked = PersonFactory(first_name="Wendy", last_name="Feet")
    walked.services.add(podiatry)
    people = reverse("people_bank:person_list")
    ppi_client.get(people)
    with CaptureQueriesContext(connection) as captured:
        page = ppi_client.get(people, {"services": [audiology.pk], "interests": [food.pk]}).content.decode()
    assert "Hari Audio" in page and "Wendy Feet" not in page
    options = ("people_bank_service", "people_bank_interest")
    assert not [q for q in captured if any(table in q["sql"] for table in options)]
    page = ppi_client.get(people, {"services": [audiology.pk, podiatry.pk]}).content.decode()
    assert "Hari Audio" in page and "Wendy Feet" in page
    for bad in ("999999", "abc", "1\x00"):
        response = ppi_client.get(people, {"services": [audiology.pk, bad]})
        assert response.status_code == 400
    # A service switched off can no longer be chosen: the kept copy follows at once.
    podiatry.is_active = False
    podiatry.save()
    response = ppi_client.get(people, {"services": [podiatry.pk]})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()

    cmg = ClinicalManagementGroupFactory(name="Surgery CMG")
    InvolvementRequestFactory(title="Theatre waits", cmg=cmg)
    queue = reverse("involvement_requests:queue")
    ppi_client.get(queue)
    with CaptureQueriesContext(connection) as captured:
        response = ppi_client.get(queue, {"queue": "all", "cmg": cmg.pk})
    assert response.status_code == 200
    assert not [q for q in captured if "clinicalmanagementgroup" in q["sql"]]
    refused = ppi_client.get(queue, {"queue": "all", "cmg": "999999"})
    assert refused.status_code == 400
    refused_page = refused.content.decode()
    assert "Select a valid choice" in refused_page and "Theatre waits" not in refused_page


def test_a_kept_filter_form_shows_the_values_and_errors_of_each_request(ppi_client):
    people = reverse("people_bank:person_list")
    selected = '<option value="active" selected>'
    for _ in range(2):  # drawn, then from the kept copy
        assert selected in ppi_client.get(people, {"status": "active"}).content.decode()
        assert selected not in ppi_client.get(people).content.decode()
        response = ppi_client.get(people, {"status": "gone"})
        assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
        assert 'value="patel"' in ppi_client.get(people, {"q": "patel"}).content.decode()


def test_filter_forms_made_from_the_prepared_fields_look_and_check_as_the_first(ppi_client):
    """After the first form of a list, later forms start from its prepared fields rather than setting
    them up again: each still has the design system's classes and its own values."""
    from people_bank.filters import PersonFilter

    people = reverse("people_bank:person_list")
    first = ppi_client.get(people, {"status": "paused"}).content.decode()
    assert PersonFilter in KeptChoicesFilterSet._prepared_forms
    later = ppi_client.get(people, {"status": "left"}).content.decode()
    for page in (first, later):
        assert 'class="nhsuk-select ppe-filter-control"' in page
    assert '<option value="paused" selected>' in first and '<option value="left" selected>' in later
    assert '<option value="paused" selected>' not in later
