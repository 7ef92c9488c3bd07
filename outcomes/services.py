"""Every write that matters to outcomes: <entity>_<action>(*, ..., by)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from involvement_requests.models import InvolvementRequest, Rung, Status
from outcomes import rules, selectors
from outcomes.models import (
    Activity,
    ActivityCost,
    ActivityPriorityReach,
    ActivityStatus,
    CaseStudy,
    CaseStudyStatus,
    EvaluationInvite,
    EvaluationKind,
    EvaluationResponse,
    FeedbackChannel,
    FeedbackDelivery,
    FeedbackUpdate,
    PriorityGroup,
    RequestOutcome,
    Suggestion,
    SuggestionStatus,
)
from ppe import counts
from ppe.access import can
from ppe.queue import enqueue_on_commit


class OutcomeError(Exception):
    """A change the rules refuse. The message is shown to the user as it is."""


class NotAllowed(OutcomeError):
    pass


class InvalidLink(OutcomeError):
    """An evaluation link that cannot be used; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int):
        self.status = status
        super().__init__(message)


def _require_request(user, request: InvolvementRequest) -> None:
    if not selectors.outcome_requests_for(user).filter(pk=request.pk).exists():
        raise NotAllowed("You can only record outcomes for your own requests.")


def _require_manage(user) -> None:
    if not can(user, "outcomes.manage"):
        raise NotAllowed("Only the PPI team can do that.")


def spectrum_level_of(*, activity=None, request=None, rung=None) -> str:
    """The level of the spectrum a suggestion or an evaluation was gathered at: its
    activity's rung; else the rung a project evaluation says was reached; else the rung
    its request achieved or, until it closes, planned."""
    if activity is not None:
        return activity.rung.spectrum_level
    chosen = rung or (request.achieved_rung or request.planned_rung if request is not None else None)
    return chosen.spectrum_level if chosen else ""


# --- Activities ---------------------------------------------------------------------------


@transaction.atomic
def activity_save(
    *,
    activity: Activity,
    by,
    requests: Iterable[InvolvementRequest] = (),
    organisations: Iterable = (),
    priority_counts: dict[PriorityGroup, int] | None = None,
    costs: dict[str, Decimal] | None = None,
    today: datetime.date | None = None,
) -> Activity:
    _require_manage(by)
    today = today or timezone.localdate()
    priority_counts = {group: int(n) for group, n in (priority_counts or {}).items() if n}
    costs = {line: amount for line, amount in (costs or {}).items() if amount}
    if activity.status == ActivityStatus.HELD:
        why = rules.why_not_held(activity.held_on, today)
        if why:
            raise OutcomeError(why)
    if not activity.online and not activity.place.strip():
        raise OutcomeError("Enter where the activity takes place, or say it is online.")
    activity.priority_reached = sum(priority_counts.values())
    if activity.priority_reached > activity.people_reached:
        raise OutcomeError(
            f"People from priority groups ({activity.priority_reached}) cannot be more than "
            f"the people reached ({activity.people_reached})."
        )
    if any(amount <= 0 for amount in costs.values()):
        raise OutcomeError("Each cost must be more than £0.")
    if activity.pk is None:
        activity.created_by = by
    activity.save()
    activity.requests.set(requests)
    activity.organisations.set(organisations)
    activity.priority_reach.all().delete()
    ActivityPriorityReach.objects.bulk_create(
        ActivityPriorityReach(activity=activity, group=group, count=n) for group, n in priority_counts.items()
    )
    # What was said and answered there moves with the activity's rung.
    level = spectrum_level_of(activity=activity)
    Suggestion.objects.filter(activity=activity).exclude(spectrum_level=level).update(spectrum_level=level)
    EvaluationResponse.objects.filter(activity=activity).exclude(spectrum_level=level).update(
        spectrum_level=level
    )
    activity.costs.all().delete()
    ActivityCost.objects.bulk_create(
        ActivityCost(activity=activity, line=line, amount=amount) for line, amount in costs.items()
    )
    return activity


@transaction.atomic
def activity_mark_held(*, activity: Activity, by, today: datetime.date | None = None) -> Activity:
    _require_manage(by)
    why = rules.why_not_held(activity.held_on, today or timezone.localdate())
    if why:
        raise OutcomeError(why)
    updated = Activity.objects.filter(pk=activity.pk, status=ActivityStatus.PLANNED).update(
        status=ActivityStatus.HELD
    )
    if not updated:
        raise OutcomeError("Only a planned activity can be marked as held.")
    counts.changed(Activity)
    activity.status = ActivityStatus.HELD
    return activity


@transaction.atomic
def activity_attendee_add(*, activity: Activity, person, by) -> None:
    _require_manage(by)
    activity.attendees.add(person)


@transaction.atomic
def activity_attendee_remove(*, activity: Activity, person, by) -> None:
    _require_manage(by)
    activity.attendees.remove(person)


# --- "You said, we did" -------------------------------------------------------------------


@transaction.atomic
def suggestion_add(
    *,
    by,
    theme: str,
    text: str,
    received_on: datetime.date,
    activity: Activity | None = None,
    request: InvolvementRequest | None = None,
    said_by_group: str = "",
    said_by=None,
) -> Suggestion:
    if activity is None and request is None:
        raise OutcomeError("A suggestion comes from an activity or a request.")
    if activity is not None:
        _require_manage(by)
    if request is not None:
        _require_request(by, request)
    if received_on > timezone.localdate():
        raise OutcomeError("The date the suggestion was made cannot be in the future.")
    return Suggestion.objects.create(
        activity=activity,
        request=request,
        theme=theme.strip(),
        text=text.strip(),
        received_on=received_on,
        spectrum_level=spectrum_level_of(activity=activity, request=request),
        said_by_group=said_by_group.strip(),
        said_by=said_by,
        updated_by=by,
    )


@transaction.atomic
def suggestion_move(
    *,
    suggestion: Suggestion,
    to: str,
    by,
    what_done: str = "",
    done_on: datetime.date | None = None,
    reason: str = "",
) -> Suggestion:
    if not selectors.suggestions_for(by).filter(pk=suggestion.pk).exists():
        raise NotAllowed("You cannot change this suggestion.")
    old = suggestion.status
    if not rules.suggestion_can_move(old, to):
        raise OutcomeError(
            f"A suggestion that is {SuggestionStatus(old).label.lower()} cannot be marked "
            f"{SuggestionStatus(to).label.lower() if to in SuggestionStatus.values else to}."
        )
    reason, what_done = reason.strip(), what_done.strip()
    if to == SuggestionStatus.NOT_ACTIONED and not reason:
        raise OutcomeError("Give the reason the suggestion was not actioned.")
    if to in (SuggestionStatus.ACTIONED, SuggestionStatus.PARTLY_ACTIONED):
        if not what_done:
            raise OutcomeError("Say what was done.")
        if done_on is None:
            raise OutcomeError("Enter when it was done.")
    if done_on and done_on > timezone.localdate():
        raise OutcomeError("The date it was done cannot be in the future.")
    fields = {"status": to, "updated_by": by, "updated_at": timezone.now()}
    if to == SuggestionStatus.NOT_ACTIONED:
        fields["reason"] = reason
    if what_done:
        fields["what_done"] = what_done
    if done_on:
        fields["done_on"] = done_on
    if not Suggestion.objects.filter(pk=suggestion.pk, status=old).update(**fields):
        raise OutcomeError("Someone else changed this suggestion first. Check it and try again.")
    counts.changed(Suggestion)
    for name, value in fields.items():
        setattr(suggestion, name, value)
    return suggestion


# --- Evaluation forms ---------------------------------------------------------------------


def _expiry(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(days=settings.OUTCOMES_EVALUATION_LINK_DAYS)


def evaluation_link(token: str) -> str:
    return settings.SITE_URL + reverse("outcomes:evaluate", args=[token])


def evaluation_invite_issue(*, person, now, **subject) -> tuple[EvaluationInvite, str] | None:
    token = rules.new_token()
    try:
        with transaction.atomic():
            invite = EvaluationInvite.objects.create(
                person=person,
                token_hash=rules.hash_token(token),
                expires_at=_expiry(now),
                by_letter=not person.email,
                **subject,
            )
    except IntegrityError:
        return None  # already invited: a task run twice sends nothing twice
    return invite, token


def _email_invite(invite: EvaluationInvite, token: str, *, reminder: bool = False) -> int:
    person = invite.person
    context = {
        "person": person,
        "invite": invite,
        "subject_title": invite.activity.title if invite.activity_id else invite.request.title,
        "project": invite.kind == EvaluationKind.PROJECT,
        "url": evaluation_link(token),
        "reminder": reminder,
        "expires": invite.expires_at,
        "trust_name": settings.TRUST_NAME,
    }
    body = render_to_string("outcomes/email/evaluation.txt", context)
    subject = ("Reminder: " if reminder else "") + "Tell us how it went"
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])


def evaluations_send_for_activity(*, activity_id: int, now: datetime.datetime | None = None) -> int:
    """Invite each attendee of a held activity to evaluate it. Safe to run twice: the
    activity is claimed first, and each person is invited once."""
    now = now or timezone.now()
    claimed = Activity.objects.filter(
        pk=activity_id, status=ActivityStatus.HELD, evaluations_sent_at__isnull=True
    ).update(evaluations_sent_at=now)
    if not claimed:
        return 0
    activity = Activity.objects.get(pk=activity_id)
    sent = 0
    for person in selectors.activity_attendees(activity).filter(erased_at__isnull=True):
        issued = evaluation_invite_issue(
            person=person, now=now, kind=EvaluationKind.ACTIVITY, activity=activity
        )
        if issued and person.email:
            sent += _email_invite(*issued)
            EvaluationInvite.objects.filter(pk=issued[0].pk).update(sent_at=now)
    return sent


def evaluations_send_for_project(*, request_id: int, now: datetime.datetime | None = None) -> int:
    """Invite the Patient Partners on a project to evaluate it."""
    now = now or timezone.now()
    request = InvolvementRequest.objects.get(pk=request_id)
    sent = 0
    for person in selectors.partners_on_request(request):
        issued = evaluation_invite_issue(person=person, now=now, kind=EvaluationKind.PROJECT, request=request)
        if issued and person.email:
            sent += _email_invite(*issued)
            EvaluationInvite.objects.filter(pk=issued[0].pk).update(sent_at=now)
    return sent


EVALUATION_WINDOW_DAYS = 30


def evaluations_due(today: datetime.date) -> dict[str, list[int]]:
    """Held activities from before today not yet sent, and projects in evaluation not yet
    asked: what the daily task sends."""
    activities = list(
        Activity.objects.filter(
            status=ActivityStatus.HELD,
            held_on__lt=today,
            # An activity recorded long after it was held is not worth asking about.
            held_on__gte=today - datetime.timedelta(days=EVALUATION_WINDOW_DAYS),
            evaluations_sent_at__isnull=True,
        ).values_list("pk", flat=True)[:500]
    )
    projects = list(
        InvolvementRequest.objects.filter(status=Status.EVALUATION)
        .exclude(evaluation_invites__kind=EvaluationKind.PROJECT)
        .values_list("pk", flat=True)[:500]
    )
    return {"activities": activities, "projects": projects}


def evaluation_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """One reminder to each unused, unexpired emailed link after the reminder interval.
    Only a hash of the first link is kept, so the reminder carries a fresh link and the
    first one stops working."""
    now = now or timezone.now()
    due = EvaluationInvite.objects.filter(
        used_at__isnull=True,
        reminded_at__isnull=True,
        sent_at__lt=now - datetime.timedelta(days=settings.OUTCOMES_EVALUATION_REMINDER_DAYS),
        expires_at__gt=now,
        by_letter=False,
    ).select_related("person", "activity", "request")
    sent = 0
    for invite in due[:1000]:
        token = rules.new_token()
        claimed = EvaluationInvite.objects.filter(
            pk=invite.pk, reminded_at__isnull=True, used_at__isnull=True
        ).update(reminded_at=now, token_hash=rules.hash_token(token))
        if claimed and invite.person and invite.person.email:
            sent += _email_invite(invite, token, reminder=True)
    return sent


@transaction.atomic
def evaluation_letters(*, activity: Activity, by, now: datetime.datetime | None = None) -> list[tuple]:
    """Printable evaluation letters for attendees without email: each gets a fresh personal
    link (printing again replaces the earlier link, which stops working)."""
    _require_manage(by)
    now = now or timezone.now()
    letters = []
    for person in selectors.activity_attendees(activity).filter(erased_at__isnull=True, email=""):
        token = rules.new_token()
        invite, created = EvaluationInvite.objects.get_or_create(
            kind=EvaluationKind.ACTIVITY,
            activity=activity,
            person=person,
            defaults={"token_hash": rules.hash_token(token), "expires_at": _expiry(now), "by_letter": True},
        )
        if invite.used_at:
            continue
        if not created:
            EvaluationInvite.objects.filter(pk=invite.pk).update(
                token_hash=rules.hash_token(token), expires_at=_expiry(now)
            )
        EvaluationInvite.objects.filter(pk=invite.pk).update(sent_at=now)
        letters.append((person, evaluation_link(token)))
    return letters


def evaluation_open(token: str, *, now: datetime.datetime | None = None) -> EvaluationInvite:
    """The invite a link belongs to, or InvalidLink saying why it cannot be used."""
    now = now or timezone.now()
    if not token or len(token) > 100:
        raise InvalidLink("This link is not valid. Check it is exactly as in your email or letter.", 404)
    invite = (
        EvaluationInvite.objects.select_related("activity", "request", "person")
        .filter(token_hash=rules.hash_token(token))
        .first()
    )
    if invite is None:
        raise InvalidLink("This link is not valid. Check it is exactly as in your email or letter.", 404)
    if invite.used_at:
        raise InvalidLink("This form has already been filled in. Thank you: each link can be used once.", 410)
    if invite.expires_at <= now:
        raise InvalidLink(
            "This link has expired. Contact the PPI team if you would still like to tell us how it went.", 410
        )
    return invite


def evaluation_submit(
    *,
    token: str,
    informed: int,
    heard: int,
    valued: int,
    difference: int,
    comments: str = "",
    anonymous: bool = False,
    own_involvement: int | None = None,
    wider_involvement: int | None = None,
    rung_reached: Rung | None = None,
    now: datetime.datetime | None = None,
) -> EvaluationResponse:
    """Save one evaluation and use up its link, both or neither."""
    now = now or timezone.now()
    scores = {"informed": informed, "heard": heard, "valued": valued, "difference": difference}
    optional = {"own_involvement": own_involvement, "wider_involvement": wider_involvement}
    for name, value in {**scores, **{k: v for k, v in optional.items() if v is not None}}.items():
        if not rules.likert_in_range(value):
            raise OutcomeError(f"Each answer is a score from 1 to 5 ({name} was not).")
    comments = (comments or "").strip()
    if len(comments) > EvaluationResponse._meta.get_field("comments").max_length:
        raise OutcomeError("Comments must be 2,000 characters or fewer.")
    with transaction.atomic():
        invite = evaluation_open(token, now=now)
        if not EvaluationInvite.objects.filter(pk=invite.pk, used_at__isnull=True).update(used_at=now):
            raise InvalidLink(
                "This form has already been filled in. Thank you: each link can be used once.", 410
            )
        project = invite.kind == EvaluationKind.PROJECT
        return EvaluationResponse.objects.create(
            kind=invite.kind,
            invite=invite,
            activity=invite.activity,
            request=invite.request,
            person=None if anonymous else invite.person,
            comments=comments,
            submitted_on=timezone.localdate(now),
            rung_reached=rung_reached if project else None,
            spectrum_level=spectrum_level_of(
                activity=invite.activity, request=invite.request, rung=rung_reached if project else None
            ),
            **scores,
            **(optional if project else {}),
        )


# --- Case studies -------------------------------------------------------------------------

CASE_STUDY_MOVES = {
    "approve": (CaseStudyStatus.DRAFT, CaseStudyStatus.APPROVED),
    "publish": (CaseStudyStatus.APPROVED, CaseStudyStatus.PUBLISHED),
    "unpublish": (CaseStudyStatus.PUBLISHED, CaseStudyStatus.DRAFT),
    "back-to-draft": (CaseStudyStatus.APPROVED, CaseStudyStatus.DRAFT),
}


@transaction.atomic
def case_study_save(*, study: CaseStudy, by) -> CaseStudy:
    _require_request(by, study.request)
    if study.pk is None:
        study.created_by = by
        study.status = CaseStudyStatus.DRAFT
    else:
        current = CaseStudy.objects.select_for_update().get(pk=study.pk)
        if not selectors.may_edit_case_study(by, current):
            raise NotAllowed("Only the PPI team can change a case study once it is approved.")
        study.status = current.status
    study.save()
    return study


@transaction.atomic
def case_study_move(*, study: CaseStudy, action: str, by) -> CaseStudy:
    _require_manage(by)
    if action not in CASE_STUDY_MOVES:
        raise OutcomeError("There is no such change.")
    old, new = CASE_STUDY_MOVES[action]
    now = timezone.now()
    fields: dict = {"status": new, "updated_at": now}
    if new == CaseStudyStatus.APPROVED:
        fields.update(approved_by=by, approved_at=now)
    if new == CaseStudyStatus.PUBLISHED:
        fields["published_at"] = now
    if new == CaseStudyStatus.DRAFT:
        fields.update(published_at=None, approved_at=None, approved_by=None)
    if not CaseStudy.objects.filter(pk=study.pk, status=old).update(**fields):
        raise OutcomeError(
            f"A case study that is {CaseStudyStatus(study.status).label.lower()} cannot be "
            f"{'approved' if action == 'approve' else action.replace('-', ' ') + 'ed'}."
        )
    for name, value in fields.items():
        setattr(study, name, value)
    return study


# --- Request outcomes and feedback --------------------------------------------------------


@transaction.atomic
def request_outcome_save(
    *, request: InvolvementRequest, rung_achieved: Rung, what_changed: str, by
) -> RequestOutcome:
    _require_request(by, request)
    what_changed = what_changed.strip()
    if not what_changed:
        raise OutcomeError("Say what changed because patients were involved.")
    if request.status in (Status.CLOSED, Status.WITHDRAWN, Status.DECLINED):
        raise OutcomeError(f"A request that is {request.get_status_display().lower()} cannot be changed.")
    outcome, _created = RequestOutcome.objects.update_or_create(
        request=request,
        defaults={"rung_achieved": rung_achieved, "what_changed": what_changed, "recorded_by": by},
    )
    return outcome


@transaction.atomic
def feedback_send(
    *, message: str, by, request: InvolvementRequest | None = None, activity: Activity | None = None
) -> FeedbackUpdate:
    """Send a "you said, we did" update to everyone involved: an email each (through the
    queue) and a letter to print for people without email. Every delivery is logged."""
    if (request is None) == (activity is None):
        raise OutcomeError("An update is about one request or one activity.")
    if request is not None:
        _require_request(by, request)
    else:
        _require_manage(by)
    message = message.strip()
    if not message:
        raise OutcomeError('Write the "you said, we did" update.')
    people = list(selectors.people_involved(request=request, activity=activity))
    if not people:
        raise OutcomeError("No one is recorded as involved yet, so there is no one to send the update to.")
    update = FeedbackUpdate.objects.create(
        request=request, activity=activity, message=message, created_by=by, sent_at=timezone.now()
    )
    FeedbackDelivery.objects.bulk_create(
        FeedbackDelivery(
            update=update,
            person=person,
            channel=FeedbackChannel.EMAIL if person.email else FeedbackChannel.LETTER,
        )
        for person in people
    )
    from outcomes.tasks import email_feedback_update

    enqueue_on_commit(email_feedback_update, update.pk)
    return update


def feedback_email(*, update_id: int) -> int:
    """Email each person on an update who has not had it yet. Safe to run twice."""
    update = FeedbackUpdate.objects.select_related("request", "activity").filter(pk=update_id).first()
    if update is None:
        return 0
    subject_title = update.request.title if update.request_id else update.activity.title
    sent = 0
    deliveries = update.deliveries.filter(channel=FeedbackChannel.EMAIL, sent_at__isnull=True).select_related(
        "person"
    )
    for delivery in deliveries:
        if not FeedbackDelivery.objects.filter(pk=delivery.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        ):
            continue
        context = {
            "person": delivery.person,
            "update": update,
            "subject_title": subject_title,
            "trust_name": settings.TRUST_NAME,
        }
        body = render_to_string("outcomes/email/feedback.txt", context)
        sent += send_mail(
            f"You said, we did: {subject_title}", body, settings.DEFAULT_FROM_EMAIL, [delivery.person.email]
        )
    return sent


@transaction.atomic
def feedback_letters_posted(*, update: FeedbackUpdate, by) -> int:
    _require_manage(by)
    return update.deliveries.filter(channel=FeedbackChannel.LETTER, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
