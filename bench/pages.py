"""Every staff page the benchmark times, with its arguments picked from the bench data.

Each entry: (label, role, url). Roles: "ppi", "qi", "board" (the demo logins). Pages of a
feature whose data is not seeded are left out with a note rather than failing the run."""

from collections.abc import Callable

from django.db.models import Count
from django.urls import reverse

PageList = list[tuple[str, str, str]]


def people_bank_pages() -> PageList:
    from people_bank.models import Conversation, Interest, Organisation, Person, Service

    busiest = (
        Conversation.objects.filter(person__isnull=False)
        .values("person_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    person = busiest["person_id"] if busiest else Person.objects.order_by("pk").first().pk
    organisation = Organisation.objects.order_by("pk").first()
    service, interest = Service.objects.order_by("pk").first(), Interest.objects.order_by("pk").first()
    people = reverse("people_bank:person_list")
    return [
        ("People: list", "ppi", people),
        ("People: search 'patel'", "ppi", f"{people}?q=patel"),
        (
            "People: filtered",
            "ppi",
            f"{people}?status=active&role=improver&services={service.pk}&interests={interest.pk}"
            "&availability=online&last_contact=stale&sort=-last_contact",
        ),
        ("People: page 20", "ppi", f"{people}?page=20"),
        ("Person (busiest)", "ppi", reverse("people_bank:person_detail", args=[person])),
        ("Reviews and tenure ends due", "ppi", reverse("people_bank:due")),
        ("Representation", "ppi", reverse("people_bank:representation")),
        ("Organisations: list", "ppi", reverse("people_bank:organisation_list")),
        ("Organisations: search", "ppi", reverse("people_bank:organisation_list") + "?q=heart"),
        ("Organisation", "ppi", reverse("people_bank:organisation_detail", args=[organisation.pk])),
        ("Recruitment rounds", "ppi", reverse("people_bank:round_list")),
    ]


def requests_pages() -> PageList:
    from involvement_requests.models import InvolvementRequest, Rung, Status
    from people_bank.models import ClinicalManagementGroup

    queue = reverse("involvement_requests:queue")
    cmg = ClinicalManagementGroup.objects.order_by("pk").first()
    rung = Rung.objects.order_by("order").last()
    closed = InvolvementRequest.objects.filter(status=Status.CLOSED).order_by("pk").first()
    any_request = closed or InvolvementRequest.objects.order_by("pk").first()
    return [
        ("Requests queue: new", "ppi", queue),
        ("Requests queue: all", "ppi", f"{queue}?queue=all"),
        ("Requests queue: overdue", "ppi", f"{queue}?queue=overdue"),
        (
            "Requests queue: filtered",
            "ppi",
            f"{queue}?queue=all&status=active&cmg={cmg.pk}&rung={rung.pk}"
            "&submitted_from=2025-01-01&submitted_to=2026-12-31",
        ),
        ("Requests queue: page 200", "ppi", f"{queue}?queue=all&page=200"),
        ("Request (closed, history)", "ppi", reverse("involvement_requests:detail", args=[any_request.pk])),
        ("QI lead: my requests", "qi", reverse("involvement_requests:list")),
        ("Opportunities bulletin", "ppi", reverse("involvement_requests:bulletin")),
    ]


def platform_pages() -> PageList:
    return [
        ("Home: PPI team dashboard", "ppi", reverse("home")),
        ("Home: QI lead", "qi", reverse("home")),
        ("Home: Board member", "board", reverse("home")),
        ("Audit log", "ppi", reverse("audit_log")),
        ("Audit log: filtered", "ppi", reverse("audit_log") + "?action=view"),
        ("Board reports", "ppi", reverse("outcomes:report_index")),
    ]


def matching_pages() -> PageList:
    from django.apps import apps

    from involvement_requests.models import InvolvementRequest, Status

    allocation = apps.get_model("involvement_requests", "Allocation")  # LookupError until it lands
    accepted = (
        InvolvementRequest.objects.filter(status=Status.ACCEPTED)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    staffed = allocation.objects.values_list("request_id", flat=True).order_by("request_id").first()
    pages = []
    if accepted:
        pages.append(
            (
                "Matching: one request, whole bank",
                "ppi",
                reverse("involvement_requests:match", args=[accepted]),
            )
        )
    if staffed:
        pages.append(
            (
                "Request people (allocated, invited)",
                "ppi",
                reverse("involvement_requests:people", args=[staffed]),
            )
        )
    return pages


def payments_pages() -> PageList:
    from django.apps import apps

    session = apps.get_model("people_bank", "Session")  # LookupError until it lands
    export = apps.get_model("people_bank", "FinanceExport")
    busiest = session.objects.values("person_id").annotate(n=Count("id")).order_by("-n").first()
    exported = export.objects.order_by("-period").values_list("period", flat=True).first()
    open_month = session.objects.order_by("-held_on").values_list("held_on", flat=True).first()
    pages = [
        ("Payments: home", "ppi", reverse("people_bank:payments:index")),
        ("Payments: expense claims", "ppi", reverse("people_bank:payments:claim_list")),
        ("Payments: months", "ppi", reverse("people_bank:payments:export_list")),
    ]
    if open_month:
        month = f"{open_month:%Y-%m}"
        pages.append(
            ("Payments: month not yet exported", "ppi", reverse("people_bank:payments:month", args=[month]))
        )
    if exported:
        month = f"{exported:%Y-%m}"
        pages.append(
            (
                "Finance export CSV (download)",
                "ppi",
                reverse("people_bank:payments:export_download", args=[month]),
            )
        )
    if busiest:
        person = busiest["person_id"]
        pages += [
            ("Payments: busiest partner", "ppi", reverse("people_bank:payments:person", args=[person])),
            ("Statement: busiest partner", "ppi", reverse("people_bank:payments:statement", args=[person])),
        ]
    return pages


def outcomes_pages() -> PageList:
    from django.apps import apps

    activity = apps.get_model("outcomes", "Activity")  # LookupError until it lands
    suggestion = apps.get_model("outcomes", "Suggestion")
    case_study = apps.get_model("outcomes", "CaseStudy")
    busiest = activity.objects.order_by("-people_reached", "pk").values_list("pk", flat=True).first()
    pages = [
        ("Outcomes page (quarter)", "ppi", reverse("outcomes:outcomes_page")),
        ("Activities: list", "ppi", reverse("outcomes:activity_list")),
        ("Suggestions: list", "ppi", reverse("outcomes:suggestion_list")),
        ("Case studies: list", "ppi", reverse("outcomes:case_study_list")),
        ("Case studies: Board member", "board", reverse("outcomes:case_study_list")),
    ]
    if busiest:
        pages.append(("Activity (busiest)", "ppi", reverse("outcomes:activity_detail", args=[busiest])))
    first = suggestion.objects.order_by("pk").values_list("pk", flat=True).first()
    if first:
        pages.append(("Suggestion", "ppi", reverse("outcomes:suggestion_detail", args=[first])))
    study = case_study.objects.order_by("pk").values_list("pk", flat=True).first()
    if study:
        pages.append(("Case study", "ppi", reverse("outcomes:case_study_detail", args=[study])))
    return pages


# Feature modules add theirs here; each returns its pages or raises LookupError when its
# data is not there.
SOURCES: list[Callable[[], PageList]] = [
    platform_pages,
    people_bank_pages,
    requests_pages,
    matching_pages,
    payments_pages,
    outcomes_pages,
]

# Pages held to a target other than the 15 ms / 50 ms of lists, searches and details.
TARGETS_MS = {
    "Matching: one request, whole bank": (300.0, 600.0),
    "Finance export CSV (download)": (2000.0, 2000.0),
    "Outcomes page (quarter)": (1000.0, 1000.0),
}


def all_pages() -> tuple[PageList, list[str]]:
    pages, missing = [], []
    for source in SOURCES:
        try:
            pages.extend(source())
        except (AttributeError, LookupError) as exc:  # nothing seeded for it
            missing.append(f"{source.__name__}: {exc}")
    return pages, missing
