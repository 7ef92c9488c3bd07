"""The request's journey through the services: who may move it where, and what follows."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from involvement_requests import services
from involvement_requests.models import InvolvementRequest, Recommendation, RequestStatusChange, Status
from tests.factories import InvolvementRequestFactory, UserFactory, rung
from tests.involvement_requests.conftest import score

pytestmark = pytest.mark.django_db


def fresh(request) -> InvolvementRequest:
    return InvolvementRequest.objects.get(pk=request.pk)


def test_submitting_emails_the_ppi_team_and_records_who_and_when(
    complete_draft, qi_user, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.request_submit(request=complete_draft, by=qi_user, note="Ready")
    saved = fresh(complete_draft)
    assert saved.status == Status.SUBMITTED
    assert saved.submitted_at is not None and saved.last_submitted_at == saved.submitted_at
    change = RequestStatusChange.objects.get(request=saved)
    assert (change.by, change.from_status, change.to_status, change.note) == (
        qi_user,
        Status.DRAFT,
        Status.SUBMITTED,
        "Ready",
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [settings.PPI_TEAM_EMAIL]
    assert "submitted" in mail.outbox[0].subject
    assert saved.reference in mail.outbox[0].body


def test_an_incomplete_request_cannot_be_submitted_and_stays_a_draft(qi_user):
    draft = InvolvementRequestFactory(submitted_by=qi_user)
    with pytest.raises(services.IncompleteRequest) as refused:
        services.request_submit(request=draft, by=qi_user)
    assert "Select the rung of the ladder you propose" in str(refused.value)
    assert fresh(draft).status == Status.DRAFT
    assert not RequestStatusChange.objects.exists()


def test_decisions_email_the_submitter_and_co_leads(
    in_assessment, ppi_user, other_qi_user, django_capture_on_commit_callbacks
):
    in_assessment.co_leads.add(other_qi_user)
    score(in_assessment, ppi_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_accept(request=in_assessment, by=ppi_user, note="Welcome aboard")
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([in_assessment.submitted_by.email, other_qi_user.email])
    assert "accepted" in mail.outbox[0].body
    assert fresh(in_assessment).planned_rung == rung(5)


def test_the_email_task_run_twice_sends_once(submitted, django_capture_on_commit_callbacks):
    from involvement_requests.tasks import notify_status_change

    change = RequestStatusChange.objects.get(request=submitted)
    notify_status_change.delay(change.pk)
    notify_status_change.delay(change.pk)
    assert len(mail.outbox) == 1


def test_the_whole_journey_to_closed_records_both_rungs(accepted, ppi_user):
    services.request_mark_people_allocated(request=accepted, by=ppi_user)
    services.request_start(request=accepted, by=ppi_user)
    services.request_start_evaluation(request=accepted, by=ppi_user)
    from tests.outcomes.helpers import record_outcomes

    record_outcomes(accepted, by=ppi_user)  # outcomes' close check: see tests/outcomes
    services.request_close(request=accepted, by=ppi_user, achieved_rung=rung(4))
    saved = fresh(accepted)
    assert saved.status == Status.CLOSED
    assert (saved.planned_rung, saved.achieved_rung) == (rung(5), rung(4))
    assert list(saved.status_changes.values_list("to_status", flat=True)) == [
        Status.SUBMITTED,
        Status.IN_ASSESSMENT,
        Status.ACCEPTED,
        Status.PEOPLE_ALLOCATED,
        Status.ACTIVE,
        Status.EVALUATION,
        Status.CLOSED,
    ]


def test_closing_asks_for_the_rung_achieved(accepted, ppi_user):
    for step in (
        services.request_mark_people_allocated,
        services.request_start,
        services.request_start_evaluation,
    ):
        step(request=accepted, by=ppi_user)
    with pytest.raises(services.RequestError, match="rung the project achieved"):
        services.request_close(request=accepted, by=ppi_user, achieved_rung=None)
    assert fresh(accepted).status == Status.EVALUATION


def test_another_app_can_stop_a_request_closing(accepted, ppi_user, monkeypatch):
    monkeypatch.setattr(services, "CLOSE_CHECKS", [])
    services.register_close_check(lambda request: "Record the outcomes before closing.")
    for step in (
        services.request_mark_people_allocated,
        services.request_start,
        services.request_start_evaluation,
    ):
        step(request=accepted, by=ppi_user)
    with pytest.raises(services.RequestError, match="Record the outcomes"):
        services.request_close(request=accepted, by=ppi_user, achieved_rung=rung(6))
    assert fresh(accepted).status == Status.EVALUATION


def test_an_illegal_move_is_refused_and_nothing_changes(submitted, ppi_user):
    score_before = RequestStatusChange.objects.count()
    with pytest.raises(services.IllegalMove, match="cannot be moved to people allocated"):
        services.request_mark_people_allocated(request=submitted, by=ppi_user)
    assert fresh(submitted).status == Status.SUBMITTED
    assert RequestStatusChange.objects.count() == score_before


def test_accepting_needs_a_score_first(in_assessment, ppi_user):
    with pytest.raises(services.RequestError, match="Score the request"):
        services.request_accept(request=in_assessment, by=ppi_user)
    assert fresh(in_assessment).status == Status.IN_ASSESSMENT


def test_declining_needs_a_reason(in_assessment, ppi_user):
    with pytest.raises(services.RequestError, match="reason"):
        services.request_decline(request=in_assessment, by=ppi_user, reason="  ")
    assert fresh(in_assessment).status == Status.IN_ASSESSMENT
    services.request_decline(request=in_assessment, by=ppi_user, reason="Out of scope for the PPI team")
    assert fresh(in_assessment).decline_reason == "Out of scope for the PPI team"


def test_a_declined_request_without_a_reason_cannot_be_stored(submitted):
    with pytest.raises(IntegrityError), transaction.atomic():
        InvolvementRequest.objects.filter(pk=submitted.pk).update(status=Status.DECLINED, decline_reason="")


def test_more_information_goes_back_to_the_team_who_resubmit(in_assessment, ppi_user, qi_user):
    services.request_ask_for_information(request=in_assessment, by=ppi_user, note="Which wards?")
    assert fresh(in_assessment).status == Status.MORE_INFO
    first_submitted = fresh(in_assessment).submitted_at
    services.request_submit(request=in_assessment, by=qi_user)
    saved = fresh(in_assessment)
    assert saved.status == Status.SUBMITTED
    assert saved.submitted_at == first_submitted
    assert saved.last_submitted_at > first_submitted


def test_asking_for_information_needs_a_note(in_assessment, ppi_user):
    with pytest.raises(services.RequestError):
        services.request_ask_for_information(request=in_assessment, by=ppi_user, note="")
    assert fresh(in_assessment).status == Status.IN_ASSESSMENT


def test_the_submitter_can_withdraw_from_any_open_state(
    accepted, qi_user, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        services.request_withdraw(request=accepted, by=qi_user, note="Project paused")
    assert fresh(accepted).status == Status.WITHDRAWN
    assert mail.outbox[-1].to == [settings.PPI_TEAM_EMAIL]
    with pytest.raises(services.IllegalMove):
        services.request_withdraw(request=accepted, by=qi_user)


def test_a_qi_lead_cannot_make_the_ppi_teams_moves(submitted, qi_user):
    with pytest.raises(services.NotAllowed):
        services.request_start_assessment(request=submitted, by=qi_user)
    assert fresh(submitted).status == Status.SUBMITTED


def test_another_qi_lead_cannot_withdraw_someone_elses_request(submitted, other_qi_user):
    with pytest.raises(services.NotAllowed):
        services.request_withdraw(request=submitted, by=other_qi_user)
    assert fresh(submitted).status == Status.SUBMITTED


def test_a_co_lead_can_withdraw(submitted, other_qi_user):
    submitted.co_leads.add(other_qi_user)
    services.request_withdraw(request=submitted, by=other_qi_user)
    assert fresh(submitted).status == Status.WITHDRAWN


def test_a_stale_second_move_is_refused(submitted, ppi_user):
    """Two staff open the same submitted request; the second to act is told, not obeyed."""
    second = UserFactory(username="ppi.second", role="PPI team")
    seen_by_first, seen_by_second = fresh(submitted), fresh(submitted)
    services.request_start_assessment(request=seen_by_first, by=ppi_user)
    with pytest.raises(services.SomeoneElseFirst):
        services.request_withdraw(request=seen_by_second, by=second)
    assert fresh(submitted).status == Status.IN_ASSESSMENT
    assert RequestStatusChange.objects.filter(request=submitted, to_status=Status.WITHDRAWN).count() == 0


def test_the_assessment_stores_the_score_and_reasons(in_assessment, ppi_user):
    assessment = score(in_assessment, ppi_user, relevance=1, timing="late", recommended_rung=rung(6))
    assert assessment.total == 1 + 3 + 0 + 2 + 1
    assert assessment.recommendation == Recommendation.ACCEPT_WITH_GUIDANCE
    assert any("late" in reason for reason in assessment.reasons)
    assert fresh(in_assessment).planned_rung == rung(6)


def test_an_override_needs_a_reason(in_assessment, ppi_user):
    with pytest.raises(services.RequestError, match="reason"):
        score(in_assessment, ppi_user, override=Recommendation.DECLINE, override_reason=" ")
    assessment = score(
        in_assessment, ppi_user, override=Recommendation.DECLINE, override_reason="Duplicate project"
    )
    assert assessment.final_recommendation == Recommendation.DECLINE


def test_only_an_editable_request_can_be_changed(submitted, qi_user):
    submitted.title = "Changed after submitting"
    with pytest.raises(services.NotAllowed):
        services.request_save(request=submitted, by=qi_user)
    assert fresh(submitted).title != "Changed after submitting"


def test_a_rung_in_use_is_retired_not_deleted(submitted, ppi_user):
    from involvement_requests.models import Rung

    assert services.rung_delete_or_retire(rung=rung(5), by=ppi_user) == "retired"
    assert Rung.objects.get(order=5).is_active is False
    assert services.rung_delete_or_retire(rung=rung(1), by=ppi_user) == "deleted"
    assert not Rung.objects.filter(order=1).exists()
