"""Inviting Hospital Improvers by email, their personal links, reminders, and asking
organisations to share the opportunity."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from involvement_requests import services
from involvement_requests.models import Invitation, InvolvementRequest, OrganisationInvitation, Status
from involvement_requests.tasks import send_invitation_reminders
from people_bank import services as people_services
from people_bank.models import ConsentRecord, Conversation, OrganisationContact
from tests.factories import (
    InvitationFactory,
    OrganisationFactory,
    confirmed_improver,
    invitation_with_link,
    partner_in_tenure,
)

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://\S+/invitations/([A-Za-z0-9_-]+)/")


def invite(client, request, people, capture):
    with capture(execute=True):
        return client.post(
            reverse("involvement_requests:invite", args=[request.pk]), {"people": [p.pk for p in people]}
        )


def token_in(message) -> str:
    return LINK.search(message.body).group(1)


def respond_url(token: str) -> str:
    return reverse("involvement_requests:invitation_respond", args=[token])


def test_improvers_selected_on_the_match_page_are_invited_each_with_a_personal_link(
    ppi_client, accepted, django_capture_on_commit_callbacks
):
    ann, bob = confirmed_improver(first_name="Ann"), confirmed_improver(first_name="Bob")
    response = invite(ppi_client, accepted, [ann, bob], django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert Invitation.objects.filter(request=accepted).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ann.email, bob.email])
    tokens = {token_in(m) for m in mail.outbox}
    assert len(tokens) == 2
    for invitation in Invitation.objects.all():
        assert invitation.sent_at and invitation.expires_at
        assert invitation.token_hash not in tokens  # only the hash is kept
        assert len(invitation.token_hash) == 64
    assert "Dear Ann" in next(m.body for m in mail.outbox if m.to == [ann.email])


def test_sending_twice_sends_one_email(ppi_user, accepted, django_capture_on_commit_callbacks):
    invitation = Invitation.objects.create(request=accepted, person=confirmed_improver(), invited_by=ppi_user)
    assert services.invitation_send(invitation_id=invitation.pk) == 1
    assert services.invitation_send(invitation_id=invitation.pk) == 0
    assert len(mail.outbox) == 1


def _nobody_invited(client, request, people, capture, message):
    response = invite(client, request, people, capture)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert message in page
    assert not Invitation.objects.filter(request=request).exists()
    assert mail.outbox == []


def test_bulk_invitations_are_all_or_nothing_and_say_why(
    ppi_client, ppi_user, accepted, django_capture_on_commit_callbacks
):
    fine = confirmed_improver()
    withdrew = confirmed_improver(first_name="Wendy", last_name="Withdrew")
    people_services.consent_record(
        person=withdrew, kind=ConsentRecord.Kind.INVITATIONS, given=False, method="phone", by=ppi_user
    )
    partner = partner_in_tenure(first_name="Pat", last_name="Partner")
    _nobody_invited(
        ppi_client,
        accepted,
        [fine, withdrew, partner],
        django_capture_on_commit_callbacks,
        "Wendy Withdrew has not agreed to be invited; Pat Partner is not a confirmed Hospital Improver",
    )


def test_no_one_selected_or_tampered_ids_invite_nobody(
    ppi_client, accepted, django_capture_on_commit_callbacks
):
    url = reverse("involvement_requests:invite", args=[accepted.pk])
    for data in ({}, {"people": ["abc"]}, {"people": ["99999999"]}, {"people": ["1" * 40]}):
        response = ppi_client.post(url, data, follow=True)
        assert response.status_code == 200
        assert (
            "Nobody was invited" in response.content.decode()
            or "Select at least one" in response.content.decode()
        )
    assert not Invitation.objects.exists()


def test_someone_already_invited_is_not_invited_twice(
    ppi_client, accepted, django_capture_on_commit_callbacks
):
    person = confirmed_improver(first_name="Ivy", last_name="Again")
    InvitationFactory(request=accepted, person=person)
    response = invite(ppi_client, accepted, [person], django_capture_on_commit_callbacks)
    assert "Ivy Again has already been invited" in ppi_client.get(response.url).content.decode()
    assert Invitation.objects.filter(request=accepted).count() == 1


def test_a_qi_lead_cannot_invite(qi_client, accepted):
    response = qi_client.post(
        reverse("involvement_requests:invite", args=[accepted.pk]), {"people": [confirmed_improver().pk]}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


# --- The personal link ---------------------------------------------------------------


def test_opening_the_link_shows_the_opportunity_and_changes_nothing(accepted):
    invitation, token = invitation_with_link(request=accepted)
    response = Client().get(respond_url(token))
    assert response.status_code == 200
    assert accepted.title in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "invited" and invitation.responded_at is None


def test_accepting_through_the_link_works_once(accepted):
    invitation, token = invitation_with_link(request=accepted)
    client = Client()
    response = client.post(respond_url(token), {"answer": "accept"})
    assert response.status_code == 302
    assert "You said yes" in client.get(response.url).content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.responded_at

    again = client.post(respond_url(token), {"answer": "decline"})
    assert again.status_code == 410
    assert "You have already answered" in again.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert client.get(respond_url(token)).status_code == 410


def test_declining_is_recorded(accepted):
    invitation, token = invitation_with_link(request=accepted)
    response = Client().post(respond_url(token), {"answer": "decline"}, follow=True)
    assert "You said no, this time" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "declined"


def test_an_expired_link_is_refused_and_changes_nothing(accepted):
    invitation, token = invitation_with_link(
        request=accepted, expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    for response in (
        Client().get(respond_url(token)),
        Client().post(respond_url(token), {"answer": "accept"}),
    ):
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "invited" and invitation.responded_at is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t[:10],
        lambda t: "x" * 300,
        lambda t: "%00",
    ],
)
def test_a_tampered_link_is_refused_and_changes_nothing(accepted, tamper):
    invitation, token = invitation_with_link(request=accepted)
    client = Client()
    for response in (
        client.get(respond_url(tamper(token))),
        client.post(respond_url(tamper(token)), {"answer": "accept"}),
    ):
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "invited"


def test_a_link_for_a_request_no_longer_taking_people_is_refused(accepted):
    invitation, token = invitation_with_link(request=accepted)
    InvolvementRequest.objects.filter(pk=accepted.pk).update(status=Status.WITHDRAWN)
    response = Client().post(respond_url(token), {"answer": "accept"})
    assert response.status_code == 410
    assert "This opportunity has closed" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "invited"


def test_an_answer_that_is_neither_yes_nor_no_is_asked_again(accepted):
    invitation, token = invitation_with_link(request=accepted)
    response = Client().post(respond_url(token), {"answer": "maybe<script>"})
    assert response.status_code == 400
    assert "Select yes or no" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "invited"


def test_answers_show_on_the_request_people_page(ppi_client, accepted):
    _i, yes = invitation_with_link(request=accepted, person=confirmed_improver(first_name="Yasmin"))
    _i, no = invitation_with_link(request=accepted, person=confirmed_improver(first_name="Noel"))
    invitation_with_link(request=accepted, person=confirmed_improver(first_name="Quiet"))
    Client().post(respond_url(yes), {"answer": "accept"})
    Client().post(respond_url(no), {"answer": "decline"})
    page = ppi_client.get(reverse("involvement_requests:people", args=[accepted.pk])).content.decode()
    assert "3 invited: 1 accepted, 1 declined, 1 not answered." in page
    assert "No reply yet" in page


# --- Reminders -----------------------------------------------------------------------


def test_the_daily_task_reminds_once_those_who_have_not_answered(accepted, settings):
    long_ago = timezone.now() - datetime.timedelta(days=settings.REQUESTS_INVITATION_REMINDER_DAYS + 1)
    quiet, old_token = invitation_with_link(request=accepted, sent_at=long_ago)
    answered, _t = invitation_with_link(
        request=accepted, sent_at=long_ago, status="accepted", responded_at=timezone.now()
    )
    recent, _t = invitation_with_link(request=accepted)

    assert send_invitation_reminders.delay().get() == 1
    assert [m.to for m in mail.outbox] == [[quiet.person.email]]
    assert mail.outbox[0].subject.startswith("Reminder:")
    new_token = token_in(mail.outbox[0])
    assert new_token != old_token

    # Run again (beat twice, or a retry): nothing more.
    assert send_invitation_reminders.delay().get() == 0
    assert len(mail.outbox) == 1
    quiet.refresh_from_db()
    assert quiet.reminded_at is not None
    # The reminder's link works; the older one no longer does.
    assert Client().get(respond_url(old_token)).status_code == 404
    assert Client().post(respond_url(new_token), {"answer": "accept"}).status_code == 302


def test_the_ppi_team_can_send_a_reminder_by_hand(ppi_client, accepted, django_capture_on_commit_callbacks):
    invitation, _token = invitation_with_link(request=accepted)
    url = reverse("involvement_requests:invitation_remind", args=[accepted.pk, invitation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = ppi_client.post(url, follow=True)
    assert "Reminder on its way" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith("Reminder:")


def test_no_reminder_for_someone_who_answered(ppi_client, accepted, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(request=accepted, status="declined", responded_at=timezone.now())
    url = reverse("involvement_requests:invitation_remind", args=[accepted.pk, invitation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = ppi_client.post(url, follow=True)
    assert "has already answered" in response.content.decode()
    assert mail.outbox == []


def test_a_reminder_for_another_requests_invitation_is_not_found(ppi_client, accepted):
    elsewhere = InvitationFactory()
    url = reverse("involvement_requests:invitation_remind", args=[accepted.pk, elsewhere.pk])
    assert ppi_client.post(url).status_code == 404


# --- Organisations -------------------------------------------------------------------


def organisations_url(request) -> str:
    return reverse("involvement_requests:invite_organisations", args=[request.pk])


def test_organisations_are_asked_by_email_and_it_is_logged(
    ppi_client, ppi_user, accepted, django_capture_on_commit_callbacks
):
    carers = OrganisationFactory(name="Northfield Carers")
    OrganisationContact.objects.create(organisation=carers, name="Rita Shah", email="rita@carers.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = ppi_client.post(
            organisations_url(accepted), {"organisations": [carers.pk], "message": "Thank you!"}
        )
    assert response.status_code == 302
    sent = OrganisationInvitation.objects.get(request=accepted)
    assert (sent.email, sent.invited_by, sent.sent_at is not None) == (
        "rita@carers.example.org",
        ppi_user,
        True,
    )
    assert mail.outbox[0].to == ["rita@carers.example.org"]
    assert "Dear Rita Shah" in mail.outbox[0].body and "Thank you!" in mail.outbox[0].body
    logged = Conversation.objects.get(organisation=carers)
    assert logged.involvement_request_id_ref == accepted.pk and logged.channel == "email"
    # Asked once: the organisation is no longer offered.
    assert "Northfield Carers" not in ppi_client.get(organisations_url(accepted)).content.decode()


def test_an_organisation_with_no_contact_email_refuses_the_lot(
    ppi_client, accepted, django_capture_on_commit_callbacks
):
    good = OrganisationFactory(name="Good Org")
    OrganisationContact.objects.create(organisation=good, name="Sam", email="sam@good.example.org")
    silent = OrganisationFactory(name="Silent Org")
    OrganisationContact.objects.create(organisation=silent, name="No Email")
    with django_capture_on_commit_callbacks(execute=True):
        response = ppi_client.post(organisations_url(accepted), {"organisations": [good.pk, silent.pk]})
    assert response.status_code == 400
    assert "Silent Org has no contact with an email address" in response.content.decode()
    assert not OrganisationInvitation.objects.exists() and mail.outbox == []


def test_organisation_form_bad_input_is_named(ppi_client, accepted):
    for data in ({}, {"organisations": ["999999"]}, {"organisations": ["x"]}):
        response = ppi_client.post(organisations_url(accepted), data)
        assert response.status_code == 400
        page = response.content.decode()
        assert "Select at least one organisation" in page or "Select organisations from the list" in page
    assert not OrganisationInvitation.objects.exists()


def test_one_link_answers_one_invitation_only(accepted):
    mine, my_token = invitation_with_link(request=accepted)
    theirs, _t = invitation_with_link(request=accepted, person=confirmed_improver())
    Client().post(respond_url(my_token), {"answer": "accept"})
    theirs.refresh_from_db()
    assert theirs.status == "invited"


def test_the_reminder_task_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert send_invitation_reminders.name in tasks


def test_the_personal_page_is_not_kept_by_browsers_or_proxies(accepted):
    _invitation, token = invitation_with_link(request=accepted)
    response = Client().get(respond_url(token))
    assert "no-store" in response["Cache-Control"]
