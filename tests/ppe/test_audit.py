import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from ppe import audit
from ppe.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_failed_sign_in_is_recorded_with_the_username_tried():
    Client().post(reverse("login"), {"username": "someone.guessing", "password": "not it at all"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert event.subject_id == "someone.guessing"
    assert event.user is None


def test_an_event_names_who_and_what_but_not_the_values(ppi_user, rf):
    request = rf.get("/")
    request.user = ppi_user
    event = audit.record(request, "view", ppi_user, detail="equality")
    assert (event.username, event.subject_type, event.subject_id) == (
        ppi_user.username,
        "auth.user",
        str(ppi_user.pk),
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_application_cannot_rewrite_or_delete_the_audit_trail(ppi_user):
    event = audit.record(None, "view", ppi_user, user=ppi_user)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(detail="nothing to see")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk, detail="").exists()


def test_the_ppi_team_can_search_the_audit_log_by_who_and_what(ppi_client, ppi_user, qi_user):
    audit.record(None, "view", qi_user, user=ppi_user, detail="equality")
    audit.record(None, "change", ppi_user, user=qi_user)
    response = ppi_client.get(reverse("audit_log"), {"username": qi_user.username, "action": "change"})
    rows = response.context["page"].object_list
    assert [(e.username, e.action) for e in rows] == [(qi_user.username, "change")]


def test_a_malformed_audit_search_gets_a_message_not_an_error(ppi_client):
    response = ppi_client.get(reverse("audit_log"), {"since": "2026-02-31"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid date." in html and 'id="id_since-error"' in html


def test_the_audit_log_pages_newest_first_without_counting(ppi_client, ppi_user, qi_user):
    for n in range(27):
        audit.record(None, "view", qi_user, user=ppi_user, detail=f"look {n:02d}")
    first = ppi_client.get(reverse("audit_log"))
    html = first.content.decode()
    assert len(first.context["page"].object_list) == 25
    assert "look 26" in html and "look 02" in html and "look 01" not in html and "?page=2" in html
    second = ppi_client.get(reverse("audit_log"), {"page": "2"}).content.decode()
    assert "look 01" in second and "look 00" in second and "look 26" not in second
    assert "?page=1" in second and "?page=3" not in second
    assert ppi_client.get(reverse("audit_log"), {"page": "nonsense"}).status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="asynchronous commit is PostgreSQL's")
def test_a_page_view_is_recorded_at_once_and_other_writes_still_wait_for_the_disk(ppi_user, rf):
    request = rf.get("/")
    request.user = ppi_user
    event = audit.record(request, "view", ppi_user, detail="person page")
    saved = AuditEvent.objects.get(pk=event.pk)
    assert (saved.action, saved.detail, saved.user_id, saved.at) == (
        "view",
        "person page",
        ppi_user.pk,
        event.at,
    )
    with connection.cursor() as cursor:  # the relaxed commit was the view record's alone
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    changed = audit.record(request, "change", ppi_user)
    assert AuditEvent.objects.filter(pk=changed.pk, action="change").exists()


def test_the_seeded_audit_trail_is_real_events_by_real_staff_that_the_log_lists(ppi_client, ppi_user):
    import random

    from ppe.demo import seed_audit
    from tests.factories import PersonFactory

    PersonFactory.create_batch(3)
    seed_audit(rng=random.Random(3), count=400, log=lambda line: None)
    events = AuditEvent.objects.exclude(action="view", subject_type="ppe.auditevent")
    assert events.count() == 400
    assert set(events.values_list("action", flat=True)) <= set(AuditEvent.Action.values)
    assert set(events.values_list("username", flat=True)) <= {ppi_user.username}  # the only staff here
    page = ppi_client.get(reverse("audit_log") + "?action=export").content.decode()
    assert "Exported" in page and "people list" in page
