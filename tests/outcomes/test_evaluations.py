"""Evaluation forms without a login: personal links, sent by a task after the activity."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from outcomes import rules, selectors, services, tasks
from outcomes.models import EvaluationInvite, EvaluationResponse
from tests.factories import (
    ActivityFactory,
    AllocationFactory,
    InvolvementRequestFactory,
    PatientPartnerFactory,
    PersonFactory,
    rung,
)

pytestmark = pytest.mark.django_db
ANSWERS = {"informed": "4", "heard": "5", "valued": "4", "difference": "3", "comments": "Good session."}


@pytest.fixture
def held_yesterday():
    activity = ActivityFactory(held_on=timezone.localdate() - datetime.timedelta(days=1))
    with_email = PersonFactory(email="ada@example.com")
    by_post = PersonFactory(email="")
    activity.attendees.add(with_email, by_post)
    return activity, with_email, by_post


def _link_from(message) -> str:
    line = next(line for line in message.body.splitlines() if "/evaluate/" in line)
    return line.strip().split("testserver", 1)[-1].replace("http://127.0.0.1:8000", "")


def test_the_daily_task_emails_each_attendee_a_personal_link_once(held_yesterday):
    activity, with_email, by_post = held_yesterday
    tasks.send_due_evaluations()
    tasks.send_due_evaluations()  # a second run sends nothing twice
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    assert "/evaluate/" in mail.outbox[0].body
    invites = EvaluationInvite.objects.filter(activity=activity)
    assert invites.count() == 2  # the one without email gets a printed letter
    assert invites.get(person=by_post).by_letter
    # Only a hash of the token is stored.
    token = _link_from(mail.outbox[0]).rstrip("/").rsplit("/", 1)[-1]
    assert invites.get(person=with_email).token_hash == rules.hash_token(token)
    assert not invites.filter(token_hash=token).exists()


def test_an_activity_held_today_or_planned_is_not_evaluated_yet():
    today_activity = ActivityFactory(held_on=timezone.localdate())
    today_activity.attendees.add(PersonFactory())
    tasks.send_due_evaluations()
    assert mail.outbox == [] and not EvaluationInvite.objects.exists()


def test_a_participant_answers_once_through_their_link(client, held_yesterday):
    tasks.send_due_evaluations()
    url = _link_from(mail.outbox[0])
    assert client.get(url).status_code == 200
    response = client.post(url, ANSWERS)
    assert response.status_code == 302 and response.url == reverse("outcomes:evaluate_thanks")
    saved = EvaluationResponse.objects.get()
    assert (saved.heard, saved.comments, saved.person.email) == (5, "Good session.", "ada@example.com")
    again = client.post(url, ANSWERS)
    assert again.status_code == 410
    assert "already been filled in" in again.content.decode()
    assert EvaluationResponse.objects.count() == 1


def test_an_anonymous_answer_records_no_person(client, held_yesterday):
    tasks.send_due_evaluations()
    client.post(_link_from(mail.outbox[0]), {**ANSWERS, "anonymous": "on"})
    assert EvaluationResponse.objects.get().person is None


def test_a_tampered_link_is_refused_and_nothing_is_saved(client, held_yesterday):
    tasks.send_due_evaluations()
    url = _link_from(mail.outbox[0])
    tampered = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]
    for response in (
        client.get(tampered),
        client.post(tampered, ANSWERS),
        client.get("/evaluate/" + "x" * 300 + "/"),
    ):
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()
    assert not EvaluationResponse.objects.exists()


def test_an_expired_link_is_refused_and_nothing_is_saved(client, held_yesterday, settings):
    tasks.send_due_evaluations()
    url = _link_from(mail.outbox[0])
    EvaluationInvite.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.post(url, ANSWERS)
    assert response.status_code == 410 and "This link has expired" in response.content.decode()
    assert not EvaluationResponse.objects.exists()
    assert not EvaluationInvite.objects.filter(used_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"heard": "6"}, "Select an answer from 1 to 5"),
        ({"informed": "0"}, "Select an answer from 1 to 5"),
        ({"valued": ""}, "Select an answer"),
        ({"comments": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_out_of_range_answers_and_huge_comments_are_refused_and_the_link_still_works(
    client, held_yesterday, change, message
):
    tasks.send_due_evaluations()
    url = _link_from(mail.outbox[0])
    response = client.post(url, {**ANSWERS, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EvaluationResponse.objects.exists()
    assert client.post(url, ANSWERS).status_code == 302


def test_the_service_refuses_out_of_range_scores_without_using_up_the_link(held_yesterday):
    activity, with_email, _ = held_yesterday
    _invite, token = services.evaluation_invite_issue(
        person=with_email, now=timezone.now(), kind="activity", activity=ActivityFactory()
    )
    with pytest.raises(services.OutcomeError, match="score from 1 to 5"):
        services.evaluation_submit(token=token, informed=9, heard=1, valued=1, difference=1)
    assert services.evaluation_open(token)  # still usable


def test_a_reminder_sends_a_fresh_link_and_the_first_stops_working(client, held_yesterday, settings):
    tasks.send_due_evaluations()
    first = _link_from(mail.outbox[0])
    later = timezone.now() + datetime.timedelta(days=settings.OUTCOMES_EVALUATION_REMINDER_DAYS + 1)
    assert services.evaluation_reminders_send(now=later) == 1
    assert services.evaluation_reminders_send(now=later) == 0  # one reminder only
    reminder = mail.outbox[-1]
    assert reminder.subject.startswith("Reminder")
    assert client.get(first).status_code == 404
    assert client.get(_link_from(reminder)).status_code == 200


def test_printable_letters_give_people_without_email_a_working_link(ppi_client, client, held_yesterday):
    activity, _, by_post = held_yesterday
    page = ppi_client.post(reverse("outcomes:activity_letters", args=[activity.pk])).content.decode()
    assert f"Dear {by_post.display_name}" in page and "I felt heard" in page
    link = next(part for part in page.split("<strong>")[1:] if "/evaluate/" in part).split("</strong>")[0]
    path = link.split("127.0.0.1:8000", 1)[-1]
    assert client.post(path, ANSWERS).status_code == 302
    assert EvaluationResponse.objects.get().person == by_post


def test_patient_partners_evaluate_the_project_with_its_own_questions(client):
    request = InvolvementRequestFactory(complete=True, status="evaluation")
    activity = ActivityFactory()
    activity.requests.add(request)
    partner = PatientPartnerFactory(person__email="partner@example.com", person__last_name="Adams").person
    activity.attendees.add(partner, PersonFactory(email="not.a.partner@example.com"))
    allocated = PatientPartnerFactory(person__email="allocated@example.com", person__last_name="Baker").person
    AllocationFactory(request=request, person=allocated)
    assert list(selectors.partners_on_request(request)) == [partner, allocated]
    tasks.send_due_evaluations()
    project_mails = [m for m in mail.outbox if "the project" in m.body]
    assert sorted(m.to[0] for m in project_mails) == ["allocated@example.com", "partner@example.com"]
    project_mail = next(m for m in project_mails if m.to == ["partner@example.com"])
    url = _link_from(project_mail)
    page = client.get(url).content.decode()
    assert "your own involvement" in page and "actually reach" in page
    response = client.post(
        url, {**ANSWERS, "own_involvement": "5", "wider_involvement": "3", "rung_reached": str(rung(5).pk)}
    )
    assert response.status_code == 302
    saved = EvaluationResponse.objects.get(kind="project")
    assert (saved.request, saved.own_involvement, saved.rung_reached) == (request, 5, rung(5))


def test_results_are_shown_per_activity_and_per_request(ppi_client, held_yesterday):
    activity, with_email, _ = held_yesterday
    request = InvolvementRequestFactory(complete=True, status="active")
    activity.requests.add(request)
    for heard in (5, 2):
        _invite, token = services.evaluation_invite_issue(
            person=PersonFactory(), now=timezone.now(), kind="activity", activity=activity
        )
        services.evaluation_submit(token=token, informed=4, heard=heard, valued=4, difference=4)
    activity_page = ppi_client.get(activity.get_absolute_url()).content.decode()
    request_page = ppi_client.get(reverse("outcomes:request_outcomes", args=[request.pk])).content.decode()
    for page in (activity_page, request_page):
        assert "2 evaluation forms returned" in page and "50.0%" in page and "3.50" in page


def test_an_activity_recorded_long_after_it_was_held_is_not_evaluated():
    old = ActivityFactory(
        held_on=timezone.localdate() - datetime.timedelta(days=services.EVALUATION_WINDOW_DAYS + 1)
    )
    old.attendees.add(PersonFactory())
    tasks.send_due_evaluations()
    assert mail.outbox == [] and not EvaluationInvite.objects.exists()
