"""People Bank retention: with the clock moved past each period, what identifies people
goes, and every count the reports read stays the same."""

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone

from people_bank import services
from people_bank.models import Application, Conversation, EqualityMonitoring, Person
from people_bank.retention import ERASED_TEXT
from ppe import retention
from tests import factories as f

pytestmark = pytest.mark.django_db


def _later(settings, key: str, days_after: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.RETENTION_DAYS[key] + days_after)


def _counts() -> dict:
    return {
        "people": Person.objects.count(),
        "left": Person.objects.filter(status=Person.Status.LEFT).count(),
        "applications": dict(Application.objects.values_list("status").order_by().annotate(n=Count("id"))),
        "conversations": Conversation.objects.count(),
    }


def test_someone_who_left_is_anonymised_after_the_period_and_counts_stay(settings, ppi_user):
    stayed = f.PersonFactory(first_name="Stella", email="stella@example.com")
    gone = f.PersonFactory(first_name="Gwen", last_name="Hale", email="gwen@example.com", phone="07700900111")
    EqualityMonitoring.objects.create(person=gone)
    services.person_change_status(person=gone, to=Person.Status.LEFT, by=ppi_user, note="Moved away")
    before = _counts()

    assert retention.apply_all(now=_later(settings, "people_left", -1))["people who left"] == 0
    gone.refresh_from_db()
    assert gone.email == "gwen@example.com"

    assert retention.apply_all(now=_later(settings, "people_left", 1))["people who left"] == 1
    gone.refresh_from_db()
    assert gone.erased_at and gone.first_name == "Erased" and gone.email == "" and gone.phone == ""
    assert not EqualityMonitoring.objects.filter(person=gone).exists()
    stayed.refresh_from_db()
    assert stayed.email == "stella@example.com" and stayed.erased_at is None
    assert _counts() == before
    # Run again: nothing more to do.
    assert retention.apply_all(now=_later(settings, "people_left", 2))["people who left"] == 0


def test_a_sign_up_never_confirmed_is_anonymised_but_a_confirmed_one_is_kept(settings, ppi_user):
    waiting = f.HospitalImproverFactory(person__email="waiting@example.com")
    confirmed = f.HospitalImproverFactory(
        person__email="kept@example.com", confirmed_at=timezone.now(), confirmed_by=ppi_user
    )
    assert retention.apply_all(now=_later(settings, "unconfirmed_sign_ups", 1))["unconfirmed sign-ups"] == 1
    waiting.person.refresh_from_db()
    confirmed.person.refresh_from_db()
    assert waiting.person.erased_at and waiting.person.email == ""
    assert confirmed.person.erased_at is None and confirmed.person.email == "kept@example.com"


def test_what_unsuccessful_applicants_wrote_goes_and_the_outcome_stays(settings):
    refused = f.ApplicationFactory(why="My story of care", experience="Carer for ten years")
    Application.objects.filter(pk=refused.pk).update(status=Application.Status.NOT_APPOINTED)
    appointed = f.ApplicationFactory(why="Appointed story")
    Application.objects.filter(pk=appointed.pk).update(status=Application.Status.APPOINTED)
    before = _counts()
    assert retention.apply_all(now=_later(settings, "closed_applications", 1))["closed applications"] == 1
    refused.refresh_from_db()
    appointed.refresh_from_db()
    assert (refused.why, refused.experience, refused.status) == (
        ERASED_TEXT,
        "",
        Application.Status.NOT_APPOINTED,
    )
    assert appointed.why == "Appointed story"
    assert _counts() == before


def test_old_conversation_notes_are_cleared_and_the_conversation_still_counts(settings, ppi_user):
    old = f.ConversationFactory(
        summary="Talked about their son's discharge", insight="Felt unheard", staff=ppi_user
    )
    Conversation.objects.filter(pk=old.pk).update(happened_at=timezone.now() - datetime.timedelta(days=10))
    before = _counts()
    assert retention.apply_all(now=_later(settings, "conversation_notes", 11))["conversation notes"] == 1
    old.refresh_from_db()
    assert (old.summary, old.insight, old.channel) == (ERASED_TEXT, "", Conversation.Channel.PHONE)
    assert _counts() == before
