"""Every write that matters to an involvement request: <entity>_<action>(*, ..., by)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from involvement_requests import rules, selectors
from involvement_requests.models import Assessment, InvolvementRequest, RequestStatusChange, Rung, Status
from ppe.access import can
from ppe.queue import enqueue_on_commit


class RequestError(Exception):
    """A move or change the rules refuse. The message is shown to the user as it is."""


class IllegalMove(RequestError):
    pass


class SomeoneElseFirst(RequestError):
    pass


class NotAllowed(RequestError):
    pass


class IncompleteRequest(RequestError):
    def __init__(self, missing: dict[str, str]):
        self.missing = missing
        super().__init__("The request cannot be submitted yet: " + "; ".join(missing.values()) + ".")


# Checks other apps add (e.g. outcomes: "record the outcomes before closing"). Each takes
# the request and returns why it cannot close, or None.
CLOSE_CHECKS: list[Callable[[InvolvementRequest], str | None]] = []


def register_close_check(check: Callable[[InvolvementRequest], str | None]) -> None:
    if check not in CLOSE_CHECKS:
        CLOSE_CHECKS.append(check)


def _check_actor(request: InvolvementRequest, *, to: str, by) -> None:
    if can(by, "requests.assess"):
        return
    if to in rules.SUBMITTER_MOVES and selectors.is_on_project_team(request, by):
        return
    raise NotAllowed("You cannot make that change to this request.")


def _move(request: InvolvementRequest, *, to: str, by, note: str = "", **fields) -> RequestStatusChange:
    """Move `request` from the status it had when the user saw it to `to`, or refuse.

    The update only matches while the status in the database is still the one the user
    saw, so of two people acting at once exactly one wins; the other is told."""
    old = request.status
    if not rules.can_move(old, to):
        raise IllegalMove(
            f"A request that is {Status(old).label.lower()} cannot be moved to {Status(to).label.lower()}."
        )
    _check_actor(request, to=to, by=by)
    now = timezone.now()
    updated = InvolvementRequest.objects.filter(pk=request.pk, status=old).update(
        status=to, updated_at=now, **fields
    )
    if updated == 0:
        raise SomeoneElseFirst("Someone else changed this request first. Check its status and try again.")
    change = RequestStatusChange.objects.create(
        request=request, by=by, from_status=old, to_status=to, note=note
    )
    request.status = to
    request.updated_at = now
    for name, value in fields.items():
        setattr(request, name, value)
    from involvement_requests.tasks import notify_status_change

    enqueue_on_commit(notify_status_change, change.pk)
    return change


# --- The project team's answers -----------------------------------------------------


@transaction.atomic
def request_save(
    *,
    request: InvolvementRequest,
    by,
    on_behalf_of=None,
    co_leads: Iterable | None = None,
    services_wanted: Iterable | None = None,
    interests_wanted: Iterable | None = None,
) -> InvolvementRequest:
    """Save the answers of a new request or one the project team may still change."""
    if request.pk is None:
        # The PPI team may fill a request in for a QI lead, who then owns it.
        request.submitted_by = on_behalf_of if on_behalf_of and can(by, "requests.assess") else by
        request.status = Status.DRAFT
    else:
        current = InvolvementRequest.objects.select_for_update().get(pk=request.pk)
        if current.status not in rules.EDITABLE_STATES:
            raise NotAllowed(f"A request that is {current.get_status_display().lower()} cannot be changed.")
        if not (can(by, "requests.assess") or selectors.is_on_project_team(current, by)):
            raise NotAllowed("You cannot change this request.")
        request.status = current.status
    if rules.dates_out_of_order(request.start_date, request.end_date):
        raise RequestError("The project end date must be the same as or after the start date.")
    request.save()
    if co_leads is not None:
        request.co_leads.set([user for user in co_leads if user.pk != request.submitted_by_id])
    if services_wanted is not None:
        request.services_wanted.set(services_wanted)
    if interests_wanted is not None:
        request.interests_wanted.set(interests_wanted)
    return request


def answers_of(request: InvolvementRequest) -> dict:
    """The request's answers as the values rules.missing_answers reads."""
    names = set(rules.REQUIRED_TO_SUBMIT) | {
        "priority",
        "no_priority",
        "equality_affected",
        "equality_engagement",
        "partners_wanted",
        "improvers_wanted",
        "community_groups_wanted",
        "open_to_public",
        "public_summary",
    }
    values = {}
    for name in names:
        field = InvolvementRequest._meta.get_field(name)
        values[name] = getattr(request, field.attname)
    return values


@transaction.atomic
def request_submit(*, request: InvolvementRequest, by, note: str = "") -> InvolvementRequest:
    missing = rules.missing_answers(answers_of(request))
    if missing:
        raise IncompleteRequest(missing)
    now = timezone.now()
    fields = {"last_submitted_at": now}
    if request.submitted_at is None:
        fields["submitted_at"] = now
    _move(request, to=Status.SUBMITTED, by=by, note=note, **fields)
    return request


@transaction.atomic
def request_withdraw(*, request: InvolvementRequest, by, note: str = "") -> InvolvementRequest:
    _move(request, to=Status.WITHDRAWN, by=by, note=note)
    return request


# --- The PPI team's assessment and decisions ----------------------------------------


@transaction.atomic
def request_start_assessment(*, request: InvolvementRequest, by, note: str = "") -> InvolvementRequest:
    _move(request, to=Status.IN_ASSESSMENT, by=by, note=note)
    return request


def assessment_score(
    *,
    request: InvolvementRequest,
    recommended_rung: Rung,
    relevance: int,
    patient_focus: int,
    timing: str,
    equality: int,
) -> rules.Score:
    """The score for these answers about this request (rules.score_request does the sums)."""
    proposed = request.proposed_rung
    return rules.score_request(
        rules.ScoreInput(
            relevance=relevance,
            patient_focus=patient_focus,
            timing=timing,
            equality=equality,
            proposed_rung_order=proposed.order if proposed else None,
            recommended_rung_order=recommended_rung.order,
            recommended_rung_name=recommended_rung.name,
            recommended_allows_partners=recommended_rung.partners_allowed,
            partners_wanted=request.partners_wanted,
        )
    )


@transaction.atomic
def assessment_save(
    *,
    request: InvolvementRequest,
    by,
    relevance: int,
    patient_focus: int,
    timing: str,
    equality: int,
    recommended_rung: Rung,
    relevance_comment: str = "",
    patient_focus_comment: str = "",
    timing_comment: str = "",
    equality_comment: str = "",
    rung_comment: str = "",
    override: str = "",
    override_reason: str = "",
) -> Assessment:
    if not can(by, "requests.assess"):
        raise NotAllowed("Only the PPI team assesses requests.")
    if request.status != Status.IN_ASSESSMENT:
        raise IllegalMove("Start the assessment before scoring the request.")
    if override and not override_reason.strip():
        raise RequestError("Give a reason for overriding the recommendation.")
    score = assessment_score(
        request=request,
        recommended_rung=recommended_rung,
        relevance=relevance,
        patient_focus=patient_focus,
        timing=timing,
        equality=equality,
    )
    assessment, _ = Assessment.objects.update_or_create(
        request=request,
        defaults={
            "assessor": by,
            "relevance": relevance,
            "relevance_comment": relevance_comment,
            "patient_focus": patient_focus,
            "patient_focus_comment": patient_focus_comment,
            "timing": timing,
            "timing_comment": timing_comment,
            "equality": equality,
            "equality_comment": equality_comment,
            "recommended_rung": recommended_rung,
            "rung_comment": rung_comment,
            "total": score.total,
            "max_total": score.max_total,
            "recommendation": score.recommendation,
            "reasons": list(score.reasons),
            "override": override,
            "override_reason": override_reason.strip() if override else "",
        },
    )
    now = timezone.now()
    InvolvementRequest.objects.filter(pk=request.pk).update(assessed_at=now, planned_rung=recommended_rung)
    request.assessed_at, request.planned_rung = now, recommended_rung
    return assessment


@transaction.atomic
def request_ask_for_information(*, request: InvolvementRequest, by, note: str) -> InvolvementRequest:
    if not note.strip():
        raise RequestError("Say what information the project team needs to add.")
    _move(request, to=Status.MORE_INFO, by=by, note=note.strip())
    return request


@transaction.atomic
def request_accept(*, request: InvolvementRequest, by, note: str = "") -> InvolvementRequest:
    assessment = Assessment.objects.filter(request=request).select_related("recommended_rung").first()
    if assessment is None:
        raise RequestError("Score the request before accepting it.")
    _move(
        request,
        to=Status.ACCEPTED,
        by=by,
        note=note,
        decided_at=timezone.now(),
        planned_rung=assessment.recommended_rung,
    )
    return request


@transaction.atomic
def request_decline(*, request: InvolvementRequest, by, reason: str) -> InvolvementRequest:
    reason = reason.strip()
    if not reason:
        raise RequestError("Give the reason for declining the request.")
    _move(request, to=Status.DECLINED, by=by, note=reason, decline_reason=reason, decided_at=timezone.now())
    return request


@transaction.atomic
def request_mark_people_allocated(*, request: InvolvementRequest, by, note: str = "") -> InvolvementRequest:
    _move(request, to=Status.PEOPLE_ALLOCATED, by=by, note=note)
    return request


@transaction.atomic
def request_start(*, request: InvolvementRequest, by, note: str = "") -> InvolvementRequest:
    _move(request, to=Status.ACTIVE, by=by, note=note)
    return request


@transaction.atomic
def request_start_evaluation(*, request: InvolvementRequest, by, note: str = "") -> InvolvementRequest:
    _move(request, to=Status.EVALUATION, by=by, note=note)
    return request


@transaction.atomic
def request_close(
    *, request: InvolvementRequest, by, achieved_rung: Rung | None, note: str = ""
) -> InvolvementRequest:
    if achieved_rung is None:
        raise RequestError("Select the rung the project achieved.")
    for check in CLOSE_CHECKS:
        why = check(request)
        if why:
            raise RequestError(why)
    _move(request, to=Status.CLOSED, by=by, note=note, achieved_rung=achieved_rung)
    return request


# --- Reference data -----------------------------------------------------------------


def rung_delete_or_retire(*, rung: Rung, by) -> str:
    """Delete a rung no request uses; retire (hide from new requests) one in use."""
    if selectors.rung_in_use(rung):
        Rung.objects.filter(pk=rung.pk).update(is_active=False)
        return "retired"
    rung.delete()
    return "deleted"


# --- Email --------------------------------------------------------------------------


def status_change_notify(*, change_id: int) -> int:
    """Email the project team, or the PPI team, about one move. Safe to run twice."""
    change = (
        RequestStatusChange.objects.select_related("request__submitted_by", "by").filter(pk=change_id).first()
    )
    if change is None:
        return 0
    claimed = RequestStatusChange.objects.filter(pk=change.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return 0
    request = change.request
    if change.to_status in rules.TELL_PPI_TEAM:
        recipients = [settings.PPI_TEAM_EMAIL]
    else:
        team = [request.submitted_by, *request.co_leads.all()]
        recipients = sorted({user.email for user in team if user.email})
    if not recipients:
        return 0
    context = {
        "change": change,
        "request": request,
        "to_label": Status(change.to_status).label,
        "url": settings.SITE_URL + request.get_absolute_url(),
        "service_name": settings.SERVICE_NAME,
    }
    subject = render_to_string("involvement_requests/email/status_change_subject.txt", context).strip()
    body = render_to_string("involvement_requests/email/status_change.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def bulletin_digest_send(*, recipients: Iterable[str] | None = None) -> int:
    """The weekly email of opportunities open to the public. Returns how many were sent."""
    opportunities = list(selectors.public_opportunities())
    if not opportunities:
        return 0
    addresses = list(recipients if recipients is not None else selectors.digest_recipients())
    if not addresses:
        return 0
    context = {
        "opportunities": opportunities,
        "url": settings.SITE_URL + reverse("involvement_requests:bulletin"),
        "service_name": settings.SERVICE_NAME,
        "trust_name": settings.TRUST_NAME,
    }
    body = render_to_string("involvement_requests/email/digest.txt", context)
    subject = f"Opportunities to get involved this week ({len(opportunities)})"
    sent = 0
    # One message each, so no recipient sees another's address.
    for address in addresses:
        sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    return sent
