"""Every read that matters to involvement requests, each taking the user where it must."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    DateField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from involvement_requests import matching, rules
from involvement_requests.models import (
    PUBLIC_STATES,
    Allocation,
    AllocationRole,
    Assessment,
    Invitation,
    InvitationStatus,
    InvolvementRequest,
    OrganisationInvitation,
    QualityPriority,
    RequestStatusChange,
    Rung,
    Status,
    response_label,
)
from involvement_requests.templatetags.requests_tags import STATUS_COLOURS
from people_bank.models import (
    ClinicalManagementGroup,
    EqualityMonitoring,
    HospitalImprover,
    Organisation,
    PatientPartner,
    Person,
    display_name,
    staff_display_name,
)
from people_bank.rules import add_months
from people_bank.selectors import people_for_matching
from ppe import counts
from ppe.access import can
from ppe.compiled import compiled_objects, compiled_once
from ppe.formats import short_date, start_of_day
from ppe.links import row_url

ColeadLink = InvolvementRequest.co_leads.through
ServicesWanted = InvolvementRequest.services_wanted.through
InterestsWanted = InvolvementRequest.interests_wanted.through


def requests_visible_to(user) -> QuerySet[InvolvementRequest]:
    """The PPI team sees every request; a QI lead their own and those they co-lead."""
    requests = InvolvementRequest.objects.all()
    if sees_all(user):
        return requests
    if sees_only_own(user):
        # The co-led ids first, as a list: an OR with a subquery makes PostgreSQL read
        # every request, while an OR of two indexed lookups reads only theirs.
        return requests.filter(Q(submitted_by_id=user.pk) | Q(pk__in=_co_led_ids(user)))
    return requests.none()


def _co_led_ids(user) -> list[int]:
    """The ids of the requests this user co-leads, read once per web request however many
    panels ask (a QI lead's home has two): kept on the user object, which the
    authentication middleware reads afresh for each web request."""
    ids = getattr(user, "_co_led_request_ids", None)
    if ids is None:
        ids = list(ColeadLink.objects.filter(user_id=user.pk).values_list("involvementrequest_id", flat=True))
        user._co_led_request_ids = ids
    return ids


def sees_all(user) -> bool:
    """Whether requests_visible_to(user) is every request: the PPI team."""
    return bool(getattr(user, "is_authenticated", False)) and can(user, "requests.assess")


def sees_only_own(user) -> bool:
    """Whether requests_visible_to(user) is the user's own and co-led requests: a QI lead."""
    return (
        getattr(user, "is_authenticated", False)
        and not can(user, "requests.assess")
        and can(user, "requests.view_own")
    )


def own_and_co_led_ids(user_id: int) -> QuerySet:
    """The ids of a lead's own and co-led requests as one subquery: a UNION of two indexed
    lookups, which PostgreSQL reads as such (an OR of the two made it read every request).
    For queries compiled once (ppe.compiled) with the lead's id as their one input."""
    own = InvolvementRequest.objects.filter(submitted_by_id=user_id).order_by().values("pk")
    return own.union(ColeadLink.objects.filter(user_id=user_id).values("involvementrequest_id"))


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


def may_see(user, request: InvolvementRequest) -> bool:
    """requests_visible_to's rule, for one request already read."""
    return sees_all(user) or (sees_only_own(user) and is_on_project_team(request, user))


def request_for_page(user, pk: int) -> InvolvementRequest:
    """One request with what its page shows; DoesNotExist when the user may not see it.

    Its three rungs come from the kept ladder rather than three more joins: with eight
    tables joined PostgreSQL took ~2 ms to plan a one-row query. Co-leads, services
    and issues wanted are read when a page asks for them (one query each), not for every
    page that opens a request. The query is compiled once (it cost more to build than to
    run), so who may see it is asked of the request read (may_see) rather than in SQL."""
    found = _request_with_names(pk)
    if not found or not may_see(user, found[0]):
        raise InvolvementRequest.DoesNotExist("No such request, or not this user's to see")
    request = found[0]
    rungs = reference()["rungs"]
    for field in ("proposed_rung", "planned_rung", "achieved_rung"):
        setattr(request, field, rungs.get(getattr(request, f"{field}_id")))
    return request


@compiled_objects
def _request_with_names(request_id: int) -> QuerySet[InvolvementRequest]:
    # Unordered: the model's default order would only add a sort to a one-row read.
    return (
        InvolvementRequest.objects.filter(pk=request_id)
        .select_related("submitted_by", "cmg", "service", "priority")
        .order_by()
    )


def reference() -> dict[str, dict]:
    """{"rungs": {id: Rung}, "cmgs": {id: name}}: the ladder and the CMG names, small
    tables that every request's page and every list of requests shows, kept until a rung
    or a CMG changes."""

    def read() -> dict[str, dict]:
        return {
            "rungs": Rung.objects.in_bulk(),
            "cmgs": dict(ClinicalManagementGroup.objects.values_list("pk", "name")),
        }

    return counts.remember("requests:reference", [Rung, ClinicalManagementGroup], read)


def assessment_of(request: InvolvementRequest) -> Assessment | None:
    """The request's scoring, with the rung it recommended; None until it is scored."""
    if not request.assessed_at:
        return None
    found = _assessment_with_rung(request.pk)
    return found[0] if found else None


@compiled_objects
def _assessment_with_rung(request_id: int) -> QuerySet[Assessment]:
    # Compiled once (ppe.compiled): building it cost several times running it.
    return Assessment.objects.filter(request_id=request_id).select_related("recommended_rung")


def status_history(request: InvolvementRequest) -> list[dict]:
    """The request's status changes, oldest first, as the cells of its History table."""
    labels = _STATUS_LABELS
    return [
        {
            "at": row["at"],
            "change": f"{labels.get(row['from_status'], row['from_status'])} to "
            f"{labels.get(row['to_status'], row['to_status'])}",
            "by": _staff(row, "by"),
            "note": row["note"],
        }
        for row in _status_changes(request.pk)
    ]


@compiled_once
def _status_changes(request_id: int) -> QuerySet:
    # Compiled once (ppe.compiled): with the member of staff joined it cost more to
    # compile than to run.
    return (
        RequestStatusChange.objects.filter(request_id=request_id)
        .order_by("at", "id")
        .values("at", "from_status", "to_status", "note", *_staff_name("by"))
    )


# The columns of a row of a list of requests, as request_rows' cells read them.
_ROW_COLUMNS = (
    "id",
    "title",
    "status",
    "last_submitted_at",
    "cmg_id",
    "proposed_rung_id",
    "planned_rung_id",
    "submitted_by__first_name",
    "submitted_by__last_name",
    "submitted_by__username",
)


def request_rows(queryset: QuerySet[InvolvementRequest], page_ids: QuerySet) -> list[dict]:
    """One page of a list of requests, ready for the table, in `queryset`'s order.

    `page_ids` is the page cut from the list's ids (an index answers that however deep
    the page), so only the page's own rows are read in full, with only the lead joined.
    The CMG and rung names come from reference(): joined as well, they made
    PostgreSQL spend longer planning the query than running it. Each cell is worked out
    here once rather than by template tags per row; one query whatever the rows."""
    sql, converters, compiler = _rows_around_ids(_order_of(queryset))
    try:
        ids_sql, ids_params = page_ids.query.sql_with_params()
    except EmptyResultSet:  # a list that can hold nothing (`none()`, a refused filter)
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql.replace(_PAGE_IDS, ids_sql), ids_params)
        rows = cursor.fetchall()
    if converters:
        rows = compiler.apply_converters(rows, converters)
    return _cells([tuple(row) for row in rows])


# Stands for the page's ids in request_rows' SQL until they are put in.
_PAGE_IDS = "SELECT -987654321"
_ROWS_SQL: dict[tuple, tuple] = {}


def _rows_around_ids(order: tuple) -> tuple[str, dict, object]:
    """request_rows' query in this order, compiled once per process: building and compiling
    it cost ~1.3 ms a page, running it a fraction of that. Only the page's ids (a subquery
    of the filtered list) change; they take _PAGE_IDS' place."""
    kept = _ROWS_SQL.get(order)
    if kept is None:
        rows = _rows_among(RawSQL(_PAGE_IDS, ()), order).values_list(*_ROW_COLUMNS)  # noqa: S611 (constant SQL)
        compiler = rows.query.get_compiler(using=rows.db)
        sql, params = compiler.as_sql()
        if params or sql.count(_PAGE_IDS) != 1:  # the ids' own params must be the only ones
            raise ValueError(f"request_rows cannot put the page's ids into {sql!r}")
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        kept = _ROWS_SQL[order] = (sql, compiler.get_converters(fields), compiler)
    return kept


def rows_of_page(queryset: QuerySet[InvolvementRequest], start: int, size: int) -> QuerySet:
    """The rows of _ROW_COLUMNS of `size` requests from `start` of a list, in its order, as a
    `values()` queryset: the page is cut from the list's ids (an index answers that), and
    only its own rows are read in full."""
    page_ids = queryset.values("pk")[start : start + size]
    return _rows_among(Subquery(page_ids), _order_of(queryset)).values(*_ROW_COLUMNS)


def _order_of(queryset: QuerySet[InvolvementRequest]) -> tuple:
    return tuple(queryset.query.order_by or InvolvementRequest._meta.ordering)


def _rows_among(page_ids, order: tuple) -> QuerySet[InvolvementRequest]:
    """The requests whose ids `page_ids` (a subquery) gives, in a list's order."""
    return InvolvementRequest.objects.filter(pk__in=page_ids).order_by(*order)


def rows_as_cells(rows: list[dict]) -> list[dict]:
    """`values()` rows of _ROW_COLUMNS as the cells of the table of requests."""
    return _cells([tuple(row[column] for column in _ROW_COLUMNS) for row in rows])


def counted_request_rows(
    queryset: QuerySet[InvolvementRequest], start: int, size: int
) -> tuple[list[dict], int]:
    """counted() for a list of requests, as the cells of its table."""
    rows, total = counted(queryset.values_list(*_ROW_COLUMNS), start, size)
    return _cells(rows), total


def newest_request_rows(user, size: int) -> tuple[list[dict], int]:
    """The user's newest `size` requests as the cells of the table, and how many they can
    see (the QI lead's home panel)."""
    if not sees_only_own(user):
        return counted_request_rows(my_requests(user), 0, size)
    found = _newest_of_lead(user.pk, size=size)
    if not found:
        return [], 0
    return rows_as_cells(found), found[0]["counted_total"]


@compiled_once
def _newest_of_lead(user_id: int, *, size: int) -> QuerySet:
    # Compiled once (ppe.compiled): built per visit, with the lead's co-led ids read first,
    # it cost several times what running it does. As counted() reads my_requests().
    return (
        InvolvementRequest.objects.filter(pk__in=own_and_co_led_ids(user_id))
        .order_by("-created_at", "-id")
        .annotate(counted_total=Window(Count("pk")))
        .values(*_ROW_COLUMNS, "counted_total")[:size]
    )


def counted(queryset: QuerySet, start: int, size: int) -> tuple[list, int]:
    """`size` rows of a list from `start`, and how many the whole list holds, in one query:
    the count rides on each row as a window. None are read past its end, so the count is
    then 0; the caller asks again if it needs it."""
    rows = list(queryset.annotate(counted_total=Window(Count("pk")))[start : start + size])
    if not rows:
        return [], 0
    if isinstance(rows[0], tuple):  # values_list(): the count is the last value
        return [row[:-1] for row in rows], rows[0][-1]
    return rows, rows[0].counted_total


_STATUS_LABELS = dict(Status.choices)


def _cells(rows: list[tuple]) -> list[dict]:
    """Each row of _ROW_COLUMNS as the cells of the table of requests."""
    if not rows:
        return []
    kept = reference()
    cmgs, rungs = kept["cmgs"], kept["rungs"]
    labels = _STATUS_LABELS
    # The link's two halves, found once: row_url looks up the URLconf on every call.
    head, _, tail = row_url("involvement_requests:detail", "\0").partition("\0")
    table = []
    for pk, title, status, submitted, cmg, proposed, planned, first, last, username in rows:
        if planned:
            rung = f"{rungs[planned].name} (planned)"
        elif proposed:
            rung = f"{rungs[proposed].name} (proposed)"
        else:
            rung = "Not chosen"
        table.append(
            {
                "url": f"{head}{pk}{tail}",
                "name": f"PIR-{pk:05d} {title}",
                "status_label": labels.get(status, status),
                "status_colour": STATUS_COLOURS.get(status, "grey"),
                "cmg": cmgs.get(cmg) or "Not given",
                "rung": rung,
                "submitted": short_date(submitted) if submitted else "Not yet",
                "lead": staff_display_name(first, last, username),
            }
        )
    return table


def my_requests(user) -> QuerySet[InvolvementRequest]:
    return requests_visible_to(user).order_by("-created_at", "-id")


def overdue_before(now: datetime.datetime | None = None) -> datetime.datetime:
    now = now or timezone.now()
    return now - datetime.timedelta(days=settings.REQUESTS_ASSESSMENT_DUE_DAYS)


def assessment_overdue_q(now=None) -> Q:
    return Q(status__in=rules.WAITING_FOR_ASSESSMENT, last_submitted_at__lt=overdue_before(now))


# Each queue: its name, and what it holds (at `now`, for a queue that moves with the clock).
QUEUES: dict[str, tuple[str, Callable[..., Q]]] = {
    "new": ("New", lambda now=None: Q(status=Status.SUBMITTED)),
    "in_assessment": ("In assessment", lambda now=None: Q(status=Status.IN_ASSESSMENT)),
    "waiting": ("Waiting for information", lambda now=None: Q(status=Status.MORE_INFO)),
    "overdue": ("Assessment overdue", lambda now=None: assessment_overdue_q(now)),
    "all": ("All requests", lambda now=None: Q()),
}


def _submitted() -> QuerySet[InvolvementRequest]:
    # A draft is its lead's unfinished work: not in any queue, nor in the queue counts.
    return InvolvementRequest.objects.exclude(status=Status.DRAFT)


def queue(name: str, now: datetime.datetime | None = None) -> QuerySet[InvolvementRequest]:
    _label, condition = QUEUES.get(name, QUEUES["all"])
    return _submitted().filter(condition(now)).order_by(F("last_submitted_at").asc(nulls_last=True), "id")


def queue_figures() -> dict:
    """How many requests sit in each queue, and on each rung (the planned rung where
    assessed, else the proposed one): kept until a request or a rung changes."""

    def work_out() -> dict:
        waiting = _submitted()
        aggregates = {name: Count("pk", filter=condition()) for name, (_label, condition) in QUEUES.items()}
        per_rung = _count_per_rung(
            waiting.annotate(current_rung=Coalesce("planned_rung", "proposed_rung")), "current_rung"
        )
        return {
            "queues": waiting.aggregate(**aggregates),
            "by_rung": [
                {"rung": rung, "count": per_rung.get(rung.pk, 0)} for rung in Rung.objects.order_by("order")
            ],
        }

    return counts.remember("requests:queue-figures", [InvolvementRequest, Rung], work_out)


def queue_counts() -> dict[str, int]:
    return queue_figures()["queues"]


def counts_by_rung() -> list[dict]:
    return queue_figures()["by_rung"]


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


def public_opportunities() -> QuerySet[InvolvementRequest]:
    """Requests the team chose to show the public, while people can still join them."""
    return (
        InvolvementRequest.objects.filter(open_to_public=True, status__in=PUBLIC_STATES)
        .select_related("service")
        .only("id", "title", "public_summary", "involvement_from", "service__name")
        .order_by("-decided_at", "-id")
    )


def public_opportunity_count() -> int:
    """How many opportunities the bulletin lists, kept until a request changes. Counted
    with each page (a window over the rows), PostgreSQL read every open request and its
    service to show 25: ~4.5 ms, where reading just the page takes a tenth of that."""
    return counts.remember(
        "requests:public-count", [InvolvementRequest], lambda: public_opportunities().count()
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
    since, until = start_of_day(start), start_of_day(end + datetime.timedelta(days=1))
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


# --- Matching, allocation and invitations -------------------------------------------

# A request can have people matched, allocated and invited once accepted, until it ends.
MATCHABLE_STATES = frozenset({Status.ACCEPTED, Status.PEOPLE_ALLOCATED, Status.ACTIVE})


def paid_sessions_this_month(person_ids: Iterable[int], on_date: datetime.date) -> dict[int, int]:
    """{person id: paid sessions in the calendar month of `on_date`} for the people given,
    read from the payments ledger. The match ranks down, with the reason shown, anyone
    already at the monthly cap."""
    from people_bank.payments.selectors import payable_session_counts

    return payable_session_counts(list(person_ids), on_date.year, on_date.month)


def rung_for_matching(request: InvolvementRequest) -> Rung | None:
    """The rung the request is worked on: planned at assessment, else the one proposed."""
    return request.planned_rung or request.proposed_rung


def _recent_since(months: int) -> datetime.datetime:
    return start_of_day(add_months(timezone.localdate(), -months))


def group_person_ids(request: InvolvementRequest) -> set[int]:
    """People already on the request: allocated, or invited and not declined."""
    allocated = Allocation.objects.filter(request=request).order_by().values_list("person_id", flat=True)
    invited = (
        Invitation.objects.filter(request=request)
        .exclude(status=InvitationStatus.DECLINED)
        .order_by()
        .values_list("person_id", flat=True)
    )
    return set(allocated.union(invited))


def _equality_pairs(person_ids: Iterable[int]) -> dict[int, set[tuple[str, str]]]:
    """{person id: {(characteristic, answer)}} for diversity scoring only: never shown.

    Leaves out anyone who objects to monitoring use, and unanswered and "prefer not to
    say" answers, which say nothing about who is in the group."""
    names = EqualityMonitoring.CHARACTERISTICS
    rows = EqualityMonitoring.objects.filter(
        person_id__in=list(person_ids), objects_to_monitoring_use=False
    ).values_list("person_id", *names)
    pairs: dict[int, set[tuple[str, str]]] = {}
    for person_id, *answers in rows:
        pairs[person_id] = {
            (name, answer)
            for name, answer in zip(names, answers, strict=True)
            if answer and answer != "prefer_not_to_say"
        }
    return pairs


@dataclass
class MatchRow:
    person: object  # people_bank.models.Person
    suggestion: object  # involvement_requests.matching.Suggestion


def _eligible(request: InvolvementRequest, wanted: matching.Wanted) -> QuerySet[Person]:
    """Everyone who may be suggested: willing to be invited, active, a confirmed Hospital
    Improver or (where the rung allows) a Patient Partner in tenure, and not already
    allocated to or invited on this request."""
    today = wanted.on
    # Subqueries rather than joins: PostgreSQL checks each person against two small
    # hashed sets instead of hash-joining the whole bank.
    role = Q(pk__in=HospitalImprover.objects.filter(confirmed_at__isnull=False).values("person_id"))
    if wanted.partners_allowed:
        partners = PatientPartner.objects.filter(started_on__lte=today, tenure_ends_on__gt=today)
        role |= Q(pk__in=partners.values("person_id"))
    return (
        people_for_matching()
        .filter(role)
        .exclude(pk__in=Allocation.objects.filter(request=request).values("person_id"))
        .exclude(pk__in=Invitation.objects.filter(request=request).values("person_id"))
    )


def _load_and_matches(wanted: matching.Wanted, since: datetime.datetime) -> QuerySet:
    """One row a time anyone has a wanted service, a wanted issue or a recent allocation or
    invitation: (person id, services, interests, recent load), each 1 or 0, to be summed."""
    one, none = Value(1), Value(0)

    def marked(rows, services, interests, load):
        rows = rows.order_by().annotate(s=services, i=interests, n=load)
        return rows.values_list("person_id", "s", "i", "n")

    parts = [
        marked(Allocation.objects.filter(created_at__gte=since), none, none, one),
        marked(Invitation.objects.filter(created_at__gte=since), none, none, one),
    ]
    if wanted.services:
        parts.append(
            marked(Person.services.through.objects.filter(service_id__in=wanted.services), one, none, none)
        )
    if wanted.interests:
        parts.append(
            marked(Person.interests.through.objects.filter(interest_id__in=wanted.interests), none, one, none)
        )
    return parts[0].union(*parts[1:], all=True)


def _base_points_sql(wanted: matching.Wanted) -> tuple[str, list]:
    """matching.base_points written as SQL over the columns services, interests, online,
    face_to_face, days and recent_load, so the database can cut the pool without sending
    the whole bank back. Built from matching's own weights; a test holds the two equal."""
    # SQLite (the embedded default) has two-argument MIN and instr() for LEAST and POSITION.
    postgres = connection.vendor == "postgresql"
    least = "LEAST" if postgres else "MIN"
    sql = [
        f"%s * {least}(services, %s)",
        f"%s * {least}(interests, %s)",
        "CASE WHEN recent_load = 0 THEN %s ELSE %s * recent_load END",
    ]
    params: list = [
        matching.SERVICE_POINTS,
        matching.COUNTED_MATCHES,
        matching.INTEREST_POINTS,
        matching.COUNTED_MATCHES,
        matching.NOT_RECENTLY_INVOLVED,
        -matching.LOAD_PENALTY,
    ]
    ways = [name for name, want in (("online", wanted.online), ("face_to_face", wanted.face_to_face)) if want]
    if ways:
        sql.append(f"CASE WHEN {' OR '.join(ways)} THEN %s ELSE %s END")
        params += [matching.FORMAT_POINTS, matching.FORMAT_MISMATCH]
    for day in sorted(wanted.days):
        has_day = "POSITION(%s IN days) > 0" if postgres else "instr(days, %s) > 0"
        sql.append(f"CASE WHEN {has_day} THEN %s ELSE 0 END")
        params += [day, matching.DAY_POINTS]
    return " + ".join(f"({part})" for part in sql), params


def _pool(
    request: InvolvementRequest, wanted: matching.Wanted, size: int
) -> tuple[list[int], dict[int, int]]:
    """The ids of the `size` likeliest people, and their recent load.

    One query: everyone eligible, joined to one sum per person of their wanted services,
    wanted issues and recent allocations and invitations, ordered by matching.base_points
    (as _base_points_sql) and cut in the database, so the bank never leaves it."""
    eligible, eligible_params = (
        _eligible(request, wanted)
        .prefetch_related(None)
        .order_by()
        .values("pk", "online", "face_to_face", "days")
        .query.sql_with_params()
    )
    since = _recent_since(wanted.recent_months)
    counts, counts_params = _load_and_matches(wanted, since).query.sql_with_params()
    points, points_params = _base_points_sql(wanted)
    # Only compiled querysets and fixed column names are spliced in; every value is a parameter.
    # No parallel workers: each would build the whole per-person sum again, which on a
    # two-core server busy with other requests costs more than it saves. SET LOCAL ends
    # with the statement's own transaction (or the caller's, if one is open).
    serial = "SET LOCAL max_parallel_workers_per_gather = 0;" if connection.vendor == "postgresql" else ""
    sql = f"""
        {serial}
        SELECT pk, recent_load FROM (
            SELECT e.pk, e.online, e.face_to_face, e.days,
                COALESCE(c.services, 0) AS services,
                COALESCE(c.interests, 0) AS interests,
                COALESCE(c.recent_load, 0) AS recent_load
            FROM ({eligible}) e
            LEFT JOIN (
                SELECT person_id, SUM(s) AS services, SUM(i) AS interests, SUM(n) AS recent_load
                FROM ({counts}) marks GROUP BY person_id
            ) c ON c.person_id = e.pk
        ) person
        ORDER BY {points} DESC, pk
        LIMIT %s
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*eligible_params, *counts_params, *points_params, size])
        rows = cursor.fetchall()
    return [pk for pk, _load in rows], {pk: load for pk, load in rows if load}


def match_for_request(
    request: InvolvementRequest, wanted: matching.Wanted, *, limit: int | None = None, pool: int | None = None
) -> list[MatchRow]:
    """The best `limit` people from the People Bank for this request, with their reasons.

    The bank is first cut to a pool of the likeliest people by the same weights the
    score uses (see _pool); matching.rank then scores the pool in full (paid sessions
    this month, the group's diversity) and words the reasons. A fixed number of queries,
    however large the bank or the list."""
    limit = limit or settings.REQUESTS_MATCH_LIMIT
    pool = pool or max(settings.REQUESTS_MATCH_POOL, limit)
    ids, load = _pool(request, wanted, pool)
    # Each role read by its person's key: a join would scan every improver for a few hundred.
    improver = HospitalImprover.objects.filter(person=OuterRef("pk"))
    partner = PatientPartner.objects.filter(person=OuterRef("pk"))
    rows = (
        Person.objects.filter(pk__in=ids)
        .order_by()
        .annotate(
            confirmed_at=Subquery(improver.values("confirmed_at")),
            started_on=Subquery(partner.values("started_on")),
            tenure_ends_on=Subquery(partner.values("tenure_ends_on")),
        )
        .values_list(
            "pk",
            "status",
            "can_be_invited",
            "online",
            "face_to_face",
            "days",
            "confirmed_at",
            "started_on",
            "tenure_ends_on",
        )
    )
    services = _matched_names(Person.services.through, "service", ids, wanted.services)
    interests = _matched_names(Person.interests.through, "interest", ids, wanted.interests)
    group = group_person_ids(request)
    pairs = _equality_pairs([*ids, *group])
    group_pairs = set().union(*(pairs.get(pk, set()) for pk in group)) if group else set()
    paid = paid_sessions_this_month(ids, wanted.on)
    candidates = []
    for pk, status, invitable, online, face_to_face, days, confirmed_at, started_on, ends_on in rows:
        candidates.append(
            matching.Candidate(
                person_id=pk,
                status=status,
                can_be_invited=invitable,
                services=services.get(pk, {}),
                interests=interests.get(pk, {}),
                online=online,
                face_to_face=face_to_face,
                days=frozenset(d for d in days.split(",") if d),
                is_improver=confirmed_at is not None,
                partner_started_on=started_on,
                partner_tenure_ends_on=ends_on,
                recent_load=load.get(pk, 0),
                paid_sessions=paid.get(pk, 0),
                diversity_gain=matching.diversity_gain(group_pairs, pairs.get(pk, set())),
            )
        )
    suggestions = matching.rank(wanted, candidates, limit=limit)
    # Only what the page shows of each person: their name, for the link to their record.
    people = Person.objects.filter(pk__in=[s.person_id for s in suggestions]).only(
        "id", "first_name", "last_name", "preferred_name", "erased_at"
    )
    by_id = {p.pk: p for p in people}
    return [MatchRow(by_id[s.person_id], s) for s in suggestions]


def _matched_names(through, kind: str, person_ids: list[int], wanted_ids: frozenset[int]) -> dict[int, dict]:
    """{person id: {service (or interest) id: name}} for the wanted ones each person has."""
    if not wanted_ids:
        return {}
    found: dict[int, dict] = {}
    rows = through.objects.filter(person_id__in=person_ids, **{f"{kind}_id__in": wanted_ids}).values_list(
        "person_id", f"{kind}_id", f"{kind}__name"
    )
    for person_id, thing_id, name in rows:
        found.setdefault(person_id, {})[thing_id] = name
    return found


def wanted_for(request: InvolvementRequest, *, online=False, face_to_face=False, days=(), on=None):
    """What the match looks for: the request's services and issues, its rung's rule on
    Patient Partners, and the way of taking part the PPI team chose on the match page."""
    services = {s.pk for s in request.services_wanted.all()}
    if request.service_id:
        services.add(request.service_id)
    rung = rung_for_matching(request)
    return matching.Wanted(
        on=on or timezone.localdate(),
        services=frozenset(services),
        interests=frozenset(i.pk for i in request.interests_wanted.all()),
        online=online,
        face_to_face=face_to_face,
        days=frozenset(days),
        partners_allowed=bool(rung and rung.partners_allowed),
        recent_months=settings.REQUESTS_MATCH_RECENT_MONTHS,
    )


# The people page's three tables, each read by SQL compiled once (ppe.compiled): built for
# a request with select_related() and only(), they cost ~1 ms each to compile, twice what
# they take to run. Each row comes back as the cells its table shows.


# The columns that name a person (people_bank.models.display_name) and a member of staff.
_PERSON_NAME = ("person__first_name", "person__last_name", "person__preferred_name", "person__erased_at")


def _staff_name(field: str) -> tuple[str, str, str]:
    return (f"{field}__first_name", f"{field}__last_name", f"{field}__username")


@compiled_once
def _allocation_rows(request_id: int) -> QuerySet:
    return Allocation.objects.filter(request_id=request_id).values(
        "person_id",
        "role",
        "starts_on",
        "ends_on",
        *_PERSON_NAME,
        *_staff_name("allocated_by"),
    )


@compiled_once
def _invitation_rows(request_id: int) -> QuerySet:
    return Invitation.objects.filter(request_id=request_id).values(
        "id",
        "person_id",
        "status",
        "created_at",
        "sent_at",
        "expires_at",
        "reminded_at",
        "responded_at",
        *_PERSON_NAME,
    )


@compiled_once
def _organisation_invitation_rows(request_id: int) -> QuerySet:
    return OrganisationInvitation.objects.filter(request_id=request_id).values(
        "organisation_id",
        "organisation__name",
        "contact__name",
        "email",
        "sent_at",
        *_staff_name("invited_by"),
    )


def _person_name(row: dict) -> str:
    return display_name(*(row[column] for column in _PERSON_NAME))


def _staff(row: dict, field: str) -> str:
    return staff_display_name(*(row[column] for column in _staff_name(field)))


def allocations_for(request: InvolvementRequest) -> list[dict]:
    """The Patient Partners allocated, in the order allocations are kept (by start)."""
    roles = dict(AllocationRole.choices)
    return [
        {
            "person_id": row["person_id"],
            "name": _person_name(row),
            "role": roles.get(row["role"], row["role"]),
            "starts_on": row["starts_on"],
            "ends_on": row["ends_on"],
            "allocated_by": _staff(row, "allocated_by"),
        }
        for row in _allocation_rows(request.pk)
    ]


def invitations_for(request: InvolvementRequest) -> list[dict]:
    """The Hospital Improvers invited and their answers, oldest invitation first."""
    now = timezone.now()
    return [
        {
            "pk": row["id"],
            "person_id": row["person_id"],
            "name": _person_name(row),
            "status": row["status"],
            "created_at": row["created_at"],
            "sent_at": row["sent_at"],
            "reminded_at": row["reminded_at"],
            "responded_at": row["responded_at"],
            "response_label": response_label(row["status"], row["sent_at"], row["expires_at"], now),
        }
        for row in _invitation_rows(request.pk)
    ]


def organisation_invitations_for(request: InvolvementRequest) -> list[dict]:
    """The organisations asked to share the opportunity, and who asked."""
    return [
        {
            "organisation_id": row["organisation_id"],
            "organisation": row["organisation__name"],
            "emailed_to": row["contact__name"] or row["email"],
            "sent_at": row["sent_at"],
            "invited_by": _staff(row, "invited_by"),
        }
        for row in _organisation_invitation_rows(request.pk)
    ]


def response_counts(invitations: Iterable[dict]) -> dict[str, int]:
    """Invited, accepted, declined and no reply, from a request's invitations (the page
    lists them all anyway)."""
    statuses = Counter(invitation["status"] for invitation in invitations)
    return {
        "invited": sum(statuses.values()),
        "accepted": statuses[InvitationStatus.ACCEPTED],
        "declined": statuses[InvitationStatus.DECLINED],
        "no_reply": statuses[InvitationStatus.INVITED],
    }


def people_on_project(request: InvolvementRequest) -> list[dict]:
    """What the project team sees of who is working with them: first name and role only.

    Allocated Patient Partners (by start date) then Hospital Improvers who accepted (by
    when they were asked), in one query; never equality answers, contact details or
    anyone who has been erased."""
    roles = dict(AllocationRole.choices)
    rows = []
    for found in _people_on_project(request.pk):
        row = {
            "name": found["preferred"] or found["first"],
            "role": roles.get(found["kind"], found["kind"]) if found["part"] == 0 else "Hospital Improver",
        }
        if found["part"] == 0:
            row.update(starts_on=found["starts"], ends_on=found["ends"])
        rows.append(row)
    return rows


@compiled_once
def _people_on_project(request_id: int) -> QuerySet:
    no_date = Value(None, output_field=DateField())

    def part(rows, order: int, role, starts_on, ends_on, asked_at):
        return (
            rows.filter(request_id=request_id, person__erased_at__isnull=True)
            .order_by()
            .annotate(
                part=Value(order),
                kind=role,
                starts=starts_on,
                ends=ends_on,
                asked=asked_at,
                first=F("person__first_name"),
                preferred=F("person__preferred_name"),
            )
            .values("part", "kind", "starts", "ends", "asked", "id", "first", "preferred")
        )

    allocations = part(
        Allocation.objects.all(),
        0,
        F("role"),
        F("starts_on"),
        F("ends_on"),
        Value(None, output_field=DateTimeField()),
    )
    accepted = part(
        Invitation.objects.filter(status=InvitationStatus.ACCEPTED),
        1,
        Value(""),
        no_date,
        no_date,
        F("created_at"),
    )
    return allocations.union(accepted, all=True).order_by("part", "starts", "asked", "id")


def request_names(request: InvolvementRequest) -> dict[str, list[str]]:
    """The names its page lists for a request: co-leads, services and issues wanted, each
    in its own order, in one query (compiled once per process)."""
    names: dict[str, list[str]] = {"co_leads": [], "services": [], "interests": []}
    keys = list(names)
    for row in _request_names(request.pk):
        if row["part"] == 0:
            names["co_leads"].append(staff_display_name(row["name1"], row["name2"], row["login"]))
        else:
            names[keys[row["part"]]].append(row["name1"])
    return names


@compiled_once
def _request_names(request_id: int) -> QuerySet:
    def part(rows, order: int, link_order, sort, name, last, username):
        return (
            rows.order_by()
            .annotate(part=Value(order), link=link_order, sort=sort, name1=name, name2=last, login=username)
            .values("part", "link", "sort", "name1", "name2", "login")
        )

    blank = Value("")
    leads = part(
        ColeadLink.objects.filter(involvementrequest_id=request_id),
        0,
        F("id"),
        blank,
        F("user__first_name"),
        F("user__last_name"),
        F("user__username"),
    )
    services = part(
        ServicesWanted.objects.filter(involvementrequest_id=request_id),
        1,
        Value(0),
        F("service__cmg__name"),
        F("service__name"),
        blank,
        blank,
    )
    interests = part(
        InterestsWanted.objects.filter(involvementrequest_id=request_id),
        2,
        Value(0),
        blank,
        F("interest__name"),
        blank,
        blank,
    )
    return leads.union(services, interests, all=True).order_by("part", "link", "sort", "name1")


def organisations_to_invite(request: InvolvementRequest):
    """Organisations not yet asked to circulate this request, with their contacts."""
    return (
        Organisation.objects.exclude(request_invitations__request=request)
        .prefetch_related("contacts")
        .order_by("name", "id")
    )


def allocatable_partners(on: datetime.date | None = None):
    """Patient Partners who may be allocated today: active, willing, in tenure."""
    on = on or timezone.localdate()
    return Person.objects.filter(
        status=Person.Status.ACTIVE,
        can_be_invited=True,
        erased_at__isnull=True,
        patient_partner__started_on__lte=on,
        patient_partner__tenure_ends_on__gt=on,
    ).order_by("last_name", "first_name", "id")
