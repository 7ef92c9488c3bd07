"""Demo outcomes: activities and their reach and costs, "you said, we did" suggestions,
evaluation forms, request outcomes, feedback updates and case studies (some published).

Deterministic from `rng`; bulk inserts so `--scale bench` (50,000 activities, 200,000
suggestions, 200,000 evaluations) is quick. Invented content only: no person's name
appears in any text, since case studies and aggregates reach the Board."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from involvement_requests.models import InvolvementRequest, Rung, Status
from outcomes.defaults import PRIORITY_GROUPS
from outcomes.models import (
    Activity,
    ActivityCost,
    ActivityPriorityReach,
    ActivityStatus,
    ActivityType,
    BudgetLine,
    CaseStudy,
    CaseStudyStatus,
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
from people_bank.models import Organisation, Person
from ppe.access import Role
from ppe.bulk import insert_rows, reserve_ids

BATCH = 5000
KIND_WEIGHTS = {
    ActivityType.COMMUNITY_CONVERSATION: 10,
    ActivityType.IMPROVEMENT_WORKSHOP: 14,
    ActivityType.FOCUS_GROUP: 16,
    ActivityType.SURVEY: 12,
    ActivityType.COMMUNITY_EVENT: 6,
    ActivityType.ONLINE_POLL: 8,
    ActivityType.BOARD_MEETING: 6,
    ActivityType.STAFF_TRAINING: 5,
    ActivityType.COACHING: 5,
}
TITLES = {
    ActivityType.COMMUNITY_CONVERSATION: "Community Conversation on {topic}",
    ActivityType.IMPROVEMENT_WORKSHOP: "Hospital Improvement workshop: {topic}",
    ActivityType.FOCUS_GROUP: "Focus group on {topic}",
    ActivityType.SURVEY: "Survey about {topic}",
    ActivityType.COMMUNITY_EVENT: "Stall at the {place} festival",
    ActivityType.ONLINE_POLL: "Online poll: {topic}",
    ActivityType.BOARD_MEETING: "Patient story at the Board: {topic}",
    ActivityType.STAFF_TRAINING: "Co-production training for ward staff",
    ActivityType.COACHING: "Coaching a QI lead on involving patients",
}
ONLINE_KINDS = {ActivityType.SURVEY, ActivityType.ONLINE_POLL}
TOPICS = [
    "discharge",
    "outpatient letters",
    "hospital food",
    "car parking",
    "night-time noise",
    "signage",
    "waiting times in A&E",
    "the maternity pathway",
    "visiting hours",
    "pain relief",
]
PLACES = [
    "Northfield Community Centre",
    "Riverside Library",
    "the Mosque community hall",
    "St Anne's Church hall",
    "the Hospital education centre",
    "Eastgate Youth Club",
    "the Carers' Centre",
]
SUGGESTIONS = [
    ("discharge", "Tell us the discharge time the day before, so family can plan transport."),
    ("discharge", "Have medicines ready before the morning ward round ends."),
    ("communication", "Write letters in plain English, with an easy read version."),
    ("communication", "Give a named nurse to call after going home."),
    ("food", "Offer halal and kosher meals without having to ask twice."),
    ("food", "Keep snacks on the ward for people who miss a meal."),
    ("environment", "Turn the corridor lights down after 11pm."),
    ("environment", "Put signs at wheelchair height and in large print."),
    ("access", "Let carers stay outside visiting hours."),
    ("access", "Offer interpreters for appointments, not only for admissions."),
]
GROUPS = [
    "the carers' group",
    "the youth forum",
    "the stroke survivors' group",
    "Healthwatch volunteers",
    "the Somali women's group",
    "the Deaf community group",
    "",
]
WHAT_DONE = [
    "Changed the process and told the ward teams at their huddle.",
    "Added it to the project plan; the first change is in place.",
    "Rewrote the leaflet with Hospital Improvers and printed an easy read version.",
    "Agreed with the catering contractor and started in the following month.",
]
REASONS = [
    "It needs building work that is not funded this year; we will raise it again at the next bid.",
    "The national rules do not allow this; we explained why at the next meeting.",
]
COMMENTS = [
    "I felt listened to, and the staff explained what would happen next.",
    "Good session, but the room was hard to find.",
    "It would help to have the papers a week before.",
    "I was pleased to see the change we asked for last time.",
    "",
    "",
]
CASE_STUDIES = [
    (
        "Discharge before midday",
        "Patients waited on the ward for hours on the day they went home.",
        "Patient Partners sat on the project group; Hospital Improvers tested the checklist on two wards.",
        "Two Patient Partners, eight Hospital Improvers and the carers' group.",
        "Discharge medicines are now ordered the day before; families get a call with the time.",
        "Patients on the two wards now leave on average two hours earlier.",
        "For the first time I knew when I was going home and could tell my daughter.",
    ),
    (
        "Letters people understand",
        "Outpatient letters were long and full of clinical words.",
        "A co-design workshop rewrote the letter templates line by line.",
        "Patient Partners, the Deaf community group and an easy read charity.",
        "All outpatient letters now follow the new template, with an easy read version.",
        "Missed appointments fell in the first quarter after the change.",
        "It finally says what I need to bring and where to go.",
    ),
    (
        "Food that suits every faith",
        "Meals did not always meet religious and cultural needs.",
        "Community Conversations at places of worship, then a tasting panel.",
        "Faith groups, Hospital Improvers and the catering team.",
        "A new menu with halal, kosher and vegetarian options on every ward, every day.",
        "Fewer complaints about food, and less food wasted.",
        "I did not have to ask twice any more.",
    ),
]


def _priority_groups() -> list[PriorityGroup]:
    for order, name in enumerate(PRIORITY_GROUPS, start=1):
        PriorityGroup.objects.get_or_create(name=name, defaults={"order": order})
    return list(PriorityGroup.objects.filter(is_active=True))


def seed(*, rng, sizes, log) -> None:
    total = sizes.get("activities", 0)
    if not total:
        return
    if Activity.objects.exists():
        log(f"  outcomes: {Activity.objects.count()} activities already there, none added")
        return
    rungs = list(Rung.objects.order_by("order"))
    if not rungs:
        log("  outcomes: no ladder, nothing added")
        return
    today = timezone.localdate()
    now = timezone.now()
    staff = list(User.objects.filter(groups__name=Role.PPI_TEAM.value).order_by("pk")[:5])
    groups = _priority_groups()
    live = [Status.PEOPLE_ALLOCATED, Status.ACTIVE, Status.EVALUATION, Status.CLOSED]
    requests = list(
        InvolvementRequest.objects.filter(status__in=live)
        .values_list("pk", "status", "submitted_by_id")
        .order_by("pk")
    )
    request_ids = [r[0] for r in requests]
    request_levels = dict(
        InvolvementRequest.objects.filter(status__in=live).values_list(
            "pk", Coalesce("achieved_rung__spectrum_level", "planned_rung__spectrum_level", Value(""))
        )
    )
    person_ids = list(
        Person.objects.filter(erased_at__isnull=True).values_list("pk", flat=True).order_by("pk")[:50_000]
    )
    org_ids = list(Organisation.objects.values_list("pk", flat=True).order_by("pk")[:2000])

    with transaction.atomic():
        held = _seed_activities(
            rng, total, rungs, groups, staff, request_ids, org_ids, person_ids, today, now
        )
        _seed_suggestions(
            rng, sizes.get("suggestions", 0), held, request_ids, request_levels, person_ids, today, staff
        )
        _seed_evaluations(rng, sizes.get("evaluations", 0), held, rungs, person_ids, requests)
        _seed_request_outcomes(rng, requests, rungs, staff, now)
    log(
        f"  outcomes: {total} activities, {sizes.get('suggestions', 0)} suggestions, "
        f"{sizes.get('evaluations', 0)} evaluations, {len(groups)} priority groups"
    )


class _Activity(NamedTuple):
    """An activity's row, in insert_rows' order: its fields are the columns."""

    id: int
    title: str
    kind: str
    held_on: datetime.date
    online: bool
    place: str
    rung_id: int
    status: str
    people_reached: int
    anonymous_count: int
    priority_reached: int
    created_by_id: int | None
    evaluations_sent_at: datetime.datetime | None


def _seed_activities(rng, total, rungs, groups, staff, request_ids, org_ids, person_ids, today, now):
    """Insert the activities with their reach, costs and links; return the held ones as
    (id, held_on, spectrum level) for the suggestions and evaluations gathered at them."""
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    activities, reach = [], []
    for pk in reserve_ids(Activity, total):
        kind = rng.choices(kinds, weights)[0]
        held_on = today + datetime.timedelta(days=rng.randint(-730, 60))
        online = kind in ONLINE_KINDS or rng.random() < 0.15
        status = (
            ActivityStatus.PLANNED
            if held_on > today
            else (ActivityStatus.CANCELLED if rng.random() < 0.04 else ActivityStatus.HELD)
        )
        reached = rng.randint(200, 3000) if kind in ONLINE_KINDS else rng.randint(6, 120)
        title = TITLES[kind].format(
            topic=rng.choice(TOPICS), place=rng.choice(["Eastgate", "Riverside", "Mela"])
        )
        place = "" if online else rng.choice(PLACES)
        rung = rng.choice(rungs[:3]) if kind in ONLINE_KINDS else rng.choice(rungs)
        is_held = status == ActivityStatus.HELD
        anonymous = max(0, reached - rng.randint(0, 10)) if is_held else 0
        created_by = rng.choice(staff).pk if staff else None
        # The per-group counts first, so each activity is inserted with its total.
        from_groups = 0
        if is_held and groups:
            left = reached // 2
            for group in rng.sample(groups, rng.randint(0, min(3, len(groups)))):
                count = rng.randint(0, left)
                left -= count
                if count:
                    reach.append((pk, group.pk, count))
                    from_groups += count
        activities.append(
            _Activity(
                pk,
                title,
                kind,
                held_on,
                online,
                place,
                rung.pk,
                status,
                reached if is_held else 0,
                anonymous,
                from_groups,
                created_by,
                now if is_held and held_on < today else None,
            )
        )
    insert_rows(Activity, _Activity._fields, activities)
    insert_rows(ActivityPriorityReach, ["activity_id", "group_id", "count"], reach)
    costs, req_links, org_links, attendees = [], [], [], []
    for activity in activities:
        pk, is_held = activity.id, activity.status == ActivityStatus.HELD
        if is_held:
            for line in rng.sample(BudgetLine.values, rng.randint(0, 3)):
                costs.append((pk, line, Decimal(rng.randint(1500, 40000)) / 100))
        if request_ids and rng.random() < 0.6:
            req_links.append((pk, rng.choice(request_ids)))
        if org_ids and rng.random() < 0.3:
            org_links.append((pk, rng.choice(org_ids)))
        if person_ids and is_held and activity.kind not in ONLINE_KINDS:
            for person_id in rng.sample(person_ids, min(len(person_ids), rng.randint(0, 6))):
                attendees.append((pk, person_id))
    insert_rows(ActivityCost, ["activity_id", "line", "amount"], costs)
    insert_rows(Activity.requests.through, ["activity_id", "involvementrequest_id"], req_links)
    insert_rows(Activity.organisations.through, ["activity_id", "organisation_id"], org_links)
    insert_rows(Activity.attendees.through, ["activity_id", "person_id"], attendees)
    levels = {rung.pk: rung.spectrum_level for rung in rungs}
    return [(a.id, a.held_on, levels[a.rung_id]) for a in activities if a.status == ActivityStatus.HELD]


def _seed_suggestions(rng, count, held, request_ids, request_levels, person_ids, today, staff) -> None:
    if not count or not held:
        return
    staff_ids = [user.pk for user in staff]
    # Older suggestions have mostly been dealt with; the last few weeks' mostly not.
    dealt_with = [
        SuggestionStatus.INVESTIGATED,
        SuggestionStatus.ACTIONED,
        SuggestionStatus.ACTIONED,
        SuggestionStatus.PARTLY_ACTIONED,
        SuggestionStatus.NOT_ACTIONED,
    ]
    done_statuses = (SuggestionStatus.ACTIONED, SuggestionStatus.PARTLY_ACTIONED)
    rows = []
    for _n in range(count):
        theme, text = rng.choice(SUGGESTIONS)
        activity = rng.choice(held) if not request_ids or rng.random() < 0.75 else None
        if activity:
            activity_id, received, level = activity
            request_id = None
        else:
            activity_id, request_id = None, rng.choice(request_ids)
            received, level = (
                today - datetime.timedelta(days=rng.randint(0, 700)),
                request_levels.get(request_id, ""),
            )
        age = (today - received).days
        roll = rng.random()
        if age < 30 and roll < 0.7:
            status = SuggestionStatus.NEW
        elif roll < 0.3:
            status = SuggestionStatus.NEW if age < 120 else SuggestionStatus.INVESTIGATED
        else:
            status = rng.choice(dealt_with)
        done = status in done_statuses
        rows.append(
            (
                activity_id,
                request_id,
                level,
                theme,
                text,
                rng.choice(GROUPS),
                rng.choice(person_ids) if person_ids and rng.random() < 0.2 else None,
                received,
                status,
                rng.choice(REASONS) if status == SuggestionStatus.NOT_ACTIONED else "",
                rng.choice(WHAT_DONE) if done else "",
                min(today, received + datetime.timedelta(days=rng.randint(7, 90))) if done else None,
                rng.choice(staff_ids) if staff_ids else None,
            )
        )
    fields = ["activity_id", "request_id", "spectrum_level", "theme", "text", "said_by_group", "said_by_id"]
    insert_rows(
        Suggestion,
        [*fields, "received_on", "status", "reason", "what_done", "done_on", "updated_by_id"],
        rows,
    )


def _score(rng, base: int) -> int:
    return max(1, min(5, base + rng.choice([-1, 0, 0, 1])))


def _seed_evaluations(rng, count, held, rungs, person_ids, requests) -> None:
    if not count or not held:
        return
    evaluation_requests = [r[0] for r in requests if r[1] in (Status.EVALUATION, Status.CLOSED)]
    today = timezone.localdate()
    rows = []
    for _n in range(count):
        project = evaluation_requests and rng.random() < 0.05
        if project:
            activity_id, held_on, reached = None, today, rng.choice(rungs[2:])
            level = reached.spectrum_level
        else:
            (activity_id, held_on, level), reached = rng.choice(held), None
        base = rng.choice([3, 4, 4, 5])
        submitted = held_on + datetime.timedelta(days=rng.randint(1, 14))
        rows.append(
            (
                EvaluationKind.PROJECT if project else EvaluationKind.ACTIVITY,
                activity_id,
                rng.choice(evaluation_requests) if project else None,
                rng.choice(person_ids) if person_ids and rng.random() < 0.5 else None,
                _score(rng, base),
                _score(rng, base),
                _score(rng, base),
                _score(rng, base - 1),
                _score(rng, base) if project else None,
                _score(rng, base - 1) if project else None,
                reached.pk if reached else None,
                level,
                rng.choice(COMMENTS),
                min(submitted, today),
            )
        )
    fields = ["kind", "activity_id", "request_id", "person_id", "informed", "heard", "valued", "difference"]
    fields += ["own_involvement", "wider_involvement", "rung_reached_id", "spectrum_level", "comments"]
    insert_rows(EvaluationResponse, [*fields, "submitted_on"], rows)


def _seed_request_outcomes(rng, requests, rungs, staff, now) -> None:
    """Closed requests have their outcomes and feedback recorded (they could not close
    otherwise); some of them and of those in evaluation have a case study."""
    closed = InvolvementRequest.objects.filter(status=Status.CLOSED).select_related("achieved_rung")
    outcomes, updates = [], []
    for request in closed:
        outcomes.append(
            RequestOutcome(
                request=request,
                rung_achieved=request.achieved_rung or rungs[-1],
                what_changed="Patients chose between the options, and the option they chose is now in place.",
                recorded_by=rng.choice(staff) if staff else None,
            )
        )
        updates.append(
            FeedbackUpdate(
                request=request,
                message="You said the process was confusing. We changed it with you; it starts next month.",
                created_by=rng.choice(staff) if staff else None,
                sent_at=now,
            )
        )
    RequestOutcome.objects.bulk_create(outcomes, batch_size=BATCH)
    FeedbackUpdate.objects.bulk_create(updates, batch_size=BATCH)
    deliveries = []
    for update in updates[:200]:
        for person in Person.objects.filter(activities__requests=update.request_id).distinct()[:10]:
            deliveries.append(
                FeedbackDelivery(
                    update=update,
                    person=person,
                    channel=FeedbackChannel.EMAIL if person.email else FeedbackChannel.LETTER,
                    sent_at=now,
                )
            )
    FeedbackDelivery.objects.bulk_create(deliveries, batch_size=BATCH, ignore_conflicts=True)

    candidates = [r for r in requests if r[1] in (Status.EVALUATION, Status.CLOSED)][:30]
    studies = []
    for n, (request_id, status, _lead) in enumerate(candidates[: max(3, min(30, len(candidates)))]):
        title, background, did, who, changed, impact, quote = CASE_STUDIES[n % len(CASE_STUDIES)]
        state = (
            CaseStudyStatus.PUBLISHED
            if status == Status.CLOSED and n % 3 != 2
            else (CaseStudyStatus.APPROVED if n % 3 == 2 else CaseStudyStatus.DRAFT)
        )
        published = (
            now - datetime.timedelta(days=rng.randint(0, 400)) if state == CaseStudyStatus.PUBLISHED else None
        )
        studies.append(
            CaseStudy(
                request_id=request_id,
                title=title if n < len(CASE_STUDIES) else f"{title} ({n // len(CASE_STUDIES) + 1})",
                background=background,
                what_we_did=did,
                who_involved=who,
                rung_reached=rng.choice(rungs[3:]),
                what_changed=changed,
                impact=impact,
                quote=quote,
                status=state,
                created_by=rng.choice(staff) if staff else None,
                approved_at=published,
                published_at=published,
            )
        )
    CaseStudy.objects.bulk_create(studies)
