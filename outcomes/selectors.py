"""Every read that matters to outcomes, and the outcomes framework: the one module the
outcomes page and the Board report both read their figures from.

The framework follows seed 001's table: for each level of the spectrum of engagement
(Inform, Engage, Involve, Co-produce), the outputs (people reached, from priority groups,
people giving feedback, suggestions investigated or actioned, services co-produced) and
the outcomes (participants feel informed, heard, valued, and that it makes a difference).
Each figure is one grouped aggregate, so a quarter costs the same few queries for ten
activities or fifty thousand."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from involvement_requests.models import InvolvementRequest, SpectrumLevel, Status
from involvement_requests.selectors import own_and_co_led_ids, requests_visible_to, sees_only_own
from outcomes import rules
from outcomes.models import (
    Activity,
    ActivityCost,
    ActivityPriorityReach,
    ActivityStatus,
    BudgetLine,
    CaseStudy,
    CaseStudyStatus,
    EvaluationKind,
    EvaluationResponse,
    FeedbackUpdate,
    RequestOutcome,
    Suggestion,
)
from ppe import counts
from ppe.access import can
from ppe.compiled import compiled_once

BUDGET_LINE_LABELS = dict(BudgetLine.choices)
LIKERT_QUESTIONS = (
    ("informed", "Felt informed"),
    ("heard", "Felt heard"),
    ("valued", "Felt valued"),
    ("difference", "Think it will make a difference"),
)
PROJECT_QUESTIONS = (
    ("own_involvement", "Their own involvement"),
    ("wider_involvement", "The wider patients' involvement"),
)
# Seed 001's aims for each level, shown on the outcomes page.
AIMS = {
    SpectrumLevel.INFORM: "Inform patients and the community about key messages.",
    SpectrumLevel.ENGAGE: "Engage patients and communities to gain feedback and listen to concerns.",
    SpectrumLevel.INVOLVE: "Involve patients and the community in shaping, changing and setting up services.",
    SpectrumLevel.COPRODUCE: "Co-produce with patients as equal partners from the earliest stages.",
}


# --- Who may see what -----------------------------------------------------------------

PENNY = Decimal("0.01")


def outcome_requests_for(user) -> QuerySet[InvolvementRequest]:
    """Requests whose outcomes this user may record: all for the PPI team, a QI lead's own."""
    if not can(user, "outcomes.record"):
        return InvolvementRequest.objects.none()
    return requests_visible_to(user)


def case_studies_for(user) -> QuerySet[CaseStudy]:
    """The PPI team sees every case study; a QI lead those on their own requests and every
    published one; a Board member the published ones only."""
    studies = CaseStudy.objects.select_related("request", "rung_reached")
    if can(user, "outcomes.manage"):
        return studies
    published = Q(status=CaseStudyStatus.PUBLISHED)
    if can(user, "outcomes.record"):
        own = list(outcome_requests_for(user).values_list("pk", flat=True))
        return studies.filter(published | Q(request_id__in=own))
    if can(user, "case_studies.view_published"):
        return studies.filter(published)
    return studies.none()


def may_edit_case_study(user, study: CaseStudy) -> bool:
    if can(user, "outcomes.manage"):
        return True
    return (
        study.status == CaseStudyStatus.DRAFT
        and outcome_requests_for(user).filter(pk=study.request_id).exists()
    )


def suggestions_for(user) -> QuerySet[Suggestion]:
    rows = Suggestion.objects.select_related("activity", "request", "said_by")
    if can(user, "outcomes.manage"):
        return rows
    own = list(outcome_requests_for(user).values_list("pk", flat=True))
    return rows.filter(request_id__in=own)


# --- Lists and pages --------------------------------------------------------------------

# What a table of suggestions shows (views._suggestion_rows), read as values.
SUGGESTION_ROW_FIELDS = ("id", "theme", "text", "received_on", "status")


def suggestions_made(user, start: datetime.date, end: datetime.date) -> tuple[QuerySet, dict]:
    """The suggestions made between two dates that this user may see, as values of
    SUGGESTION_ROW_FIELDS, and how many of them have each status. The PPI team's figures cover the
    whole table, so they are kept until a suggestion changes."""
    rows = suggestions_for(user).filter(received_on__range=(start, end))

    def by_status() -> dict:
        # Counting a column of suggestion_received_idx lets the count read the index alone.
        return dict(rows.order_by().values_list("status").annotate(n=Count("status")))

    if can(user, "outcomes.manage"):
        statuses = counts.remember(f"outcomes:suggestions-by-status:{start}:{end}", [Suggestion], by_status)
    else:
        statuses = by_status()
    return rows.select_related(None).values(*SUGGESTION_ROW_FIELDS), statuses


def activities_for_list(status: str = "") -> tuple[QuerySet[Activity], int]:
    """Activities, newest first, with only what the list shows (all of them, or those with
    one status), and how many there are: kept until an activity changes."""
    activities = Activity.objects.select_related("rung").only(
        "id", "title", "kind", "held_on", "online", "place", "status", "people_reached", "rung__name"
    )
    if status:
        activities = activities.filter(status=status)
    return activities, counts.remember(f"outcomes:activities:{status or 'all'}", [Activity], activities.count)


def case_studies_for_list(user) -> QuerySet[CaseStudy]:
    """The case studies this user may see, last changed first, with only what the list shows."""
    return (
        case_studies_for(user)
        .select_related(None)
        .select_related("rung_reached")
        .only("id", "title", "status", "rung_reached__name")
        .order_by("-updated_at", "-id")
    )


def activity_for_page(pk: int) -> Activity:
    return Activity.objects.select_related("rung").get(pk=pk)


def activity_page(activity: Activity) -> dict:
    """What an activity's own page lists besides the activity, in a fixed number of queries.
    Plain querysets rather than prefetches: a prefetch costs the ORM about twice as much;
    and values where the page needs nothing of a row but what it shows."""
    names = [name for name, _label in LIKERT_QUESTIONS + PROJECT_QUESTIONS]
    attendees = _activity_attendee_count(activity.pk)
    return {
        "attendee_count": attendees[0]["n"] if attendees else 0,
        # Requests made from their columns keep the reference's rule (InvolvementRequest.reference).
        "linked_requests": [InvolvementRequest(**row) for row in _activity_requests(activity.pk)],
        "organisations": [row["name"] for row in _activity_organisations(activity.pk)],
        "priority_reach": [
            (row["group__name"], row["count"]) for row in _activity_priority_reach(activity.pk)
        ],
        "costs": [
            (BUDGET_LINE_LABELS.get(row["line"], row["line"]), row["amount"])
            for row in _activity_costs(activity.pk)
        ],
        "suggestions": _activity_suggestions(activity.pk),
        "evaluations": _summary(
            [*(row[name] for name in names), row["n"]] for row in _activity_evaluations(activity.pk)
        ),
        "feedback": _activity_feedback(activity.pk),
    }


# The small lists of an activity's page, each compiled once per process (ppe.compiled):
# building these queries cost the ORM more than running them.


@compiled_once
def _activity_requests(activity_id: int) -> QuerySet:
    return InvolvementRequest.objects.filter(activities__id=activity_id).values("id", "title")


@compiled_once
def _activity_organisations(activity_id: int) -> QuerySet:
    from people_bank.models import Organisation

    return Organisation.objects.filter(activities__id=activity_id).values("name")


@compiled_once
def _activity_suggestions(activity_id: int) -> QuerySet:
    return Suggestion.objects.filter(activity_id=activity_id).values(*SUGGESTION_ROW_FIELDS)


@compiled_once
def _activity_attendee_count(activity_id: int) -> QuerySet:
    links = Activity.attendees.through.objects.filter(activity_id=activity_id)
    return links.values("activity_id").annotate(n=Count("*")).order_by()


@compiled_once
def _activity_priority_reach(activity_id: int) -> QuerySet:
    reach = ActivityPriorityReach.objects.filter(activity_id=activity_id)
    return reach.order_by("group__order", "group__name").values("group__name", "count")


@compiled_once
def _activity_costs(activity_id: int) -> QuerySet:
    return ActivityCost.objects.filter(activity_id=activity_id).values("line", "amount")


@compiled_once
def _activity_feedback(activity_id: int) -> QuerySet:
    return FeedbackUpdate.objects.filter(activity_id=activity_id).values("pk", "created_at", "message")


@compiled_once
def _activity_evaluations(activity_id: int) -> QuerySet:
    names = [name for name, _label in LIKERT_QUESTIONS + PROJECT_QUESTIONS]
    responses = EvaluationResponse.objects.filter(activity_id=activity_id)
    return responses.order_by().values(*names).annotate(n=Count("*"))


def activity_attendees(activity: Activity):
    return activity.attendees.order_by("last_name", "first_name", "id")


def partners_on_request(request: InvolvementRequest):
    """The Patient Partners who sit on a request's project: those the PPI team allocated to
    it, and any who took part in one of its activities without a formal allocation."""
    from people_bank.models import Person

    return (
        Person.objects.filter(
            Q(allocations__request=request) | Q(activities__requests=request),
            patient_partner__isnull=False,
            erased_at__isnull=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "id")
    )


def people_involved(*, request: InvolvementRequest | None = None, activity: Activity | None = None):
    """Everyone owed a "you said, we did" update: attendees, and anyone whose suggestion
    was recorded against it."""
    from people_bank.models import Person

    if request is not None:
        involved = Q(activities__requests=request) | Q(suggestions__request=request)
    else:
        involved = Q(activities=activity) | Q(suggestions__activity=activity)
    return (
        Person.objects.filter(involved, erased_at__isnull=True)
        .exclude(status="left")
        .distinct()
        .order_by("last_name", "first_name", "id")
    )


def evaluation_summary(responses: QuerySet[EvaluationResponse]) -> dict:
    """Average score and share agreeing for each question, in one query: how many returned
    each combination of answers. (The same figures as nineteen aggregates cost the ORM more
    to build than the rest of an activity's page.)"""
    names = [name for name, _label in LIKERT_QUESTIONS + PROJECT_QUESTIONS]
    return _summary(responses.order_by().values_list(*names).annotate(n=Count("*")))


def _summary(combinations) -> dict:
    """evaluation_summary's figures from (answer to each question..., how many) rows."""
    names = [name for name, _label in LIKERT_QUESTIONS + PROJECT_QUESTIONS]
    count = 0
    answered, total, agree = dict.fromkeys(names, 0), dict.fromkeys(names, 0), dict.fromkeys(names, 0)
    for *answers, n in combinations:
        count += n
        for name, answer in zip(names, answers, strict=True):
            if answer is not None:
                answered[name] += n
                total[name] += answer * n
                if answer >= rules.AGREE_FROM:
                    agree[name] += n
    questions = [
        {
            "key": name,
            "label": label,
            "average": _two_places(total[name] / answered[name]),
            "agree_percent": rules.share(agree[name], answered[name]),
            "answered": answered[name],
        }
        for name, label in LIKERT_QUESTIONS + PROJECT_QUESTIONS
        if answered[name]
    ]
    return {"count": count, "questions": questions}


def request_outcomes_page(request: InvolvementRequest) -> dict:
    """Everything the request's outcomes page shows, in a fixed number of queries."""
    return {
        "outcome": RequestOutcome.objects.filter(request=request).select_related("rung_achieved").first(),
        "activities": list(request.activities.select_related("rung").order_by("-held_on")),
        "suggestions": list(Suggestion.objects.filter(request=request).values(*SUGGESTION_ROW_FIELDS)),
        "case_studies": list(request.case_studies.select_related("rung_reached")),
        "feedback": list(request.feedback_updates.annotate(people=Count("deliveries"))),
        "evaluations": evaluation_summary(
            EvaluationResponse.objects.filter(Q(request=request) | Q(activity__requests=request))
        ),
        "project_evaluations": evaluation_summary(
            EvaluationResponse.objects.filter(request=request, kind=EvaluationKind.PROJECT)
        ),
    }


def close_check(request: InvolvementRequest) -> str | None:
    """Why a request cannot close yet, or None: the outcomes must be recorded (rung
    achieved, what changed) and the "you said, we did" update sent."""
    return close_checks([request.pk])[request.pk]


def close_checks(request_ids: list[int]) -> dict[int, str | None]:
    """close_check for each of several requests, in two queries however many."""
    recorded = {
        request_id
        for request_id, what_changed in RequestOutcome.objects.filter(request_id__in=request_ids).values_list(
            "request_id", "what_changed"
        )
        if what_changed.strip()
    }
    told = set(
        FeedbackUpdate.objects.filter(request_id__in=request_ids, sent_at__isnull=False).values_list(
            "request_id", flat=True
        )
    )
    return {request_id: _needs(request_id in recorded, request_id in told) for request_id in request_ids}


def _needs(recorded: bool, told: bool) -> str | None:
    """What close_check says of a request whose outcomes are (or are not) recorded and
    whose update is (or is not) sent."""
    missing = []
    if not recorded:
        missing.append("record the rung achieved and what changed")
    if not told:
        missing.append('send the "you said, we did" update to everyone involved')
    if not missing:
        return None
    return "Before closing the request, " + " and ".join(missing) + " on its outcomes page."


def waiting_to_close(user, size: int) -> list[dict]:
    """The first `size` of the user's requests in evaluation (by id), each with its
    reference, title and close_check: the QI lead's home panel."""
    if not can(user, "outcomes.record"):
        return []
    if sees_only_own(user):
        found = _lead_waiting_to_close(user.pk, size=size)
    else:
        waiting = requests_visible_to(user).filter(status=Status.EVALUATION).order_by("pk")
        found = list(_with_close_facts(waiting).values("id", "title", "what_changed", "told")[:size])
    return [
        {
            "request": {"pk": row["id"], "reference": f"PIR-{row['id']:05d}", "title": row["title"]},
            # Stripped here, as close_checks does: SQL's TRIM keeps newlines and tabs.
            "needs": _needs(bool((row["what_changed"] or "").strip()), row["told"]),
        }
        for row in found
    ]


def _with_close_facts(requests: QuerySet) -> QuerySet:
    """Requests with what close_check reads of each: what changed, and whether told."""
    return requests.annotate(
        what_changed=Subquery(RequestOutcome.objects.filter(request=OuterRef("pk")).values("what_changed")),
        told=Exists(FeedbackUpdate.objects.filter(request=OuterRef("pk"), sent_at__isnull=False)),
    )


@compiled_once
def _lead_waiting_to_close(user_id: int, *, size: int) -> QuerySet:
    # Compiled once (ppe.compiled), and one query where reading the lead's co-led ids,
    # the requests and then their close checks took four, each built per visit.
    waiting = InvolvementRequest.objects.filter(pk__in=own_and_co_led_ids(user_id), status=Status.EVALUATION)
    return _with_close_facts(waiting.order_by("pk")).values("id", "title", "what_changed", "told")[:size]


# --- The outcomes framework -------------------------------------------------------------


def _levels() -> list[tuple[str, str]]:
    return list(SpectrumLevel.choices)


def _two_places(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def outcomes_framework(start: datetime.date, end: datetime.date) -> dict:
    """Outputs and outcomes for each level of the spectrum between two dates (inclusive).

    An activity, its suggestions and its evaluations belong to the activity's rung's level;
    a suggestion or evaluation made on a request belongs to the level of the rung the
    request had achieved (or planned) when it was recorded: services.spectrum_level_of
    keeps it on the row, so each figure is one grouped scan of one table."""
    held = Activity.objects.filter(status=ActivityStatus.HELD, held_on__range=(start, end))
    activity_rows = held.values("rung__spectrum_level").annotate(
        activities=Count("pk"),
        reached=Coalesce(Sum("people_reached"), 0),
        priority=Coalesce(Sum("priority_reached"), 0),
        anonymous=Coalesce(Sum("anonymous_count"), 0),
    )
    attendee_rows = (
        Activity.attendees.through.objects.filter(
            activity__status=ActivityStatus.HELD, activity__held_on__range=(start, end)
        )
        .values("activity__rung__spectrum_level")
        .annotate(attendees=Count("pk"), people=Count("person_id", distinct=True))
    )
    suggestion_rows = (
        Suggestion.objects.filter(received_on__range=(start, end))
        .values(level=F("spectrum_level"))
        # Counting status, a column of suggestion_received_idx, reads the index alone.
        .annotate(received=Count("status"), responded=Count("status", filter=Q(status__in=rules.RESPONDED)))
    )
    evaluation_aggregates = {"responses": Count("pk")}
    for name, _label in LIKERT_QUESTIONS:
        evaluation_aggregates[f"{name}_avg"] = Avg(name)
        evaluation_aggregates[f"{name}_agree"] = Count("pk", filter=Q(**{f"{name}__gte": rules.AGREE_FROM}))
    evaluation_rows = (
        EvaluationResponse.objects.filter(submitted_on__range=(start, end))
        .values(level=F("spectrum_level"))
        .annotate(**evaluation_aggregates)
    )
    coproduced_rows = (
        RequestOutcome.objects.filter(recorded_at__date__range=(start, end))
        .values("rung_achieved__spectrum_level")
        .annotate(services=Count("pk"))
    )

    by_level: dict[str, dict] = defaultdict(dict)
    for row in activity_rows:
        by_level[row["rung__spectrum_level"]].update(row)
    for row in attendee_rows:
        by_level[row["activity__rung__spectrum_level"]].update(row)
    for row in suggestion_rows:
        by_level[row["level"]].update(row)
    for row in evaluation_rows:
        by_level[row["level"]].update(row)
    for row in coproduced_rows:
        by_level[row["rung_achieved__spectrum_level"]].update(row)

    levels = []
    for key, label in _levels():
        row = by_level.get(key, {})
        responses = row.get("responses", 0)
        received, responded = row.get("received", 0), row.get("responded", 0)
        levels.append(
            {
                "key": key,
                "label": label,
                "aim": AIMS[key],
                "outputs": {
                    "activities": row.get("activities", 0),
                    "people_reached": row.get("reached", 0),
                    "priority_reached": row.get("priority", 0),
                    "people_bank_attendances": row.get("attendees", 0),
                    "anonymous_attendances": row.get("anonymous", 0),
                    "people_giving_feedback": responses,
                    "suggestions_received": received,
                    "suggestions_responded": responded,
                    "suggestions_responded_percent": rules.share(responded, received),
                    "services_with_outcomes": row.get("services", 0),
                },
                "outcomes": [
                    {
                        "key": name,
                        "label": question,
                        "average": _two_places(row.get(f"{name}_avg")),
                        "agree_percent": rules.share(row.get(f"{name}_agree", 0), responses),
                    }
                    for name, question in LIKERT_QUESTIONS
                ],
            }
        )
    totals = {
        name: sum(level["outputs"][name] for level in levels)
        for name in (
            "activities",
            "people_reached",
            "priority_reached",
            "people_bank_attendances",
            "anonymous_attendances",
            "people_giving_feedback",
            "suggestions_received",
            "suggestions_responded",
            "services_with_outcomes",
        )
    }
    totals["suggestions_responded_percent"] = rules.share(
        totals["suggestions_responded"], totals["suggestions_received"]
    )
    totals["target_percent"] = rules.ACTIONED_TARGET
    totals["target_met"] = rules.target_met(totals["suggestions_responded"], totals["suggestions_received"])
    cost_rows = {
        row["line"]: row["total"]
        for row in ActivityCost.objects.filter(
            activity__status=ActivityStatus.HELD, activity__held_on__range=(start, end)
        )
        .values("line")
        .annotate(total=Sum("amount"))
    }
    # Pounds and pence, whatever the database's SUM hands back (SQLite's is not exact).
    costs = [
        {"line": label, "amount": Decimal(cost_rows[key]).quantize(PENNY)}
        for key, label in BudgetLine.choices
        if cost_rows.get(key)
    ]
    by_kind = list(
        held.values("kind").annotate(activities=Count("pk"), reached=Coalesce(Sum("people_reached"), 0))
    )
    kind_labels = dict(Activity._meta.get_field("kind").choices)
    return {
        "start": start,
        "end": end,
        "levels": levels,
        "totals": totals,
        "costs": costs,
        "total_cost": sum((c["amount"] for c in costs), Decimal("0.00")),
        "by_kind": sorted(
            ({"label": kind_labels.get(r["kind"], r["kind"]), **r} for r in by_kind),
            key=lambda r: (-r["activities"], r["label"]),
        ),
    }


def published_case_studies(start: datetime.date, end: datetime.date) -> list[CaseStudy]:
    return list(
        CaseStudy.objects.filter(status=CaseStudyStatus.PUBLISHED, published_at__date__range=(start, end))
        .select_related("rung_reached")
        .order_by("-published_at")[:10]
    )


def feedback_owed(start: datetime.date, end: datetime.date) -> int:
    """Activities held in the period with no "you said, we did" update sent yet (kept until
    an activity or a feedback update changes)."""

    def owed() -> int:  # built only when not kept: building it costs more than reading the count
        return (
            Activity.objects.filter(status=ActivityStatus.HELD, held_on__range=(start, end))
            .exclude(feedback_updates__sent_at__isnull=False)
            .count()
        )

    return counts.remember(f"outcomes:feedback-owed:{start}:{end}", [Activity, FeedbackUpdate], owed)


# --- The Board report ---------------------------------------------------------------------


def _fig(key: str, label: str, value, unit: str = "count", headline: bool = False) -> dict:
    return {"key": key, "label": label, "value": value, "unit": unit, "headline": headline}


def _text(value) -> str:
    return "–" if value is None else str(value)


def board_report_parts(start: datetime.date, end: datetime.date) -> dict:
    """The Board report's outcomes sections (figures.py's contract): aggregates only, no
    person's name anywhere."""
    framework = outcomes_framework(start, end)
    totals = framework["totals"]
    levels = framework["levels"]
    activities = {
        "figures": [
            _fig("activities_held", "Activities held", totals["activities"], headline=True),
            _fig("people_reached", "People reached", totals["people_reached"], headline=True),
            _fig("priority_reached", "Of them, from priority groups", totals["priority_reached"]),
            _fig("activity_costs", "Spent on activities", str(framework["total_cost"]), unit="money"),
        ],
        "tables": [
            {
                "title": "Outputs by level of the spectrum of engagement",
                "columns": [
                    "Level",
                    "Activities",
                    "People reached",
                    "From priority groups",
                    "Giving feedback",
                ],
                "rows": [
                    [
                        level["label"],
                        level["outputs"]["activities"],
                        level["outputs"]["people_reached"],
                        level["outputs"]["priority_reached"],
                        level["outputs"]["people_giving_feedback"],
                    ]
                    for level in levels
                ],
            }
        ],
        "charts": [
            {
                "title": "People reached by level of the spectrum",
                "series": ["People reached", "From priority groups"],
                "unit": "",
                "bars": [
                    {
                        "label": level["label"],
                        "values": [level["outputs"]["people_reached"], level["outputs"]["priority_reached"]],
                    }
                    for level in levels
                ],
            }
        ],
    }
    if framework["costs"]:
        activities["tables"].append(
            {
                "title": "Spending by budget line",
                "columns": ["Budget line", "Spent (£)"],
                "rows": [[c["line"], str(c["amount"])] for c in framework["costs"]],
            }
        )
    responses = totals["people_giving_feedback"]
    evaluations: dict = {}
    if responses:
        overall = evaluation_summary(EvaluationResponse.objects.filter(submitted_on__range=(start, end)))
        evaluations = {
            "figures": [_fig("evaluation_responses", "Evaluation forms returned", overall["count"])]
            + [
                _fig(
                    f"evaluation_{q['key']}_agree",
                    f"{q['label']} (agree or strongly agree)",
                    _text(q["agree_percent"]),
                    unit="percent",
                    headline=q["key"] == "heard",
                )
                for q in overall["questions"]
            ],
            "tables": [
                {
                    "title": "Evaluation scores by level (average out of 5)",
                    "columns": ["Level", *[label for _key, label in LIKERT_QUESTIONS]],
                    "rows": [
                        [level["label"], *[_text(o["average"]) for o in level["outcomes"]]]
                        for level in levels
                        if level["outputs"]["people_giving_feedback"]
                    ],
                }
            ],
        }
    studies = published_case_studies(start, end)
    parts = {
        "activities": activities if totals["activities"] else {},
        "you_said_we_did": {
            "suggestions": {
                "received": totals["suggestions_received"],
                "actioned": totals["suggestions_responded"],
            }
        },
        "evaluations": evaluations,
        "case_studies": {
            "highlights": [
                {"title": s.title, "summary": f"{s.what_changed} Rung reached: {s.rung_reached.name}."}
                for s in studies
            ]
        },
    }
    exceptions = []
    owed = feedback_owed(start, end)
    if owed:
        exceptions.append(f'{owed} activities held this quarter have had no "you said, we did" update yet.')
    if totals["target_met"] is False:
        exceptions.append(
            f"Suggestions investigated or actioned: {totals['suggestions_responded_percent']}%, "
            f"below the {rules.ACTIONED_TARGET}% target."
        )
    if exceptions:
        parts["exceptions"] = {"items": exceptions}
    return {key: part for key, part in parts.items() if part}
