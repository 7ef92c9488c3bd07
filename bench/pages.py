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


# Feature modules add theirs here; each returns its pages or raises LookupError when its
# data is not there.
SOURCES: list[Callable[[], PageList]] = [platform_pages, people_bank_pages, requests_pages]

# Pages held to a target other than the 15 ms / 50 ms of lists, searches and details.
TARGETS_MS = {}


def all_pages() -> tuple[PageList, list[str]]:
    pages, missing = [], []
    for source in SOURCES:
        try:
            pages.extend(source())
        except (AttributeError, LookupError) as exc:  # nothing seeded for it
            missing.append(f"{source.__name__}: {exc}")
    return pages, missing
