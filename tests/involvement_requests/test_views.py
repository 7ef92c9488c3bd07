"""The pages, as the people who use them: what they may open, type and see."""

import pytest
from django.core import mail
from django.urls import reverse

from involvement_requests.models import InvolvementRequest, RequestStatusChange, Status
from tests.factories import (
    ClinicalManagementGroupFactory,
    InvolvementRequestFactory,
    QualityPriorityFactory,
    UserFactory,
    rung,
)

pytestmark = pytest.mark.django_db


def detail(obj):
    return reverse("involvement_requests:detail", args=[obj.pk])


def complete_answers(**overrides) -> dict:
    cmg = ClinicalManagementGroupFactory()
    data = {
        "title": "Quieter wards at night",
        "summary": "Less noise at night on the older people's wards.",
        "cmg": cmg.pk,
        "priority": QualityPriorityFactory().pk,
        "stage": "initiation",
        "start_date_0": "1",
        "start_date_1": "3",
        "start_date_2": "2027",
        "end_date_0": "30",
        "end_date_1": "9",
        "end_date_2": "2027",
        "intelligence": "Noise is the top complaint in the inpatient survey.",
        "groups_affected": "Older inpatients and their carers.",
        "how_involve": "Patients design and test the night-time routine with staff.",
        "scope_to_influence": "Patients choose which changes to try first.",
        "equality_answer": "yes",
        "equality_affected": ["age", "disability"],
        "equality_engagement": "Ward visits with the dementia support workers.",
        "purpose": "Better sleep and faster recovery.",
        "proposed_rung": rung(6).pk,
        "partners_wanted": "1",
        "improvers_wanted": "5",
        "community_groups_wanted": "0",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- Seeing requests ----------------------------------------------------------------


def test_qi_lead_cannot_open_another_leads_request(qi_client, other_qi_user):
    theirs = InvolvementRequestFactory(submitted_by=other_qi_user, complete=True)
    for name in ("detail", "edit"):
        assert qi_client.get(reverse(f"involvement_requests:{name}", args=[theirs.pk])).status_code == 404


def test_a_guessed_id_that_does_not_exist_is_not_found(qi_client):
    assert qi_client.get(reverse("involvement_requests:detail", args=[999999])).status_code == 404


def test_a_co_lead_can_open_and_edit_the_request(qi_user, other_qi_user):
    theirs = InvolvementRequestFactory(submitted_by=other_qi_user, complete=True)
    theirs.co_leads.add(qi_user)
    client = pytest.importorskip("django.test").Client()
    client.force_login(qi_user)
    assert client.get(detail(theirs)).status_code == 200
    assert client.get(reverse("involvement_requests:edit", args=[theirs.pk])).status_code == 200


def test_my_requests_lists_own_and_co_led_requests_only(qi_client, qi_user, other_qi_user):
    mine = InvolvementRequestFactory(submitted_by=qi_user, title="Mine to see")
    co_led = InvolvementRequestFactory(submitted_by=other_qi_user, title="Co-led to see")
    co_led.co_leads.add(qi_user)
    InvolvementRequestFactory(submitted_by=other_qi_user, title="Not for my eyes")
    page = qi_client.get(reverse("involvement_requests:list")).content.decode()
    assert mine.title in page and co_led.title in page
    assert "Not for my eyes" not in page


def test_the_home_page_shows_a_qi_lead_their_requests(qi_client, qi_user):
    InvolvementRequestFactory(submitted_by=qi_user, title="Discharge before noon")
    assert "Discharge before noon" in qi_client.get(reverse("home")).content.decode()


def test_the_ppi_team_sees_every_request_and_the_queue_counts(ppi_client, submitted):
    assert ppi_client.get(detail(submitted)).status_code == 200
    page = ppi_client.get(reverse("involvement_requests:queue")).content.decode()
    assert submitted.title in page
    assert "New</strong></a> (1)" in page
    assert "New</a>: 1" in ppi_client.get(reverse("home")).content.decode()


def test_board_members_see_no_requests(board_client, submitted):
    assert board_client.get(detail(submitted)).status_code == 403
    assert board_client.get(reverse("involvement_requests:list")).status_code == 403


# --- The form -----------------------------------------------------------------------


def test_a_qi_lead_saves_a_draft_with_only_a_title(qi_client, qi_user):
    response = qi_client.post(
        reverse("involvement_requests:create"), {"title": "Early idea", "save_draft": "Save as draft"}
    )
    saved = InvolvementRequest.objects.get(title="Early idea")
    assert response.status_code == 302 and response.url == detail(saved)
    assert (saved.status, saved.submitted_by) == (Status.DRAFT, qi_user)


def test_submitting_an_incomplete_request_names_every_missing_answer(qi_client):
    response = qi_client.post(
        reverse("involvement_requests:create"), {"title": "Half done", "submit_request": "Submit request"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    for message in (
        "Enter a summary of the project",
        "Select the Clinical Management Group",
        "Say how you will involve patients, their families and carers",
        "Select the rung of the ladder you propose",
        "Select the Quality Strategy priority, or say the project serves none",
        "Say how many people or groups you would like to involve",
    ):
        assert message in page
    assert not InvolvementRequest.objects.filter(title="Half done").exists()


def test_a_complete_request_is_submitted_and_the_ppi_team_told(qi_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = qi_client.post(
            reverse("involvement_requests:create"), complete_answers(submit_request="Submit request")
        )
    saved = InvolvementRequest.objects.get(title="Quieter wards at night")
    assert response.status_code == 302
    assert saved.status == Status.SUBMITTED
    assert saved.equality_affected == ["age", "disability"]
    assert len(mail.outbox) == 1


def test_dates_out_of_order_are_refused(qi_client):
    response = qi_client.post(
        reverse("involvement_requests:create"),
        complete_answers(end_date_0="1", end_date_1="1", end_date_2="2027", save_draft="Save as draft"),
    )
    assert "Project end date must be the same as or after the start date" in response.content.decode()
    assert not InvolvementRequest.objects.exists()


def test_a_rung_that_does_not_exist_is_refused(qi_client):
    response = qi_client.post(
        reverse("involvement_requests:create"), complete_answers(proposed_rung="999", save_draft="Save")
    )
    assert "Select a rung from the ladder" in response.content.decode()
    assert not InvolvementRequest.objects.exists()


def test_a_retired_rung_cannot_be_chosen_for_a_new_request(qi_client):
    retired = rung(3)
    retired.is_active = False
    retired.save()
    response = qi_client.post(
        reverse("involvement_requests:create"),
        complete_answers(proposed_rung=str(retired.pk), save_draft="Save"),
    )
    assert "Select a rung from the ladder" in response.content.decode()


def test_a_tampered_co_lead_id_is_refused(qi_client, board_user):
    response = qi_client.post(
        reverse("involvement_requests:create"),
        complete_answers(co_leads=[str(board_user.pk)], save_draft="Save"),
    )
    assert "Select a valid choice" in response.content.decode()
    assert not InvolvementRequest.objects.exists()


def test_the_rung_guidance_is_shown_as_they_choose(qi_client):
    page = qi_client.get(reverse("involvement_requests:create")).content.decode()
    assert rung(6).description in page
    assert 'aria-describedby="id_proposed_rung_5-hint"' in page


def test_posting_to_another_leads_request_changes_nothing(qi_client, other_qi_user):
    theirs = InvolvementRequestFactory(submitted_by=other_qi_user, title="Theirs")
    response = qi_client.post(
        reverse("involvement_requests:edit", args=[theirs.pk]), {"title": "Hijacked", "save_draft": "Save"}
    )
    assert response.status_code == 404
    assert InvolvementRequest.objects.get(pk=theirs.pk).title == "Theirs"


def test_a_submitted_request_cannot_be_edited(qi_client, submitted):
    response = qi_client.post(
        reverse("involvement_requests:edit", args=[submitted.pk]), {"title": "Sneaky", "save_draft": "Save"}
    )
    assert response.status_code == 302
    assert InvolvementRequest.objects.get(pk=submitted.pk).title != "Sneaky"


# --- Moves --------------------------------------------------------------------------


def move(client, obj, action, **data):
    return client.post(reverse("involvement_requests:move", args=[obj.pk, action]), data, follow=True)


def test_another_qi_lead_cannot_withdraw_by_guessing_the_id(submitted, other_qi_user):
    from django.test import Client

    client = Client()
    client.force_login(other_qi_user)
    response = client.post(
        reverse("involvement_requests:withdraw", args=[submitted.pk]), {"note": "Mine now"}
    )
    assert response.status_code == 404
    assert InvolvementRequest.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_a_qi_lead_pressing_a_ppi_button_is_told_no(qi_client, submitted):
    page = move(qi_client, submitted, "start-assessment", status="submitted").content.decode()
    assert "You cannot make that change to this request." in page
    assert InvolvementRequest.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_an_illegal_move_shows_a_message_and_changes_nothing(ppi_client, submitted):
    page = move(ppi_client, submitted, "evaluation", status="submitted").content.decode()
    assert "cannot be moved to evaluation" in page
    assert InvolvementRequest.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_acting_on_a_stale_page_is_refused(ppi_client, submitted, ppi_user):
    """The page was opened while the request was submitted; someone else started it since."""
    from involvement_requests import services

    services.request_start_assessment(request=InvolvementRequest.objects.get(pk=submitted.pk), by=ppi_user)
    page = ppi_client.post(
        reverse("involvement_requests:withdraw", args=[submitted.pk]), {"status": "submitted"}, follow=True
    ).content.decode()
    assert "Someone else changed this request first" in page
    assert InvolvementRequest.objects.get(pk=submitted.pk).status == Status.IN_ASSESSMENT


def test_an_unknown_action_is_not_found(ppi_client, submitted):
    response = ppi_client.post(reverse("involvement_requests:move", args=[submitted.pk, "teleport"]))
    assert response.status_code == 404


def test_the_ppi_team_scores_and_the_submitter_sees_the_reasons(ppi_client, qi_client, in_assessment):
    response = ppi_client.post(
        reverse("involvement_requests:assess", args=[in_assessment.pk]),
        {
            "relevance": "2",
            "patient_focus": "3",
            "timing": "during",
            "equality": "1",
            "recommended_rung": str(rung(5).pk),
            "relevance_comment": "Fits the discharge priority",
        },
    )
    assert response.status_code == 302
    page = qi_client.get(detail(in_assessment)).content.decode()
    assert "Score 9 out of 12: Accept" in page
    assert "Patients join once the project is under way" in page
    assert "Fits the discharge priority" in page


def test_a_score_out_of_range_is_refused(ppi_client, in_assessment):
    response = ppi_client.post(
        reverse("involvement_requests:assess", args=[in_assessment.pk]),
        {
            "relevance": "7",
            "patient_focus": "3",
            "timing": "during",
            "equality": "1",
            "recommended_rung": "99",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in page and "Select a rung from the ladder" in page
    assert not hasattr(InvolvementRequest.objects.get(pk=in_assessment.pk), "assessment")


def test_an_override_without_a_reason_is_refused(ppi_client, in_assessment):
    response = ppi_client.post(
        reverse("involvement_requests:assess", args=[in_assessment.pk]),
        {
            "relevance": "2",
            "patient_focus": "3",
            "timing": "during",
            "equality": "1",
            "recommended_rung": str(rung(5).pk),
            "override": "decline",
        },
    )
    assert "Enter the reason for overriding the recommendation" in response.content.decode()


def test_declining_without_a_reason_shows_the_error(ppi_client, in_assessment):
    response = ppi_client.post(
        reverse("involvement_requests:decline", args=[in_assessment.pk]), {"reason": ""}
    )
    assert "Enter the reason for declining the request" in response.content.decode()
    assert InvolvementRequest.objects.get(pk=in_assessment.pk).status == Status.IN_ASSESSMENT


def test_declining_with_a_reason_tells_the_submitter(
    ppi_client, in_assessment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ppi_client.post(
            reverse("involvement_requests:decline", args=[in_assessment.pk]),
            {"reason": "Already covered", "status": "in_assessment"},
        )
    assert InvolvementRequest.objects.get(pk=in_assessment.pk).status == Status.DECLINED
    assert "Reason: Already covered" in mail.outbox[-1].body


def test_closing_records_the_rung_achieved(ppi_client, accepted, ppi_user):
    from involvement_requests import services
    from tests.outcomes.helpers import record_outcomes

    for step in (
        services.request_mark_people_allocated,
        services.request_start,
        services.request_start_evaluation,
    ):
        step(request=accepted, by=ppi_user)
    record_outcomes(accepted, by=ppi_user)  # outcomes' close check: see tests/outcomes
    ppi_client.post(
        reverse("involvement_requests:close", args=[accepted.pk]), {"achieved_rung": str(rung(4).pk)}
    )
    saved = InvolvementRequest.objects.get(pk=accepted.pk)
    assert saved.status == Status.CLOSED and saved.achieved_rung == rung(4)


def test_more_information_asked_for_shows_to_the_submitter(ppi_client, qi_client, in_assessment):
    move(ppi_client, in_assessment, "more-info", status="in_assessment", note="Which wards are in scope?")
    page = qi_client.get(detail(in_assessment)).content.decode()
    assert "Which wards are in scope?" in page
    assert "Change answers" in page
    assert RequestStatusChange.objects.filter(request=in_assessment, to_status=Status.MORE_INFO).exists()


# --- The bulletin and reference data ------------------------------------------------


def test_only_requests_marked_public_and_accepted_appear_on_the_bulletin(client, accepted, qi_user):
    InvolvementRequest.objects.filter(pk=accepted.pk).update(
        open_to_public=True, public_summary="Help us redesign discharge"
    )
    InvolvementRequestFactory(
        submitted_by=qi_user, open_to_public=True, public_summary="Still a draft", status=Status.DRAFT
    )
    page = client.get(reverse("involvement_requests:bulletin")).content.decode()
    assert "Help us redesign discharge" in page
    assert "Still a draft" not in page


def test_the_bulletin_pages_newest_decision_first_with_odd_pages_as_before(client, qi_user):
    from django.utils import timezone

    decided = timezone.now()
    for number in range(26):
        InvolvementRequestFactory(
            submitted_by=qi_user,
            status=Status.ACCEPTED,
            open_to_public=True,
            title=f"Opportunity {number:02d}",
            decided_at=decided - timezone.timedelta(days=number),
        )
    url = reverse("involvement_requests:bulletin")

    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()

    assert "Opportunity 00" in first and "Opportunity 24" in first and "Opportunity 25" not in first
    assert 'aria-label="Page 1 of 2"' in first
    assert 'aria-label="Page 2 of 2"' in second and "Opportunity 25" in second
    for sent, shown in (("3", 2), ("0", 2), ("two", 1)):
        assert f'aria-label="Page {shown} of 2"' in client.get(url + f"?page={sent}").content.decode(), sent


def test_the_bulletin_counts_an_opportunity_opened_after_it_was_last_seen(client, qi_user):
    # The bulletin's count is kept between visits: a request opened to the public must
    # still add its page.
    def opportunity(number):
        return InvolvementRequestFactory(
            submitted_by=qi_user,
            status=Status.ACCEPTED,
            open_to_public=True,
            title=f"Opportunity {number:02d}",
        )

    for number in range(25):
        opportunity(number)
    url = reverse("involvement_requests:bulletin")
    assert "Page 1 of" not in client.get(url).content.decode()

    opportunity(25)

    assert 'aria-label="Page 1 of 2"' in client.get(url).content.decode()
    assert 'aria-label="Page 2 of 2"' in client.get(url + "?page=2").content.decode()


def test_the_weekly_digest_lists_open_opportunities(accepted, settings):
    from involvement_requests.tasks import send_opportunities_digest

    settings.REQUESTS_DIGEST_RECIPIENTS = ["improver.one@example.org", "improver.two@example.org"]
    InvolvementRequest.objects.filter(pk=accepted.pk).update(open_to_public=True, public_summary="Join us")
    assert send_opportunities_digest.delay().get() == 2
    assert [message.to for message in mail.outbox] == [
        ["improver.one@example.org"],
        ["improver.two@example.org"],
    ]
    assert "Join us" in mail.outbox[0].body


def test_no_digest_is_sent_when_nothing_is_open(settings):
    from involvement_requests.tasks import send_opportunities_digest

    settings.REQUESTS_DIGEST_RECIPIENTS = ["improver.one@example.org"]
    assert send_opportunities_digest.delay().get() == 0
    assert mail.outbox == []


def test_the_digest_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "involvement_requests.tasks.send_opportunities_digest" in tasks


def test_the_ppi_team_edits_a_rung(ppi_client):
    target = rung(2)
    response = ppi_client.post(
        reverse("involvement_requests:reference_edit", args=["rungs", target.pk]),
        {
            "order": "2",
            "name": "Consulting",
            "description": "Asking views on options.",
            "examples": "",
            "spectrum_level": "engage",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.description == "Asking views on options."


def test_a_rung_with_a_duplicate_order_is_refused(ppi_client):
    response = ppi_client.post(
        reverse("involvement_requests:reference_add", args=["rungs"]),
        {"order": "3", "name": "Another", "description": "x", "spectrum_level": "engage"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_removing_a_rung_in_use_retires_it(ppi_client, submitted):
    used = submitted.proposed_rung
    page = ppi_client.post(reverse("involvement_requests:rung_delete", args=[used.pk]), follow=True)
    assert "retired rather than deleted" in page.content.decode()
    used.refresh_from_db()
    assert used.is_active is False


def test_qi_leads_cannot_edit_reference_data(qi_client):
    response = qi_client.post(reverse("involvement_requests:rung_delete", args=[rung(1).pk]))
    assert response.status_code == 403
    assert rung(1).pk


# --- Queries per page ---------------------------------------------------------------


def _queue_queries(client, count, django_assert_max_num_queries=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lead = UserFactory(role="QI lead")
    cmg = ClinicalManagementGroupFactory()
    for _ in range(count):
        InvolvementRequestFactory(
            submitted_by=lead,
            cmg=cmg,
            status=Status.SUBMITTED,
            proposed_rung=rung(4),
            last_submitted_at="2026-01-01T09:00Z",
        )
    url = reverse("involvement_requests:queue") + "?queue=all&rung=" + str(rung(4).pk)
    client.get(url)  # warm the per-user caches (roles, security policy)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_queue_runs_the_same_queries_for_5_and_50_requests(ppi_client):
    five = _queue_queries(ppi_client, 5)
    InvolvementRequest.objects.all().delete()
    fifty = _queue_queries(ppi_client, 50)
    assert five == fifty


def test_my_requests_runs_the_same_queries_for_5_and_50_requests(qi_client, qi_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for total in (5, 50):
        InvolvementRequest.objects.all().delete()
        for _ in range(total):
            InvolvementRequestFactory(submitted_by=qi_user, complete=True)
        qi_client.get(reverse("involvement_requests:list"))  # warm the per-user caches
        with CaptureQueriesContext(connection) as captured:
            qi_client.get(reverse("involvement_requests:list"))
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_queue_filters_by_cmg_and_shows_overdue_requests(ppi_client, settings):
    import datetime

    from django.utils import timezone

    settings.REQUESTS_ASSESSMENT_DUE_DAYS = 10
    lead = UserFactory(role="QI lead")
    cardiac, renal = (
        ClinicalManagementGroupFactory(name="Cardiac"),
        ClinicalManagementGroupFactory(name="Renal"),
    )
    old = timezone.now() - datetime.timedelta(days=11)
    InvolvementRequestFactory(
        submitted_by=lead, cmg=cardiac, title="Waiting long", status=Status.SUBMITTED, last_submitted_at=old
    )
    InvolvementRequestFactory(
        submitted_by=lead,
        cmg=renal,
        title="Just arrived",
        status=Status.SUBMITTED,
        last_submitted_at=timezone.now(),
    )
    url = reverse("involvement_requests:queue")
    filtered = ppi_client.get(url, {"queue": "all", "cmg": renal.pk}).content.decode()
    assert "Just arrived" in filtered and "Waiting long" not in filtered
    assert "1 request matches these filters." in filtered
    both = ppi_client.get(url, {"queue": "all", "status": "submitted"}).content.decode()
    assert "2 requests match these filters." in both
    none = ppi_client.get(url, {"queue": "all", "status": "active"}).content.decode()
    assert "0 requests match these filters." in none and "No requests here." in none
    overdue = ppi_client.get(url, {"queue": "overdue"}).content.decode()
    assert "Waiting long" in overdue and "Just arrived" not in overdue


def test_a_nonsense_filter_value_is_a_message_not_a_crash(ppi_client):
    response = ppi_client.get(
        reverse("involvement_requests:queue"), {"status": "lost", "submitted_from": "soon"}
    )
    # Refused as the People list refuses one: 400, the message at the field.
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert "Enter a valid date" in response.content.decode()


def test_a_draft_saved_earlier_is_finished_and_submitted_later(qi_client, qi_user, other_qi_user):
    draft = InvolvementRequestFactory(submitted_by=qi_user, title="Started last week")
    response = qi_client.post(
        reverse("involvement_requests:edit", args=[draft.pk]),
        complete_answers(co_leads=[str(other_qi_user.pk)], submit_request="Submit request"),
    )
    assert response.status_code == 302
    saved = InvolvementRequest.objects.get(pk=draft.pk)
    assert saved.status == Status.SUBMITTED
    assert list(saved.co_leads.all()) == [other_qi_user]


def test_the_form_does_not_call_needed_questions_optional(qi_client):
    page = qi_client.get(reverse("involvement_requests:create")).content.decode()
    assert "Project summary (optional)" not in page
    assert "Support and access needs (optional)" in page


def test_the_ppi_team_fills_a_request_in_for_a_qi_lead_who_then_owns_it(ppi_client, qi_client, qi_user):
    response = ppi_client.post(
        reverse("involvement_requests:create"),
        complete_answers(on_behalf_of=str(qi_user.pk), save_draft="Save as draft"),
    )
    saved = InvolvementRequest.objects.get(title="Quieter wards at night")
    assert response.status_code == 302
    assert saved.submitted_by == qi_user
    assert qi_client.get(detail(saved)).status_code == 200


def test_the_ppi_team_must_say_whom_a_request_is_for(ppi_client, board_user):
    for value in ("", str(board_user.pk)):
        response = ppi_client.post(
            reverse("involvement_requests:create"), complete_answers(on_behalf_of=value, save_draft="Save")
        )
        page = response.content.decode()
        assert "Select the QI lead this request is for" in page or "Select a QI lead from the list" in page
    assert not InvolvementRequest.objects.exists()


def test_a_qi_lead_cannot_file_a_request_in_someone_elses_name(qi_client, qi_user, other_qi_user):
    qi_client.post(
        reverse("involvement_requests:create"),
        complete_answers(on_behalf_of=str(other_qi_user.pk), save_draft="Save"),
    )
    assert InvolvementRequest.objects.get().submitted_by == qi_user


@pytest.mark.parametrize(
    ("kind", "data", "model_label"),
    [
        (
            "priorities",
            {"name": "Research", "order": "9", "is_active": "on"},
            "involvement_requests.QualityPriority",
        ),
        ("cmgs", {"name": "Community Services", "is_active": "on"}, "people_bank.ClinicalManagementGroup"),
        ("interests", {"name": "Hearing loss", "is_active": "on"}, "people_bank.Interest"),
    ],
)
def test_the_ppi_team_adds_reference_data(ppi_client, kind, data, model_label):
    from django.apps import apps

    response = ppi_client.post(reverse("involvement_requests:reference_add", args=[kind]), data)
    assert response.status_code == 302
    assert apps.get_model(model_label).objects.filter(name=data["name"]).exists()
    # The same name again, in other capitals, is refused with a message.
    again = ppi_client.post(
        reverse("involvement_requests:reference_add", args=[kind]), {**data, "name": data["name"].upper()}
    )
    assert "is already in the list" in again.content.decode()
    assert apps.get_model(model_label).objects.filter(name__iexact=data["name"]).count() == 1


def test_a_service_is_added_to_a_cmg_and_a_tampered_cmg_is_refused(ppi_client):
    from people_bank.models import Service

    cmg = ClinicalManagementGroupFactory()
    url = reverse("involvement_requests:reference_add", args=["services"])
    assert ppi_client.post(url, {"name": "Audiology", "cmg": cmg.pk, "is_active": "on"}).status_code == 302
    refused = ppi_client.post(url, {"name": "Podiatry", "cmg": "999999"})
    assert "Select a valid choice" in refused.content.decode()
    assert list(Service.objects.values_list("name", flat=True)) == ["Audiology"]


def test_every_reference_page_opens_for_the_ppi_team_and_an_unknown_list_is_not_found(ppi_client):
    from tests.factories import InterestFactory, ServiceFactory

    service, interest = ServiceFactory(), InterestFactory()
    rows = {"rungs": rung(1), "priorities": QualityPriorityFactory(), "cmgs": service.cmg}
    rows.update({"services": service, "interests": interest})
    for kind, row in rows.items():
        assert ppi_client.get(reverse("involvement_requests:reference_add", args=[kind])).status_code == 200
        assert (
            ppi_client.get(reverse("involvement_requests:reference_edit", args=[kind, row.pk])).status_code
            == 200
        )
    assert ppi_client.get(reverse("involvement_requests:reference_add", args=["people"])).status_code == 404
    home = ppi_client.get(reverse("involvement_requests:reference")).content.decode()
    assert "<title>Reference data –" in home
    assert home.count("Clinical Management Groups and their services") == 1


def test_qi_leads_cannot_open_reference_pages(qi_client):
    assert qi_client.get(reverse("involvement_requests:reference_add", args=["cmgs"])).status_code == 403


def test_a_requests_page_runs_the_same_queries_however_long_its_history(ppi_client, ppi_user, qi_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from involvement_requests import services

    def queries(obj) -> int:
        ppi_client.get(detail(obj))  # warm the per-user caches
        with CaptureQueriesContext(connection) as captured:
            assert ppi_client.get(detail(obj)).status_code == 200
        return len(captured)

    short = InvolvementRequestFactory(submitted_by=qi_user, complete=True)
    services.request_submit(request=short, by=qi_user)
    long = InvolvementRequestFactory(submitted_by=qi_user, complete=True)
    long.co_leads.add(UserFactory(role="QI lead"), UserFactory(role="QI lead"))
    services.request_submit(request=long, by=qi_user)
    for _ in range(3):
        services.request_start_assessment(request=long, by=ppi_user)
        services.request_ask_for_information(request=long, by=ppi_user, note="More please")
        services.request_submit(request=long, by=qi_user)
    assert queries(short) == queries(long)


def test_counts_by_rung_use_the_planned_rung_once_assessed(ppi_client):
    from involvement_requests.selectors import counts_by_rung

    lead = UserFactory(role="QI lead")
    InvolvementRequestFactory(submitted_by=lead, status=Status.SUBMITTED, proposed_rung=rung(2))
    InvolvementRequestFactory(
        submitted_by=lead, status=Status.ACCEPTED, proposed_rung=rung(2), planned_rung=rung(5)
    )
    InvolvementRequestFactory(submitted_by=lead, status=Status.DRAFT, proposed_rung=rung(2))
    counts = {row["rung"].order: row["count"] for row in counts_by_rung()}
    assert counts == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1, 6: 0}


def test_the_submitter_withdraws_with_a_reason_and_the_ppi_team_is_told(
    qi_client, submitted, settings, django_capture_on_commit_callbacks
):
    page = qi_client.get(reverse("involvement_requests:withdraw", args=[submitted.pk])).content.decode()
    assert "You cannot undo a withdrawal" in page
    # Opening the page changes nothing; only confirming does.
    assert InvolvementRequest.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        qi_client.post(
            reverse("involvement_requests:withdraw", args=[submitted.pk]),
            {"note": "The project has been paused", "status": "submitted"},
        )
    assert InvolvementRequest.objects.get(pk=submitted.pk).status == Status.WITHDRAWN
    assert mail.outbox[-1].to == [settings.PPI_TEAM_EMAIL]
    assert "The project has been paused" in mail.outbox[-1].body


def test_a_draft_is_in_no_queue_and_the_all_tab_counts_what_it_lists(ppi_client, qi_user, submitted):
    InvolvementRequestFactory(submitted_by=qi_user, title="Half-written idea", status=Status.DRAFT)
    page = ppi_client.get(reverse("involvement_requests:queue") + "?queue=all").content.decode()
    assert submitted.title in page and "Half-written idea" not in page
    assert "All requests</strong></a> (1)" in page


def test_a_renamed_rung_shows_at_once_in_the_queue(ppi_client):
    lead = UserFactory(role="QI lead")
    InvolvementRequestFactory(
        submitted_by=lead,
        status=Status.SUBMITTED,
        proposed_rung=rung(2),
        last_submitted_at="2026-01-01T09:00Z",
    )
    queue = reverse("involvement_requests:queue")
    assert "Consulting (proposed)" in ppi_client.get(queue).content.decode()  # the counts are now kept
    target = rung(2)
    ppi_client.post(
        reverse("involvement_requests:reference_edit", args=["rungs", target.pk]),
        {
            "order": "2",
            "name": "Asking views",
            "description": "x",
            "spectrum_level": "engage",
            "is_active": "on",
        },
    )
    page = ppi_client.get(queue).content.decode()
    assert "Asking views (proposed)" in page
    assert '<td class="nhsuk-table__cell">Asking views</td>' in page  # requests on each rung
    assert "Consulting" not in page


def test_a_later_page_of_the_queue_carries_on_in_submission_order(ppi_client):
    lead = UserFactory(role="QI lead")
    made = [
        InvolvementRequestFactory(
            submitted_by=lead, status=Status.SUBMITTED, last_submitted_at=f"2026-01-{day:02d}T09:00Z"
        )
        for day in range(28, 0, -1)
    ]
    InvolvementRequestFactory(submitted_by=lead, status=Status.DRAFT)  # never in the queue
    page = ppi_client.get(reverse("involvement_requests:queue") + "?queue=all&page=2").content.decode()
    shown = sorted(
        (obj for obj in made if f">{obj.reference} " in page), key=lambda obj: page.index(obj.reference)
    )
    assert shown == list(reversed(made))[25:]


def test_the_queue_filters_by_current_rung_and_by_local_submission_day(ppi_client):
    lead = UserFactory(role="QI lead")

    def made(title, submitted, **rungs):
        InvolvementRequestFactory(
            submitted_by=lead, status=Status.SUBMITTED, title=title, last_submitted_at=submitted, **rungs
        )

    made("Proposed four", "2026-06-01T22:30Z", proposed_rung=rung(4))  # 23:30 on 1 June in London
    made("Planned four", "2026-06-01T23:30Z", proposed_rung=rung(2), planned_rung=rung(4))  # 00:30 on 2 June
    made("Planned over", "2026-06-01T12:00Z", proposed_rung=rung(4), planned_rung=rung(5))
    queue = reverse("involvement_requests:queue") + "?queue=all"

    page = ppi_client.get(f"{queue}&rung={rung(4).pk}").content.decode()
    assert "Proposed four" in page and "Planned four" in page
    assert "Planned over" not in page  # assessed onto another rung

    page = ppi_client.get(f"{queue}&submitted_to=2026-06-01").content.decode()
    assert "Proposed four" in page and "Planned over" in page and "Planned four" not in page
    page = ppi_client.get(f"{queue}&submitted_from=2026-06-02").content.decode()
    assert "Planned four" in page and "Proposed four" not in page


def test_a_renamed_cmg_shows_at_once_in_the_queue(ppi_client):
    cmg = ClinicalManagementGroupFactory(name="Renal and Urology")
    InvolvementRequestFactory(
        submitted_by=UserFactory(role="QI lead"),
        cmg=cmg,
        status=Status.SUBMITTED,
        last_submitted_at="2026-01-01T09:00Z",
    )
    queue = reverse("involvement_requests:queue")
    assert "CMG </span>Renal and Urology<" in ppi_client.get(queue).content.decode()  # names now kept
    ppi_client.post(
        reverse("involvement_requests:reference_edit", args=["cmgs", cmg.pk]),
        {"name": "Renal, Transplant and Urology", "is_active": "on"},
    )
    assert "CMG </span>Renal, Transplant and Urology<" in ppi_client.get(queue).content.decode()


def test_my_requests_pages_and_totals_read_with_the_rows_and_odd_pages_as_before(qi_client, qi_user):
    for number in range(27):
        InvolvementRequestFactory(submitted_by=qi_user, title=f"Request number {number:02d}")
    url = reverse("involvement_requests:list")

    first = qi_client.get(url).content.decode()
    second = qi_client.get(url + "?page=2").content.decode()

    # Newest first, 25 a page, and "of 2 pages" from the count read with the rows.
    assert "Request number 26" in first and "Request number 02" in first and "Request number 01" not in first
    assert 'aria-label="Page 1 of 2"' in first and 'aria-label="Page 2 of 2"' in second
    assert "Request number 01" in second and "Request number 00" in second
    # Past the end, zero or nonsense: what Django's paginator gives (the last page, or the first).
    for sent, shown in (("9", 2), ("0", 2), ("x", 1), ("99999999999999999999", 2)):
        assert f'aria-label="Page {shown} of 2"' in qi_client.get(url + f"?page={sent}").content.decode(), (
            sent
        )
    home = qi_client.get(reverse("home")).content.decode()
    assert (
        "All your requests (27)" in home and "Request number 22" in home and "Request number 21" not in home
    )
