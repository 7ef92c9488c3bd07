"""Case studies, "you said, we did" updates to participants, and closing a request."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from involvement_requests import services as request_services
from involvement_requests.models import Status
from outcomes import selectors, services
from outcomes.models import CaseStudy, CaseStudyStatus, FeedbackDelivery, FeedbackUpdate, RequestOutcome
from tests.factories import (
    ActivityFactory,
    CaseStudyFactory,
    InvolvementRequestFactory,
    PersonFactory,
    SuggestionFactory,
    rung,
)

pytestmark = pytest.mark.django_db

CASE_STUDY = {
    "title": "Letters people understand",
    "background": "Letters were long.",
    "what_we_did": "A co-design workshop.",
    "who_involved": "Patient Partners and the Deaf community group.",
    "what_changed": "A new letter template.",
    "impact": "Fewer missed appointments.",
    "quote": "It says what to bring.",
}


@pytest.fixture
def own_request(qi_user):
    return InvolvementRequestFactory(submitted_by=qi_user, complete=True, status=Status.EVALUATION)


def test_a_qi_lead_writes_a_draft_case_study_for_their_own_request(qi_client, own_request):
    response = qi_client.post(
        reverse("outcomes:case_study_create", args=[own_request.pk]),
        {**CASE_STUDY, "rung_reached": rung(5).pk},
    )
    study = CaseStudy.objects.get()
    assert response.url == study.get_absolute_url()
    assert (study.request, study.status) == (own_request, CaseStudyStatus.DRAFT)


def test_case_study_goes_draft_approved_published_by_the_ppi_team_only(ppi_client, qi_client, own_request):
    study = CaseStudyFactory(request=own_request)
    assert qi_client.post(reverse("outcomes:case_study_move", args=[study.pk, "approve"])).status_code == 403
    ppi_client.post(reverse("outcomes:case_study_move", args=[study.pk, "publish"]))
    study.refresh_from_db()
    assert study.status == CaseStudyStatus.DRAFT  # a draft cannot skip approval
    ppi_client.post(reverse("outcomes:case_study_move", args=[study.pk, "approve"]))
    ppi_client.post(reverse("outcomes:case_study_move", args=[study.pk, "publish"]))
    study.refresh_from_db()
    assert study.status == CaseStudyStatus.PUBLISHED and study.published_at is not None
    assert (
        ppi_client.post(reverse("outcomes:case_study_move", args=[study.pk, "nonsense"])).status_code == 404
    )


def test_board_members_see_published_case_studies_only(board_client):
    published = CaseStudyFactory(title="Published story", status=CaseStudyStatus.PUBLISHED)
    draft = CaseStudyFactory(title="Draft story")
    listing = board_client.get(reverse("outcomes:case_study_list")).content.decode()
    assert "Published story" in listing and "Draft story" not in listing
    assert board_client.get(published.get_absolute_url()).status_code == 200
    assert board_client.get(draft.get_absolute_url()).status_code == 404
    assert board_client.get(reverse("outcomes:case_study_edit", args=[published.pk])).status_code == 403


def test_a_qi_lead_cannot_see_or_write_case_studies_on_someone_elses_request(qi_client, other_qi_user):
    theirs = InvolvementRequestFactory(submitted_by=other_qi_user, complete=True, status=Status.ACTIVE)
    draft = CaseStudyFactory(request=theirs)
    assert qi_client.get(draft.get_absolute_url()).status_code == 404
    assert qi_client.get(reverse("outcomes:case_study_edit", args=[draft.pk])).status_code == 404
    response = qi_client.post(
        reverse("outcomes:case_study_create", args=[theirs.pk]), {**CASE_STUDY, "rung_reached": rung(5).pk}
    )
    assert response.status_code == 404
    assert CaseStudy.objects.count() == 1


def test_a_qi_lead_cannot_change_an_approved_case_study(qi_client, own_request):
    study = CaseStudyFactory(request=own_request, status=CaseStudyStatus.APPROVED)
    response = qi_client.post(
        reverse("outcomes:case_study_edit", args=[study.pk]), {**CASE_STUDY, "rung_reached": rung(5).pk}
    )
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.title != CASE_STUDY["title"]


@pytest.mark.parametrize(
    "name",
    [
        "request_outcomes",
        "request_outcome_record",
        "request_suggestion_add",
        "request_feedback",
        "case_study_create",
    ],
)
def test_a_qi_lead_guessing_another_leads_request_id_gets_not_found(qi_client, other_qi_user, name):
    theirs = InvolvementRequestFactory(submitted_by=other_qi_user, complete=True, status=Status.ACTIVE)
    assert qi_client.get(reverse(f"outcomes:{name}", args=[theirs.pk])).status_code == 404
    assert (
        qi_client.post(reverse(f"outcomes:{name}", args=[theirs.pk]), {"what_changed": "x"}).status_code
        == 404
    )
    assert qi_client.get(reverse(f"outcomes:{name}", args=[theirs.pk + 1000])).status_code == 404
    assert not RequestOutcome.objects.exists() and not FeedbackUpdate.objects.exists()


def test_request_detail_links_to_its_outcomes_page(qi_client, own_request, board_client):
    page = qi_client.get(own_request.get_absolute_url()).content.decode()
    assert reverse("outcomes:request_outcomes", args=[own_request.pk]) in page


def _involved(request):
    activity = ActivityFactory()
    activity.requests.add(request)
    emailed = PersonFactory(email="emailed@example.com")
    posted = PersonFactory(email="")
    activity.attendees.add(emailed)
    SuggestionFactory(activity=None, request=request, said_by=posted)
    return emailed, posted


def test_you_said_we_did_goes_by_email_and_by_letter_and_each_is_logged(
    qi_client, ppi_client, own_request, django_capture_on_commit_callbacks
):
    emailed, posted = _involved(own_request)
    with django_capture_on_commit_callbacks(execute=True):
        response = qi_client.post(
            reverse("outcomes:request_feedback", args=[own_request.pk]),
            {"message": "You said the letters were confusing. We rewrote them with you."},
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["emailed@example.com"]]
    assert "We rewrote them with you." in mail.outbox[0].body
    update = FeedbackUpdate.objects.get()
    log = {d.person: (d.channel, d.sent_at is not None) for d in update.deliveries.all()}
    assert log == {emailed: ("email", True), posted: ("letter", False)}
    letters = ppi_client.get(reverse("outcomes:feedback_letters", args=[update.pk])).content.decode()
    assert f"Dear {posted.display_name}" in letters and "emailed@example.com" not in letters
    ppi_client.post(reverse("outcomes:feedback_letters", args=[update.pk]))
    assert not FeedbackDelivery.objects.filter(sent_at__isnull=True).exists()
    # Running the email task again sends nothing twice.
    assert services.feedback_email(update_id=update.pk) == 0


def test_an_update_with_no_one_to_send_to_or_no_message_is_refused(qi_client, own_request):
    url = reverse("outcomes:request_feedback", args=[own_request.pk])
    assert "No one is recorded as involved" in qi_client.post(url, {"message": "Thank you."}).content.decode()
    _involved(own_request)
    assert "Enter the" in qi_client.post(url, {"message": ""}).content.decode()
    assert not FeedbackUpdate.objects.exists()


def test_a_request_cannot_close_until_outcomes_are_recorded_and_feedback_sent(
    ppi_user, qi_client, own_request
):
    with pytest.raises(request_services.RequestError, match="record the rung achieved and what changed"):
        request_services.request_close(request=own_request, by=ppi_user, achieved_rung=rung(5))
    own_request.refresh_from_db()
    assert own_request.status == Status.EVALUATION

    qi_client.post(
        reverse("outcomes:request_outcome_record", args=[own_request.pk]),
        {"rung_achieved": rung(5).pk, "what_changed": "A new discharge checklist."},
    )
    assert RequestOutcome.objects.get().what_changed == "A new discharge checklist."
    why = selectors.close_check(own_request)
    assert "record the rung" not in why and "you said, we did" in why
    with pytest.raises(request_services.RequestError, match="you said, we did"):
        request_services.request_close(request=own_request, by=ppi_user, achieved_rung=rung(5))

    _involved(own_request)
    services.feedback_send(request=own_request, message="You said, we did.", by=ppi_user)
    request_services.request_close(request=own_request, by=ppi_user, achieved_rung=rung(5))
    own_request.refresh_from_db()
    assert own_request.status == Status.CLOSED


def test_closing_through_the_page_without_outcomes_says_why(ppi_client, own_request):
    response = ppi_client.post(
        reverse("involvement_requests:close", args=[own_request.pk]),
        {"achieved_rung": rung(5).pk, "note": "", "status": own_request.status},
        follow=True,
    )
    assert "Before closing the request" in response.content.decode()
    own_request.refresh_from_db()
    assert own_request.status == Status.EVALUATION


def test_outcomes_cannot_be_recorded_without_what_changed(qi_client, own_request):
    response = qi_client.post(
        reverse("outcomes:request_outcome_record", args=[own_request.pk]),
        {"rung_achieved": rung(5).pk, "what_changed": "   "},
    )
    assert response.status_code == 200
    assert not RequestOutcome.objects.exists()


def test_the_close_check_registry_runs_every_registered_check(ppi_user, own_request, monkeypatch):
    from involvement_requests.services import CLOSE_CHECKS, register_close_check

    assert selectors.close_check in CLOSE_CHECKS  # outcomes registers itself when the app loads
    monkeypatch.setattr("involvement_requests.services.CLOSE_CHECKS", [])
    register_close_check(lambda request: "Not yet: another reason.")
    register_close_check(selectors.close_check)
    with pytest.raises(request_services.RequestError, match="another reason"):
        request_services.request_close(request=own_request, by=ppi_user, achieved_rung=rung(5))
    assert own_request.status == Status.EVALUATION


def test_a_qi_leads_home_lists_own_and_co_led_requests_waiting_to_close(
    qi_client, qi_user, other_qi_user, own_request, ppi_user
):
    co_led = InvolvementRequestFactory(submitted_by=other_qi_user, complete=True, status=Status.EVALUATION)
    co_led.co_leads.add(qi_user)
    someone_elses = InvolvementRequestFactory(
        submitted_by=other_qi_user, complete=True, status=Status.EVALUATION
    )
    # Outcomes recorded but only blank lines for what changed: still to record, as close_check says.
    RequestOutcome.objects.create(request=co_led, rung_achieved=rung(5), what_changed="\n\t")
    RequestOutcome.objects.create(request=own_request, rung_achieved=rung(5), what_changed="A checklist.")
    _involved(own_request)
    services.feedback_send(request=own_request, message="You said, we did.", by=ppi_user)

    page = qi_client.get(reverse("home")).content.decode()

    assert f"{own_request.reference} {escape(own_request.title)}</a>: ready to close." in page
    assert f"{co_led.reference} {escape(co_led.title)}</a>: {escape(selectors.close_check(co_led))}" in page
    assert "record the rung achieved" in selectors.close_check(co_led)
    assert someone_elses.reference not in page
    assert "All your requests (2)" in page
