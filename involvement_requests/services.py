"""Every write that matters to an involvement request: <entity>_<action>(*, ..., by)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from involvement_requests import matching, rules, selectors
from involvement_requests.models import (
    Allocation,
    AllocationRole,
    Assessment,
    Invitation,
    InvitationStatus,
    InvolvementRequest,
    OrganisationInvitation,
    RequestStatusChange,
    Rung,
    Status,
)
from people_bank import services as people_services
from people_bank.models import Conversation, Organisation, Person
from ppe import audit, counts
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
    counts.changed(InvolvementRequest)
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
    counts.changed(InvolvementRequest)
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
        counts.changed(Rung)
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


# --- Allocation and invitations -----------------------------------------------------


def _open_for_people(request: InvolvementRequest, by) -> InvolvementRequest:
    """The request, locked, if the PPI team may allocate and invite people on it now."""
    if not can(by, "requests.assess"):
        raise NotAllowed("Only the PPI team allocates and invites people.")
    current = (
        InvolvementRequest.objects.select_for_update(of=("self",))
        .select_related("planned_rung", "proposed_rung")
        .get(pk=request.pk)
    )
    if current.status not in selectors.MATCHABLE_STATES:
        raise RequestError(
            f"A request that is {current.get_status_display().lower()} cannot have people "
            "allocated or invited: that happens once it is accepted, until it moves to evaluation."
        )
    return current


@transaction.atomic
def allocation_create(
    *,
    request: InvolvementRequest,
    person: Person,
    role: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    by,
) -> Allocation:
    """Allocate a Patient Partner to a request. The first allocation on an accepted
    request moves it to "people allocated"."""
    current = _open_for_people(request, by)
    rung = selectors.rung_for_matching(current)
    if rung is None or not rung.partners_allowed:
        where = rung.name if rung else "a request with no rung"
        raise RequestError(
            f"Patient Partners are not allocated on {where}: invite Hospital Improvers instead."
        )
    if role not in AllocationRole.values:
        raise RequestError("Select the role the Patient Partner will have.")
    if starts_on is None or ends_on is None:
        raise RequestError("Enter the dates the allocation runs from and to.")
    if ends_on < starts_on:
        raise RequestError("The allocation's end date must be the same as or after its start date.")
    person = Person.objects.select_related("patient_partner").get(pk=person.pk)
    name = person.display_name
    partner = getattr(person, "patient_partner", None)
    if person.erased_at or person.status != Person.Status.ACTIVE:
        raise RequestError(f"{name} is {person.get_status_display().lower()}, so cannot be allocated.")
    if not person.can_be_invited:
        raise RequestError(f"{name} has not agreed to be invited to take part.")
    if partner is None:
        raise RequestError(f"{name} is not a Patient Partner: invite them as a Hospital Improver instead.")
    if partner.tenure_ends_on <= starts_on:
        raise RequestError(
            f"{name}'s tenure as a Patient Partner ended on {matching.uk_date(partner.tenure_ends_on)}."
        )
    if partner.started_on > starts_on:
        raise RequestError(
            f"{name}'s tenure as a Patient Partner starts on {matching.uk_date(partner.started_on)}."
        )
    if ends_on >= partner.tenure_ends_on:
        raise RequestError(
            f"The allocation must end before {name}'s tenure ends on "
            f"{matching.uk_date(partner.tenure_ends_on)}."
        )
    if Allocation.objects.filter(request=current, person=person).exists():
        raise RequestError(f"{name} is already allocated to this request.")
    try:
        with transaction.atomic():
            allocation = Allocation.objects.create(
                request=current,
                person=person,
                role=role,
                starts_on=starts_on,
                ends_on=ends_on,
                allocated_by=by,
            )
    except IntegrityError:
        raise RequestError(f"{name} is already allocated to this request.") from None
    if current.status == Status.ACCEPTED:
        _move(current, to=Status.PEOPLE_ALLOCATED, by=by, note=f"{AllocationRole(role).label} allocated.")
    request.status = current.status
    audit.record(None, "create", allocation, detail="allocation", user=by)
    return allocation


def _may_be_invited(person: Person) -> str | None:
    """Why this person cannot be invited as a Hospital Improver, or None."""
    improver = getattr(person, "hospital_improver", None)
    if person.erased_at or person.status != Person.Status.ACTIVE:
        return f"{person.display_name} is {person.get_status_display().lower()}"
    if not person.can_be_invited:
        return f"{person.display_name} has not agreed to be invited"
    if improver is None or improver.confirmed_at is None:
        return f"{person.display_name} is not a confirmed Hospital Improver"
    if not person.email:
        return f"{person.display_name} has no email address"
    return None


@transaction.atomic
def invitations_create(*, request: InvolvementRequest, person_ids: Iterable[int], by) -> list[Invitation]:
    """Invite Hospital Improvers by email, all or none: any one who cannot be invited
    refuses the lot, with every reason named, so nothing is half-sent."""
    current = _open_for_people(request, by)
    ids = sorted({int(pk) for pk in person_ids})
    if not ids:
        raise RequestError("Select at least one Hospital Improver to invite.")
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids).select_related("hospital_improver")}
    already = set(
        Invitation.objects.filter(request=current, person_id__in=ids).values_list("person_id", flat=True)
    )
    problems = []
    for pk in ids:
        person = people.get(pk)
        if person is None:
            problems.append("someone selected is not in the People Bank")
        elif pk in already:
            problems.append(f"{person.display_name} has already been invited")
        else:
            why = _may_be_invited(person)
            if why:
                problems.append(why)
    if problems:
        raise RequestError("Nobody was invited: " + "; ".join(dict.fromkeys(problems)) + ".")
    from involvement_requests.tasks import send_invitation

    invitations = []
    try:
        with transaction.atomic():
            for pk in ids:
                invitations.append(Invitation.objects.create(request=current, person_id=pk, invited_by=by))
    except IntegrityError:
        raise RequestError(
            "Someone else invited some of these people first. Check the list and try again."
        ) from None
    for invitation in invitations:
        enqueue_on_commit(send_invitation, invitation.pk)
    return invitations


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue_token(invitation_id: int, claim: Q, stamp: dict) -> str | None:
    """A fresh random token for the invitation, its hash stored and the link's expiry
    reset, if the row still matches `claim`. The token itself is never stored."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    claimed = Invitation.objects.filter(claim, pk=invitation_id).update(
        token_hash=token_hash(token),
        expires_at=now + datetime.timedelta(days=settings.REQUESTS_INVITATION_EXPIRY_DAYS),
        **{name: now for name in stamp},
    )
    return token if claimed else None


def invitation_link(token: str) -> str:
    return settings.SITE_URL + reverse("involvement_requests:invitation_respond", args=[token])


def _email_invitation(invitation_id: int, token: str, *, reminder: bool) -> int:
    invitation = Invitation.objects.select_related("person", "request").get(pk=invitation_id)
    person, request = invitation.person, invitation.request
    if not person.email:
        return 0
    context = {
        "person": person,
        "name": person.preferred_name or person.first_name,
        "request": request,
        "about": request.public_summary or request.summary,
        "url": invitation_link(token),
        "expires_on": matching.uk_date(timezone.localtime(invitation.expires_at).date()),
        "reminder": reminder,
        "trust_name": settings.TRUST_NAME,
        "team_email": settings.PPI_TEAM_EMAIL,
    }
    subject = ("Reminder: " if reminder else "") + f"An invitation to help improve: {request.title}"
    body = render_to_string("involvement_requests/email/invitation.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])


def invitation_send(*, invitation_id: int) -> int:
    """Email the invitation with its personal link. Safe to run twice: only the run that
    claims the unsent row sends it."""
    token = _issue_token(invitation_id, Q(sent_at__isnull=True), {"sent_at"})
    if token is None:
        return 0
    return _email_invitation(invitation_id, token, reminder=False)


def invitation_remind(*, invitation_id: int, asked_at: datetime.datetime) -> int:
    """Email a reminder with a fresh link (the older link stops working). Sent once per
    time it was asked for: a repeat run of the same ask finds it already reminded."""
    unanswered = Q(
        status=InvitationStatus.INVITED, sent_at__isnull=False, request__status__in=selectors.MATCHABLE_STATES
    )
    not_yet = Q(reminded_at__isnull=True) | Q(reminded_at__lt=asked_at)
    token = _issue_token(invitation_id, unanswered & not_yet, {"reminded_at"})
    if token is None:
        return 0
    return _email_invitation(invitation_id, token, reminder=True)


def invitation_ask_reminder(*, invitation: Invitation, by) -> None:
    """The PPI team's "send reminder" button."""
    if not can(by, "requests.assess"):
        raise NotAllowed("Only the PPI team sends reminders.")
    if invitation.status != InvitationStatus.INVITED:
        raise RequestError(f"{invitation.person.display_name} has already answered.")
    if invitation.sent_at is None:
        raise RequestError("The invitation is still being sent. Try again in a minute.")
    if invitation.request.status not in selectors.MATCHABLE_STATES:
        raise RequestError("The request is no longer taking people on.")
    from involvement_requests.tasks import send_invitation_reminder

    enqueue_on_commit(send_invitation_reminder, invitation.pk, timezone.now().isoformat())


def invitations_due_reminder(now: datetime.datetime | None = None) -> list[int]:
    """Invitations sent REQUESTS_INVITATION_REMINDER_DAYS ago or more, never reminded, and
    still unanswered on a request that is taking people on."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.REQUESTS_INVITATION_REMINDER_DAYS)
    return list(
        Invitation.objects.filter(
            status=InvitationStatus.INVITED,
            reminded_at__isnull=True,
            sent_at__lte=cutoff,
            request__status__in=selectors.MATCHABLE_STATES,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def invitation_reminders_send(now: datetime.datetime | None = None) -> int:
    """The daily task: one reminder to each invitee who has not answered after N days."""
    now = now or timezone.now()
    return sum(invitation_remind(invitation_id=pk, asked_at=now) for pk in invitations_due_reminder(now))


class LinkRefused(RequestError):
    """An invitation link that cannot be used; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int):
        self.status = status
        super().__init__(message)


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link is for, if the link may still be used; LinkRefused if not."""
    invitation = (
        Invitation.objects.select_related("request", "person")
        .filter(token_hash=token_hash(token or ""))
        .exclude(token_hash="")
        .first()
    )
    if invitation is None:
        raise LinkRefused("not_found", 404)
    if invitation.status != InvitationStatus.INVITED:
        raise LinkRefused("used", 410)
    if invitation.is_expired or invitation.person.erased_at:
        raise LinkRefused("expired", 410)
    if invitation.request.status not in selectors.MATCHABLE_STATES:
        raise LinkRefused("closed", 410)
    return invitation


@transaction.atomic
def invitation_respond(*, token: str, accept: bool) -> Invitation:
    """Accept or decline through the emailed link. The link works once: the update only
    matches an unanswered, unexpired row, so two clicks at once record one answer."""
    invitation = invitation_for_token(token)
    now = timezone.now()
    answer = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    updated = Invitation.objects.filter(
        pk=invitation.pk, token_hash=token_hash(token), status=InvitationStatus.INVITED, expires_at__gt=now
    ).update(status=answer, responded_at=now)
    if not updated:
        raise LinkRefused("used", 410)
    invitation.status, invitation.responded_at = answer, now
    return invitation


@transaction.atomic
def organisations_invite(
    *, request: InvolvementRequest, organisations: Iterable[Organisation], by, message: str = ""
) -> list[OrganisationInvitation]:
    """Ask organisations to circulate the opportunity, by email to a contact of each.
    All or none: an organisation with no contact email refuses the lot, named."""
    current = _open_for_people(request, by)
    chosen = list(organisations)
    if not chosen:
        raise RequestError("Select at least one organisation.")
    contacts = {}
    problems = []
    already = set(
        OrganisationInvitation.objects.filter(request=current, organisation__in=chosen).values_list(
            "organisation_id", flat=True
        )
    )
    for organisation in chosen:
        contact = next((c for c in organisation.contacts.all() if c.email), None)
        if organisation.pk in already:
            problems.append(f"{organisation.name} has already been asked")
        elif contact is None:
            problems.append(f"{organisation.name} has no contact with an email address")
        contacts[organisation.pk] = contact
    if problems:
        raise RequestError("Nobody was asked: " + "; ".join(problems) + ".")
    from involvement_requests.tasks import send_organisation_invitation

    made = []
    try:
        with transaction.atomic():
            for organisation in chosen:
                contact = contacts[organisation.pk]
                made.append(
                    OrganisationInvitation.objects.create(
                        request=current,
                        organisation=organisation,
                        contact=contact,
                        email=contact.email,
                        message=message.strip(),
                        invited_by=by,
                    )
                )
    except IntegrityError:
        raise RequestError(
            "Someone else asked some of these organisations first. Check and try again."
        ) from None
    for invitation in made:
        enqueue_on_commit(send_organisation_invitation, invitation.pk)
    return made


def organisation_invitation_send(*, invitation_id: int) -> int:
    """Email the organisation's contact and log it in the relationship log. Safe to run twice."""
    now = timezone.now()
    claimed = OrganisationInvitation.objects.filter(pk=invitation_id, sent_at__isnull=True).update(
        sent_at=now
    )
    if not claimed:
        return 0
    invitation = OrganisationInvitation.objects.select_related(
        "request", "organisation", "contact", "invited_by"
    ).get(pk=invitation_id)
    request = invitation.request
    context = {
        "invitation": invitation,
        "request": request,
        "about": request.public_summary or request.summary,
        "bulletin_url": settings.SITE_URL + reverse("involvement_requests:bulletin")
        if request.open_to_public
        else "",
        "trust_name": settings.TRUST_NAME,
        "team_email": settings.PPI_TEAM_EMAIL,
    }
    body = render_to_string("involvement_requests/email/organisation_invitation.txt", context)
    sent = send_mail(
        f"Could you share this opportunity? {request.title}",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
    )
    people_services.conversation_log(
        staff=invitation.invited_by,
        happened_at=now,
        channel=Conversation.Channel.EMAIL,
        summary=f"Asked to circulate the opportunity {request.reference}: {request.title}.",
        organisation=invitation.organisation,
        involvement_request_id_ref=request.pk,
    )
    return sent
