"""Every read in the People Bank that matters. Other apps build on these, never on the
models' managers directly, so that consent, erasure and "objects to monitoring use" are
honoured in one place."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS
from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone

from people_bank import rules
from people_bank.models import (
    AccessNeed,
    Agreement,
    Application,
    ApplicationStatusChange,
    ConsentRecord,
    ContactMethod,
    Conversation,
    EqualityMonitoring,
    HospitalImprover,
    Interest,
    Organisation,
    OrganisationContact,
    PatientPartner,
    Person,
    PersonStatusChange,
    ReferencePopulation,
    Service,
    TenureReminder,
    TrainingRecord,
    contact_method_labels,
    display_name,
    staff_display_name,
)
from ppe.compiled import compiled_once, compiled_without_id

IMPROVER_TARGET = 40


# --- Lists and pages ------------------------------------------------------------------------


# The columns the People Bank list shows. The roles come as subqueries in the select list
# rather than joins: PostgreSQL plans each join with every other (two joins cost a filtered
# list ~1 ms of planning), while a subquery there is planned alone and run only for the
# rows kept.
PEOPLE_LIST_COLUMNS = (
    *("id", "first_name", "last_name", "preferred_name", "status", "can_be_invited", "last_contact_at"),
    "erased_at",
)


def _role_columns() -> dict:
    partner = PatientPartner.objects.filter(person_id=OuterRef("pk")).order_by()
    improver = HospitalImprover.objects.filter(person_id=OuterRef("pk")).order_by()
    return {
        "partner_id": Subquery(partner.values("id")),
        "improver_id": Subquery(improver.values("id")),
        "improver_confirmed_at": Subquery(improver.values("confirmed_at")),
    }


def people_page(people: QuerySet[Person], offset: int, count: int) -> QuerySet:
    """`count` people of a filtered, ordered list from `offset`, as a `values()` queryset of
    the columns the list shows and their roles (partner_id, improver_id,
    improver_confirmed_at): values, as a page of people with two roles each is some eighty
    model instances."""
    if not offset:
        # PostgreSQL works out a select list's subqueries after the sort and limit, so for
        # the page's people only, however many the filters match.
        return people.values(*PEOPLE_LIST_COLUMNS, **_role_columns())[:count]
    # Further on, rows skipped by the offset would run them too: choose the page's people
    # first, then look up their roles.
    chosen = people.values("pk")[offset : offset + count]
    ordered = Person.objects.order_by(*people.query.order_by)
    return ordered.filter(pk__in=Subquery(chosen)).values(*PEOPLE_LIST_COLUMNS, **_role_columns())


def person_for_page(pk: int) -> Person:
    """A person with their roles and lists as model instances (the subject access export)."""
    return (
        Person.objects.select_related("patient_partner", "hospital_improver")
        .prefetch_related(
            Prefetch("services", queryset=Service.objects.select_related("cmg")),
            "interests",
            "access_needs",
            "patient_partner__training",
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class PersonPage:
    """What a person's page shows besides the timeline. The lists are as the page words
    them: a service with its CMG ("Cardiology (Heart)"), a training record as a dict."""

    person: Person
    partner: PatientPartner | None
    improver: HospitalImprover | None
    services: list[str]
    interests: list[str]
    access_needs: list[str]
    training: list[dict]
    # The contact methods of the latest statement about invitations, None without one.
    invitation_channels: list[str] | None


def person_page(pk: int) -> PersonPage:
    """A person, their roles and what they told us, in two queries (one row, one list);
    raises Person.DoesNotExist."""
    found = _person_row(pk)
    if not found:
        raise Person.DoesNotExist(f"No person {pk}")
    row = found[0]
    person = _from_row(Person, row, PERSON_PAGE_FIELDS[Person])
    partner = improver = None
    if row["patient_partner__id"]:
        partner = _from_row(PatientPartner, row, PERSON_PAGE_FIELDS[PatientPartner], "patient_partner__")
    if row["hospital_improver__id"]:
        improver = _from_row(
            HospitalImprover, row, PERSON_PAGE_FIELDS[HospitalImprover], "hospital_improver__"
        )
    # As select_related leaves them: a role not held reads as missing, without a query.
    Person._meta.get_field("patient_partner").set_cached_value(person, partner)
    Person._meta.get_field("hospital_improver").set_cached_value(person, improver)
    lists: dict[str, list] = {"service": [], "interest": [], "access_need": [], "training": []}
    for item in _person_lists(pk):
        kind, label = item["l_kind"], item["l_label"]
        if kind == "service":
            lists[kind].append(f"{label} ({item['l_sort']})")
        elif kind == "training":
            lists[kind].append({"course": label, "completed_on": item["l_on"], "expires_on": item["l_until"]})
        else:
            lists[kind].append(label)
    channels = row["invitation_channels"]
    return PersonPage(
        person,
        partner,
        improver,
        services=lists["service"],
        interests=lists["interest"],
        access_needs=lists["access_need"],
        training=lists["training"] if partner else [],
        invitation_channels=None if channels is None else contact_method_labels(channels),
    )


# The columns the person page shows of each: the rest of a row is left deferred.
PERSON_PAGE_FIELDS = {
    Person: (
        *("id", "first_name", "last_name", "preferred_name", "email", "phone", "postcode"),
        *("preferred_contact", "access_notes", "status", "joined_on", "online", "face_to_face"),
        *("days", "can_be_invited", "last_contact_at", "erased_at"),
    ),
    PatientPartner: ("id", "started_on", "review_outcome", "reviewed_on", "review_due_on", "tenure_ends_on"),
    HospitalImprover: ("id", "signed_up_at", "signed_up_online", "last_service_use_on", "confirmed_at"),
}


def _from_row(model, row: dict, fields: tuple, prefix: str = ""):
    """A model instance from a values() row, with `fields` loaded and the rest deferred."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in fields]  # from_db's order
    return model.from_db(DEFAULT_DB_ALIAS, names, [row[prefix + name] for name in names])


@compiled_once
def _person_row(person_id: int) -> QuerySet:
    invitations = ConsentRecord.objects.filter(person=OuterRef("pk"), kind=ConsentRecord.Kind.INVITATIONS)
    return Person.objects.filter(pk=person_id).values(
        *PERSON_PAGE_FIELDS[Person],
        *(f"patient_partner__{name}" for name in PERSON_PAGE_FIELDS[PatientPartner]),
        *(f"hospital_improver__{name}" for name in PERSON_PAGE_FIELDS[HospitalImprover]),
        invitation_channels=Subquery(invitations.order_by("-recorded_at", "-id").values("channels")[:1]),
    )


@compiled_once
def _person_lists(person_id: int) -> QuerySet:
    """Services, issues, access needs and training, one query (UNION ALL), each kind in its
    own order: services by CMG then name, the names, training newest first."""
    text, empty = TextField(), Value("", output_field=TextField())
    # Typed: a bare NULL in the first parts would make the column text for the last.
    no_date, no_id = Cast(Value(None), DateField()), Cast(Value(None), IntegerField())

    def part(rows, kind: str, *, sort=empty, on=no_date, until=no_date, row_id=no_id, label="name"):
        return rows.annotate(
            l_kind=Value(kind, output_field=text),
            l_sort=sort,
            l_on=on,
            l_id=row_id,
            l_label=Cast(label, text),
            l_until=until,
        ).values("l_kind", "l_sort", "l_on", "l_id", "l_label", "l_until")

    parts = (
        part(
            Service.objects.filter(people__id=person_id).order_by(), "service", sort=Cast("cmg__name", text)
        ),
        part(Interest.objects.filter(people__id=person_id).order_by(), "interest"),
        part(AccessNeed.objects.filter(people__id=person_id).order_by(), "access_need"),
        part(
            TrainingRecord.objects.filter(partner__person_id=person_id).order_by(),
            "training",
            on=F("completed_on"),
            until=F("expires_on"),
            row_id=F("id"),
            label="course",
        ),
    )
    return parts[0].union(*parts[1:], all=True).order_by("l_kind", "l_sort", "-l_on", "-l_id", "l_label")


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    kind: str
    title: str
    body: str = ""
    by: str = ""
    extra: object = None


def person_timeline(person: Person, limit: int = 50) -> list[TimelineEntry]:
    """Conversations, status changes, consent and applications, newest first: one query,
    the four tables' rows put together (UNION ALL) in the same columns."""
    return [_timeline_entry(row) for row in _timeline_rows(person.pk, limit=limit)]


@compiled_once
def _timeline_rows(person_id: int, *, limit: int) -> QuerySet:
    text, none = TextField(), Value(None, output_field=TextField())

    def part(rows, kind: str, *, at: str, code: str, flag, body: str, by: str, conversation=False, round=""):
        return rows.annotate(
            t_at=F(at),
            t_kind=Value(kind, output_field=text),
            t_code=Cast(code, text),
            t_flag=flag,
            t_body=Cast(body, text),
            t_insight=Cast("insight", text) if conversation else none,
            t_follow_up=Cast("follow_up", text) if conversation else none,
            t_follow_up_due=F("follow_up_due") if conversation else Value(None, output_field=DateField()),
            t_done_at=F("follow_up_done_at") if conversation else Value(None, output_field=DateTimeField()),
            t_round=Cast(round, text) if round else none,
            t_username=F(f"{by}__username"),
            t_first_name=F(f"{by}__first_name"),
            t_last_name=F(f"{by}__last_name"),
        ).values(*TIMELINE_COLUMNS)

    empty = Value("", output_field=text)
    conversations = part(
        Conversation.objects.filter(person_id=person_id).order_by(),
        "conversation",
        at="happened_at",
        code="channel",
        flag=empty,
        body="summary",
        by="staff",
        conversation=True,
    )
    status_changes = part(
        PersonStatusChange.objects.filter(person_id=person_id).order_by(),
        "status",
        at="at",
        code="to_status",
        flag=Cast("from_status", text),
        body="note",
        by="by",
    )
    consents = part(
        ConsentRecord.objects.filter(person_id=person_id).order_by(),
        "consent",
        at="recorded_at",
        code="kind",
        flag=Case(When(given=True, then=Value("given")), default=empty, output_field=text),
        body="method",
        by="recorded_by",
    )
    applications = part(
        ApplicationStatusChange.objects.filter(application__person_id=person_id).order_by(),
        "application",
        at="at",
        code="to_status",
        flag=empty,
        body="note",
        by="by",
        round="application__round__title",
    )
    parts = (conversations, status_changes, consents, applications)
    return parts[0].union(*parts[1:], all=True).order_by("-t_at", "t_kind")[:limit]


TIMELINE_COLUMNS = (
    *("t_at", "t_kind", "t_code", "t_flag", "t_body", "t_insight", "t_follow_up", "t_follow_up_due"),
    *("t_done_at", "t_round", "t_username", "t_first_name", "t_last_name"),
)
_LABELS = {
    "conversation": dict(Conversation.Channel.choices),
    "status": dict(Person.Status.choices),
    "consent": dict(ConsentRecord.Kind.choices),
    "application": dict(Application.Status.choices),
}
_CONSENT_METHODS = dict(ConsentRecord.Method.choices)


def _timeline_entry(row: dict) -> TimelineEntry:
    kind, code, body = row["t_kind"], row["t_code"], row["t_body"] or ""
    label = _LABELS[kind].get(code, code)
    extra = None
    if kind == "conversation":
        title = f"{label} conversation"
        extra = {
            "insight": row["t_insight"],
            "follow_up": row["t_follow_up"],
            "follow_up_due": row["t_follow_up_due"],
            "follow_up_done_at": row["t_done_at"],
        }
    elif kind == "status":
        title = f"Status: {label}" if row["t_flag"] else f"Joined as {label.lower()}"
    elif kind == "consent":
        verb = "agreed to" if row["t_flag"] else "withdrew consent to"
        title, body = f"Consent: {verb} {label.lower()}", _CONSENT_METHODS.get(body, body)
    else:
        title = f"Application to {row['t_round']}: {label}"
    by = staff_display_name(row["t_first_name"], row["t_last_name"], row["t_username"])
    return TimelineEntry(row["t_at"], kind, title, body, by, extra)


def organisation_timeline(organisation: Organisation, limit: int = 50) -> list[TimelineEntry]:
    """An organisation's conversations, newest first, each titled with the person spoken to."""
    channels, entries = _LABELS["conversation"], []
    for row in _organisation_conversations(organisation.pk, limit=limit):
        title = f"{channels.get(row['channel'], row['channel'])} conversation"
        if row["person_id"]:
            names = ("first_name", "last_name", "preferred_name", "erased_at")
            title += f" with {display_name(*(row[f'person__{name}'] for name in names))}"
        # Done or not, an organisation's follow-ups are shown as they were set.
        extra = {name: row[name] for name in ("insight", "follow_up", "follow_up_due")}
        by = staff_display_name(row["staff__first_name"], row["staff__last_name"], row["staff__username"])
        entries.append(TimelineEntry(row["happened_at"], "conversation", title, row["summary"], by, extra))
    return entries


@compiled_once
def _organisation_conversations(organisation_id: int, *, limit: int) -> QuerySet:
    # Only what the timeline shows: a busy organisation has hundreds of conversations, and
    # whole rows (with the staff member's and the person's) cost more to build than to fetch.
    return Conversation.objects.filter(organisation_id=organisation_id).values(
        *("happened_at", "channel", "summary", "insight", "follow_up", "follow_up_due", "person_id"),
        *("person__first_name", "person__last_name", "person__preferred_name", "person__erased_at"),
        *("staff__username", "staff__first_name", "staff__last_name"),
    )[:limit]


def organisations_for_list() -> QuerySet[Organisation]:
    """The columns the Organisations table shows, with the relationship owner's name."""
    return Organisation.objects.select_related("owner").only(
        *("name", "area", "kind", "last_contact_at", "owner_id"),
        *("owner__username", "owner__first_name", "owner__last_name"),
    )


@dataclass(frozen=True)
class OrganisationPage:
    organisation: Organisation  # with its relationship owner, if any
    contacts: list[dict]  # name, role, email, phone
    agreements: list[dict]  # title, starts_on, ends_on


ORGANISATION_PAGE_FIELDS = (
    *("id", "name", "kind", "is_service_provider", "is_lobby", "is_advocate", "is_conduit"),
    *("conditions", "communities", "area", "owner_id", "last_contact_at"),
)
OWNER_FIELDS = ("id", "username", "first_name", "last_name")


def organisation_page(pk: int) -> OrganisationPage:
    """An organisation with its owner, contacts and agreements, in two queries; raises
    Organisation.DoesNotExist."""
    found = _organisation_row(pk)
    if not found:
        raise Organisation.DoesNotExist(f"No organisation {pk}")
    row = found[0]
    organisation = _from_row(Organisation, row, ORGANISATION_PAGE_FIELDS)
    owner = _from_row(User, row, OWNER_FIELDS, "owner__") if row["owner_id"] else None
    Organisation._meta.get_field("owner").set_cached_value(organisation, owner)
    contacts, agreements = [], []
    for item in _organisation_lists(pk):
        if item["o_kind"] == "contact":
            contacts.append({name: item[f"o_{name}"] for name in ("name", "role", "email", "phone")})
        else:
            agreements.append({"title": item["o_name"], "starts_on": item["o_from"], "ends_on": item["o_to"]})
    return OrganisationPage(organisation, contacts, agreements)


@compiled_once
def _organisation_row(organisation_id: int) -> QuerySet:
    return Organisation.objects.filter(pk=organisation_id).values(
        *ORGANISATION_PAGE_FIELDS, *(f"owner__{name}" for name in OWNER_FIELDS)
    )


@compiled_once
def _organisation_lists(organisation_id: int) -> QuerySet:
    """Contacts (by name) and agreements (newest first) in one query (UNION ALL)."""
    text, empty = TextField(), Value("", output_field=TextField())
    no_date = Cast(Value(None), DateField())  # typed, as in _person_lists
    contacts = OrganisationContact.objects.filter(organisation_id=organisation_id).annotate(
        o_kind=Value("contact", output_field=text),
        o_sort=Cast("name", text),
        o_from=no_date,
        o_order=F("id"),
        o_name=Cast("name", text),
        o_role=Cast("role", text),
        o_email=Cast("email", text),
        o_phone=Cast("phone", text),
        o_to=no_date,
    )
    agreements = Agreement.objects.filter(organisation_id=organisation_id).annotate(
        o_kind=Value("agreement", output_field=text),
        o_sort=empty,
        o_from=F("starts_on"),
        o_order=-F("id"),
        o_name=Cast("title", text),
        o_role=empty,
        o_email=empty,
        o_phone=empty,
        o_to=F("ends_on"),
    )
    columns = ("o_kind", "o_sort", "o_from", "o_order", "o_name", "o_role", "o_email", "o_phone", "o_to")
    both = contacts.order_by().values(*columns).union(agreements.order_by().values(*columns), all=True)
    # Contacts by name, then id; agreements (o_sort and o_from empty) newest start first.
    return both.order_by("o_kind", "o_sort", "-o_from", "o_order")


def consent_history(person: Person) -> QuerySet[ConsentRecord]:
    return person.consents.select_related("recorded_by")


def improvers_awaiting_confirmation() -> QuerySet[HospitalImprover]:
    # The erased (few) are left out through their own index rather than by joining every
    # person: counting these reads a few thousand rows where the join scans the whole bank.
    erased = Person.objects.filter(pk=OuterRef("person_id"), erased_at__isnull=False)
    return (
        HospitalImprover.objects.filter(confirmed_at__isnull=True)
        .exclude(Exists(erased))
        .select_related("person")
        .order_by("signed_up_at")
    )


# --- Matching building blocks (the requests app uses these) ---------------------------------


def people_for_matching() -> QuerySet[Person]:
    """People who may be invited to take part: active, not erased, and whose latest
    consent to be invited stands. Services, interests and access needs are prefetched;
    availability is on the row (`online`, `face_to_face`, `days`).

    Never joins equality answers: matching must not decide about a person from them."""
    return (
        Person.objects.filter(status=Person.Status.ACTIVE, can_be_invited=True, erased_at__isnull=True)
        .select_related("patient_partner", "hospital_improver")
        .prefetch_related("services", "interests", "access_needs")
    )


def partners_in_tenure(on: datetime.date | None = None) -> QuerySet[PatientPartner]:
    """Patient Partners whose tenure is in force on a date (today by default)."""
    on = on or timezone.localdate()
    return PatientPartner.objects.filter(
        started_on__lte=on, tenure_ends_on__gt=on, person__erased_at__isnull=True
    ).select_related("person")


def improvers_confirmed() -> QuerySet[HospitalImprover]:
    return HospitalImprover.objects.filter(confirmed_at__isnull=False, person__erased_at__isnull=True)


def _due_querysets(today: datetime.date, days: int):
    until = today + datetime.timedelta(days=days)
    partners = PatientPartner.objects.filter(person__erased_at__isnull=True)
    reviews = partners.filter(
        review_outcome=PatientPartner.Review.PENDING, review_due_on__range=(today, until)
    )
    ends = partners.filter(tenure_ends_on__range=(today, until))
    return ((reviews, "Review due", "review_due_on"), (ends, "Tenure ends", "tenure_ends_on"))


def reviews_and_tenure_ends_due(
    today: datetime.date | None = None, days: int = 90, limit: int | None = None
) -> list[dict]:
    """Reviews not yet held and tenure ends in the next `days` days, soonest first then by
    surname (the first `limit` of them, if given), in one query: the partner's person (id
    and name), what is due, when and in how many days."""
    today = today or timezone.localdate()
    return [
        {
            "person_id": row["person_id"],
            "name": display_name(row["d_first"], row["d_last"], row["d_preferred"], None),  # none erased
            "kind": row["d_kind"],
            "due_on": row["d_on"],
            "days_left": (row["d_on"] - today).days,
        }
        for row in _due_rows(today=today, days=days, limit=limit)
    ]


@compiled_without_id
def _due_rows(*, today: datetime.date, days: int, limit: int | None) -> QuerySet:
    # Compiled once per day and page (ppe.compiled): building and compiling the UNION
    # cost more than running it.
    text = TextField()
    reviews, ends = (
        partners.order_by()
        .annotate(
            d_on=F(field),
            d_last=Cast("person__last_name", text),
            d_kind=Value(kind, output_field=text),
            d_first=Cast("person__first_name", text),
            d_preferred=Cast("person__preferred_name", text),
        )
        .values("person_id", "d_on", "d_last", "d_kind", "d_first", "d_preferred")
        for partners, kind, field in _due_querysets(today, days)
    )
    found = reviews.union(ends, all=True).order_by("d_on", "d_last", "d_kind")
    return found[:limit] if limit else found


def reviews_and_tenure_ends_due_count(today: datetime.date | None = None, days: int = 90) -> int:
    today = today or timezone.localdate()
    (reviews, _kind, _field), (ends, _kind, _field) = _due_querysets(today, days)
    # One query: a partner with both a review and a tenure end due counts twice, as listed.
    return reviews.order_by().values("pk").union(ends.order_by().values("pk"), all=True).count()


def recent_reminders(days: int = 14) -> QuerySet[TenureReminder]:
    since = timezone.now() - datetime.timedelta(days=days)
    return (
        TenureReminder.objects.filter(sent_at__gte=since).select_related("partner__person").order_by("due_on")
    )


def overdue_follow_ups(user, today: datetime.date | None = None) -> QuerySet[Conversation]:
    """A staff member's follow-ups past their date and not done, the most overdue first
    (`user` a User or their id)."""
    today = today or timezone.localdate()
    return (
        Conversation.objects.filter(
            staff=user, follow_up_due__lt=today, follow_up_done_at__isnull=True, follow_up_due__isnull=False
        )
        .select_related("person", "organisation")
        .order_by("follow_up_due")
    )


# --- Equality aggregates --------------------------------------------------------------------


WHOLE_BANK_COUNTS = "people_bank:equality-counts:v1"


def equality_profile_counts(person_ids=None) -> dict[str, dict[str, int]]:
    """Raw counts per characteristic and answer (see _equality_profile_counts). The whole
    bank's counts are kept in the cache until an equality record changes (signals.py):
    the representation page and the Board report read them often, and they change rarely."""
    if person_ids is not None:
        return _equality_profile_counts(person_ids)
    from django.core.cache import cache

    counts = cache.get(WHOLE_BANK_COUNTS)
    if counts is None:
        counts = _equality_profile_counts(None)
        cache.set(WHOLE_BANK_COUNTS, counts, timeout=60 * 60)
    return counts


def _equality_profile_counts(person_ids=None) -> dict[str, dict[str, int]]:
    """Raw counts per characteristic and answer, for the people given (all if None).

    Aggregate only, and never for a person who objects to the monitoring use of their
    answers. Unanswered questions count as "not_answered". Pass the result through
    `rules.suppress` before it leaves the PPI team."""
    # Erasing a person deletes their equality record (services.person_erase), so no join
    # to people is needed to leave the erased out.
    records = EqualityMonitoring.objects.filter(objects_to_monitoring_use=False)
    if person_ids is not None:
        records = records.filter(person_id__in=person_ids)
    # One pass over the table, one filtered count per (question, answer), instead of a
    # GROUP BY per question: at 100,000 people that is ten times quicker.
    aggregates, keys = {}, {}
    for characteristic in EqualityMonitoring.CHARACTERISTICS:
        field = EqualityMonitoring._meta.get_field(characteristic)
        for index, (value, _label) in enumerate(field.choices):
            if value in (None, ""):
                continue
            alias = f"{characteristic}__{index}"
            aggregates[alias] = Count("id", filter=Q(**{characteristic: value}))
            keys[alias] = (characteristic, value)
        alias = f"{characteristic}__unanswered"
        unanswered = Q(**{f"{characteristic}__isnull": True}) | Q(**{characteristic: ""})
        aggregates[alias] = Count("id", filter=unanswered)
        keys[alias] = (characteristic, "not_answered")
    counts: dict[str, dict[str, int]] = {c: {} for c in EqualityMonitoring.CHARACTERISTICS}
    for alias, n in records.aggregate(**aggregates).items():
        if n:
            characteristic, answer = keys[alias]
            counts[characteristic][answer] = n
    return counts


def equality_published_counts(person_ids=None) -> dict[str, dict[str, str]]:
    """The same counts, with NHS Digital's disclosure rule applied."""
    return {
        characteristic: {answer: rules.suppress(n) for answer, n in answers.items()}
        for characteristic, answers in equality_profile_counts(person_ids).items()
    }


@dataclass
class RepresentationRow:
    category: str
    label: str
    count: int
    share: Decimal
    reference: Decimal | None
    under_represented: bool


def representation(person_ids=None) -> dict[str, list[RepresentationRow]]:
    """The bank's make-up beside the reference population, per characteristic. Shares
    leave out "prefer not to say" and unanswered, so they compare with census shares."""
    counts = equality_profile_counts(person_ids)
    references = defaultdict(dict)
    for ref in ReferencePopulation.objects.all():
        references[ref.characteristic][ref.category] = ref.percent
    result = {}
    for characteristic in EqualityMonitoring.CHARACTERISTICS:
        field = EqualityMonitoring._meta.get_field(characteristic)
        answered = {
            k: v for k, v in counts[characteristic].items() if k not in ("not_answered", "prefer_not_to_say")
        }
        total = sum(answered.values())
        rows = []
        for value, label in field.choices:
            if value == "prefer_not_to_say":
                continue
            n = answered.get(value, 0)
            share = (Decimal(n) * 100 / total).quantize(Decimal("0.1")) if total else Decimal(0)
            reference = references[characteristic].get(value)
            rows.append(
                RepresentationRow(
                    value,
                    label,
                    n,
                    share,
                    reference,
                    reference is not None and rules.under_represented(share, reference),
                )
            )
        result[characteristic] = rows
    return result


def recruitment_funnel(recruitment=None) -> dict[str, dict[str, dict[str, int]]]:
    """For each recruitment step, the equality profile of the applicants who reached it:
    where in the process diversity is lost. Aggregate only; objectors left out."""
    applications = Application.objects.all()
    if recruitment is not None:
        applications = applications.filter(round=recruitment)
    reached = {
        "Applied": applications,
        "Shortlisted": applications.filter(status_changes__to_status=Application.Status.SHORTLISTED),
        "Interviewed": applications.filter(status_changes__to_status=Application.Status.INTERVIEWED),
        "Appointed": applications.filter(status=Application.Status.APPOINTED),
    }
    return {
        step: equality_profile_counts(applications.values("person_id"))
        for step, applications in reached.items()
    }


# --- Figures for the Board report -----------------------------------------------------------


def people_bank_figures(start: datetime.date, end: datetime.date) -> dict:
    """Counts for the quarterly Board report over [start, end]: no one is named.

    partners: Patient Partners whose tenure is in force on `end`; improvers: confirmed
    Hospital Improvers (against the target of 40); organisations; people who joined and
    people who left in the period; reviews and tenure ends in the 90 days after `end`."""
    joined = Person.objects.filter(joined_on__range=(start, end)).count()
    left = (
        Person.objects.filter(
            status_changes__to_status=Person.Status.LEFT,
            status_changes__at__date__range=(start, end),
        )
        .distinct()
        .count()
    )
    improvers = improvers_confirmed().filter(confirmed_at__date__lte=end).count()
    soon = end + datetime.timedelta(days=90)
    partners = PatientPartner.objects.filter(person__erased_at__isnull=True)
    return {
        "partners": partners_in_tenure(end).count(),
        "improvers": improvers,
        "improver_target": IMPROVER_TARGET,
        "improver_target_met": improvers >= IMPROVER_TARGET,
        "organisations": Organisation.objects.filter(created_at__date__lte=end).count(),
        "joiners": joined,
        "leavers": left,
        "reviews_due": partners.filter(
            review_outcome=PatientPartner.Review.PENDING, review_due_on__range=(end, soon)
        ).count(),
        "tenure_ends": partners.filter(tenure_ends_on__range=(end, soon)).count(),
    }


# --- Subject access -------------------------------------------------------------------------


def subject_access_data(person: Person) -> dict:
    """Everything the People Bank holds about one person, as plain data."""
    person = person_for_page(person.pk)
    data = {
        "person": {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "preferred_name": person.preferred_name,
            "email": person.email,
            "phone": person.phone,
            "postcode": person.postcode,
            "preferred_contact": person.get_preferred_contact_display(),
            "access_needs": [a.name for a in person.access_needs.all()],
            "other_access_needs": person.access_notes,
            "status": person.get_status_display(),
            "joined_on": person.joined_on.isoformat(),
            "services": [s.name for s in person.services.all()],
            "interests": [i.name for i in person.interests.all()],
            "online": person.online,
            "face_to_face": person.face_to_face,
            "days": person.day_labels,
        },
        "status_history": [
            {"at": s.at.isoformat(), "from": s.from_status, "to": s.to_status, "note": s.note}
            for s in person.status_changes.all()
        ],
        "consents": [
            {
                "at": c.recorded_at.isoformat(),
                "kind": c.get_kind_display(),
                "given": c.given,
                "channels": c.channel_labels,
                "method": c.get_method_display(),
            }
            for c in person.consents.all()
        ],
        "conversations": [
            {
                "at": c.happened_at.isoformat(),
                "channel": c.get_channel_display(),
                "summary": c.summary,
                "insight": c.insight,
                "follow_up": c.follow_up,
            }
            for c in person.conversations.all()
        ],
        "applications": [
            {
                "round": str(a.round),
                "status": a.get_status_display(),
                "why": a.why,
                "experience": a.experience,
            }
            for a in person.applications.select_related("round")
        ],
    }
    partner = getattr(person, "patient_partner", None)
    if partner:
        data["patient_partner"] = {
            "started_on": partner.started_on.isoformat(),
            "review_due_on": partner.review_due_on.isoformat(),
            "review_outcome": partner.get_review_outcome_display(),
            "tenure_ends_on": partner.tenure_ends_on.isoformat(),
            "training": [
                {
                    "course": t.course,
                    "completed_on": t.completed_on.isoformat(),
                    "expires_on": t.expires_on.isoformat() if t.expires_on else None,
                }
                for t in partner.training.all()
            ],
        }
    improver = getattr(person, "hospital_improver", None)
    if improver:
        data["hospital_improver"] = {
            "signed_up_at": improver.signed_up_at.isoformat(),
            "last_service_use_on": improver.last_service_use_on.isoformat(),
            "confirmed": improver.is_confirmed,
        }
    equality = EqualityMonitoring.objects.filter(person=person).first()
    if equality:
        data["equality_monitoring"] = {
            name: getattr(equality, f"get_{name}_display")() for name in EqualityMonitoring.CHARACTERISTICS
        }
        data["equality_monitoring"]["objects_to_monitoring_use"] = equality.objects_to_monitoring_use
    from people_bank.payments.selectors import payments_subject_access

    data.update(payments_subject_access(person))
    from people_bank import personal_data

    data.update(personal_data.export_all(person))
    return data


def recruitment_funnel_table(recruitment=None) -> list[tuple[str, list[tuple[str, list[int]]]]]:
    """`recruitment_funnel` laid out for a table: per characteristic, one row per answer
    with the count at each step (Applied, Shortlisted, Interviewed, Appointed)."""
    funnel = recruitment_funnel(recruitment)
    steps = list(funnel)
    tables = []
    for characteristic in EqualityMonitoring.CHARACTERISTICS:
        field = EqualityMonitoring._meta.get_field(characteristic)
        labels = {**dict(field.choices), "not_answered": "Not answered"}
        answers = [a for a in labels if any(funnel[s][characteristic].get(a) for s in steps)]
        rows = [(labels[a], [funnel[s][characteristic].get(a, 0) for s in steps]) for a in answers]
        tables.append((str(field.verbose_name).capitalize(), rows))
    return tables


def people_for_request_page(person_ids) -> list[dict]:
    """What a QI lead may see of the people allocated to their own request: name, role and
    how to get in touch - never equality answers, notes or history. The requests app
    decides whose request it is; this decides how much of each person shows."""
    people = Person.objects.filter(pk__in=person_ids, erased_at__isnull=True).select_related(
        "patient_partner", "hospital_improver"
    )
    rows = []
    for person in people:
        roles = []
        if hasattr(person, "patient_partner"):
            roles.append("Patient Partner")
        if hasattr(person, "hospital_improver"):
            roles.append("Hospital Improver")
        contact = {
            ContactMethod.EMAIL: person.email,
            ContactMethod.PHONE: person.phone,
            ContactMethod.TEXT: person.phone,
            ContactMethod.POST: person.postcode and "By post, through the PPI team",
        }.get(person.preferred_contact, "")
        rows.append(
            {
                "id": person.pk,
                "name": person.display_name,
                "roles": roles,
                "preferred_contact": person.get_preferred_contact_display(),
                "contact": contact,
            }
        )
    return rows
