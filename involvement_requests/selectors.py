"""Every read that matters to involvement requests, each taking the user where it must."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from involvement_requests import rules
from involvement_requests.models import Assessment, InvolvementRequest, QualityPriority, Rung, Status
from ppe.access import can

ColeadLink = InvolvementRequest.co_leads.through


def requests_visible_to(user) -> QuerySet[InvolvementRequest]:
    """The PPI team sees every request; a QI lead their own and those they co-lead."""
    requests = InvolvementRequest.objects.all()
    if not getattr(user, "is_authenticated", False):
        return requests.none()
    if can(user, "requests.assess"):
        return requests
    if can(user, "requests.view_own"):
        # The co-led ids first, as a list: an OR with a subquery makes PostgreSQL read
        # every request, while an OR of two indexed lookups reads only theirs.
        co_led = list(
            ColeadLink.objects.filter(user_id=user.pk).values_list("involvementrequest_id", flat=True)
        )
        return requests.filter(Q(submitted_by_id=user.pk) | Q(pk__in=co_led))
    return requests.none()


def is_on_project_team(request: InvolvementRequest, user) -> bool:
    if not getattr(user, "is_authenticated", False) or request.pk is None:
        return False
    if request.submitted_by_id == user.pk:
        return True
    return ColeadLink.objects.filter(involvementrequest_id=request.pk, user_id=user.pk).exists()


def may_edit(request: InvolvementRequest, user) -> bool:
    if request.status not in rules.EDITABLE_STATES:
        return False
    return can(user, "requests.assess") or is_on_project_team(request, user)


def request_for_page(user, pk: int) -> InvolvementRequest:
    """One request with what its page shows; DoesNotExist when the user may not see it."""
    return (
        requests_visible_to(user)
        .select_related(
            "submitted_by", "cmg", "service", "priority", "proposed_rung", "planned_rung", "achieved_rung"
        )
        .prefetch_related("co_leads", "services_wanted", "interests_wanted")
        .get(pk=pk)
    )


def status_history(request: InvolvementRequest):
    return request.status_changes.select_related("by").order_by("at", "id")


def list_rows(queryset: QuerySet[InvolvementRequest]) -> QuerySet[InvolvementRequest]:
    """What a list of requests shows per row, joined once for any number of rows."""
    return queryset.select_related("submitted_by", "cmg", "priority", "proposed_rung", "planned_rung").only(
        "id",
        "title",
        "status",
        "created_at",
        "last_submitted_at",
        "submitted_by__first_name",
        "submitted_by__last_name",
        "submitted_by__username",
        "cmg__name",
        "priority__name",
        "proposed_rung__name",
        "proposed_rung__order",
        "planned_rung__name",
        "planned_rung__order",
    )


def my_requests(user) -> QuerySet[InvolvementRequest]:
    return list_rows(requests_visible_to(user)).order_by("-created_at", "-id")


def overdue_before(now: datetime.datetime | None = None) -> datetime.datetime:
    now = now or timezone.now()
    return now - datetime.timedelta(days=settings.REQUESTS_ASSESSMENT_DUE_DAYS)


def assessment_overdue_q(now=None) -> Q:
    return Q(status__in=rules.WAITING_FOR_ASSESSMENT, last_submitted_at__lt=overdue_before(now))


QUEUES: dict[str, tuple[str, Callable[[], Q]]] = {
    "new": ("New", lambda: Q(status=Status.SUBMITTED)),
    "in_assessment": ("In assessment", lambda: Q(status=Status.IN_ASSESSMENT)),
    "waiting": ("Waiting for information", lambda: Q(status=Status.MORE_INFO)),
    "overdue": ("Assessment overdue", lambda: assessment_overdue_q()),
    "all": ("All requests", lambda: Q()),
}


def queue(name: str) -> QuerySet[InvolvementRequest]:
    _label, condition = QUEUES.get(name, QUEUES["all"])
    return list_rows(InvolvementRequest.objects.filter(condition())).order_by(
        F("last_submitted_at").asc(nulls_last=True), "id"
    )


def queue_counts() -> dict[str, int]:
    """How many requests sit in each queue, in one query."""
    aggregates = {name: Count("pk", filter=condition()) for name, (_label, condition) in QUEUES.items()}
    return InvolvementRequest.objects.exclude(status=Status.DRAFT).aggregate(**aggregates)


def counts_by_rung(queryset: QuerySet[InvolvementRequest] | None = None) -> list[dict]:
    """Requests on each rung (the planned rung where assessed, else the proposed one)."""
    queryset = queryset if queryset is not None else InvolvementRequest.objects.exclude(status=Status.DRAFT)
    current = queryset.annotate(current_rung=Coalesce("planned_rung", "proposed_rung"))
    counts = _count_per_rung(current, "current_rung")
    return [{"rung": rung, "count": counts.get(rung.pk, 0)} for rung in Rung.objects.order_by("order")]


def _count_per_rung(queryset: QuerySet[InvolvementRequest], field: str) -> dict[int, int]:
    """{rung id: how many of these requests have it in `field`}, in one query."""
    rows = queryset.filter(**{f"{field}__isnull": False}).values_list(field).annotate(n=Count("pk"))
    return dict(rows.values_list(field, "n"))


def rung_in_use(rung: Rung) -> bool:
    used = InvolvementRequest.objects.filter(
        Q(proposed_rung=rung) | Q(planned_rung=rung) | Q(achieved_rung=rung)
    )
    return used.exists() or Assessment.objects.filter(recommended_rung=rung).exists()


def active_rungs() -> QuerySet[Rung]:
    return Rung.objects.filter(is_active=True).order_by("order")


def active_priorities() -> QuerySet[QualityPriority]:
    return QualityPriority.objects.filter(is_active=True)


# --- The bulletin -------------------------------------------------------------------

PUBLIC_STATES = frozenset({Status.ACCEPTED, Status.PEOPLE_ALLOCATED, Status.ACTIVE})


def public_opportunities() -> QuerySet[InvolvementRequest]:
    """Requests the team chose to show the public, while people can still join them."""
    return (
        InvolvementRequest.objects.filter(open_to_public=True, status__in=PUBLIC_STATES)
        .select_related("service", "cmg")
        .only("id", "title", "public_summary", "involvement_from", "service__name", "cmg__name", "decided_at")
        .order_by("-decided_at", "-id")
    )


def _recipients_from_setting() -> list[str]:
    return list(settings.REQUESTS_DIGEST_RECIPIENTS)


# Who the weekly digest goes to. Until the People Bank lands this is a setting; the People
# Bank phase points it at Hospital Improvers who consented to invitations.
DIGEST_RECIPIENTS: list[Callable[[], Iterable[str]]] = [_recipients_from_setting]


def digest_recipients() -> list[str]:
    addresses: list[str] = []
    for source in DIGEST_RECIPIENTS:
        for address in source():
            if address and address not in addresses:
                addresses.append(address)
    return addresses


# --- The Board report ---------------------------------------------------------------

TOP_RUNGS = 3


def requests_figures(start: datetime.date, end: datetime.date) -> dict:
    """Figures on requests for the Board report, for submissions from `start` to `end`
    inclusive. A fixed handful of queries whatever the number of requests."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    received = InvolvementRequest.objects.filter(submitted_at__gte=since, submitted_at__lt=until)
    decided = {
        "received": Count("pk"),
        "assessed": Count("pk", filter=Q(assessed_at__isnull=False)),
        "accepted": Count(
            "pk",
            filter=Q(
                status__in=[
                    Status.ACCEPTED,
                    Status.PEOPLE_ALLOCATED,
                    Status.ACTIVE,
                    Status.EVALUATION,
                    Status.CLOSED,
                ]
            ),
        ),
        "declined": Count("pk", filter=Q(status=Status.DECLINED)),
    }
    totals = received.aggregate(**decided)
    by_cmg = list(received.values("cmg__name").annotate(**decided).order_by("cmg__name"))
    by_priority = list(received.values("priority__name").annotate(**decided).order_by("priority__name"))
    wait = received.filter(assessed_at__isnull=False).aggregate(
        average=Avg(ExpressionWrapper(F("assessed_at") - F("submitted_at"), output_field=DurationField()))
    )["average"]

    rungs = list(Rung.objects.order_by("order").values_list("pk", "name", "order"))
    top_ids = {pk for pk, _name, _order in rungs[-TOP_RUNGS:]}
    planned = _count_per_rung(received, "planned_rung")
    achieved = _count_per_rung(received, "achieved_rung")
    spread = [
        {"rung": name, "order": order, "planned": planned.get(pk, 0), "achieved": achieved.get(pk, 0)}
        for pk, name, order in rungs
    ]

    def top_share(counts: dict) -> float | None:
        total = sum(counts.values())
        if not total:
            return None
        on_top = sum(n for pk, n in counts.items() if pk in top_ids)
        return round(100 * on_top / total, 1)

    return {
        "start": start,
        "end": end,
        **totals,
        "by_cmg": by_cmg,
        "by_priority": by_priority,
        "average_days_to_assessment": round(wait.total_seconds() / 86400, 1) if wait else None,
        "rung_spread": spread,
        "planned_top_share": top_share(planned),
        "achieved_top_share": top_share(achieved),
        "overdue_assessments": InvolvementRequest.objects.filter(assessment_overdue_q()).count(),
        # Projects that asked but ended with no one involved: declined or withdrawn.
        "without_involvement": received.filter(status__in=[Status.DECLINED, Status.WITHDRAWN]).count(),
    }


def overdue_days() -> int:
    return settings.REQUESTS_ASSESSMENT_DUE_DAYS


# The button for each move on a request's page: (action slug, label, needs its own page).
ACTION_FOR_STATUS = {
    Status.SUBMITTED: ("submit", "Submit request", False),
    Status.IN_ASSESSMENT: ("start-assessment", "Start assessment", False),
    Status.MORE_INFO: ("more-info", "Ask for more information", False),
    Status.ACCEPTED: ("accept", "Accept request", False),
    Status.DECLINED: ("decline", "Decline request", True),
    Status.PEOPLE_ALLOCATED: ("allocated", "Mark people allocated", False),
    Status.ACTIVE: ("start", "Mark involvement under way", False),
    Status.EVALUATION: ("evaluation", "Move to evaluation", False),
    Status.CLOSED: ("close", "Close request", True),
    Status.WITHDRAWN: ("withdraw", "Withdraw request", True),
}


def actions_for(request: InvolvementRequest, user) -> list[dict]:
    """The moves this user may offer on this request now (the services decide again)."""
    assessor = can(user, "requests.assess")
    on_team = assessor or is_on_project_team(request, user)
    actions = []
    for target in sorted(rules.ALLOWED.get(request.status, ()), key=list(Status.values).index):
        if not (assessor or (on_team and target in rules.SUBMITTER_MOVES)):
            continue
        slug, label, own_page = ACTION_FOR_STATUS[target]
        actions.append(
            {
                "slug": slug,
                "label": label,
                "own_page": own_page,
                "needs_note": target == Status.MORE_INFO,
                "warning": target in (Status.WITHDRAWN, Status.DECLINED),
            }
        )
    return actions
