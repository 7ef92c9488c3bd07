"""Demo involvement requests in every state, with their history and assessments.

Deterministic from `rng`; bulk inserts so `--scale bench` (20,000 requests) is quick.
Invented projects and people only."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from involvement_requests import rules
from involvement_requests.models import (
    Allocation,
    AllocationRole,
    Assessment,
    Characteristic,
    EqualityAnswer,
    Invitation,
    InvitationStatus,
    InvolvementRequest,
    OrganisationInvitation,
    QualityPriority,
    RequestStatusChange,
    Rung,
    Stage,
    Status,
    Timing,
)
from involvement_requests.services import assessment_score
from people_bank.models import Interest, Organisation, Service
from people_bank.selectors import improvers_confirmed, people_for_matching
from ppe.access import Role
from ppe.bulk import insert_rows, reserve_ids

S = Status
# How a request reached each state, and how common each state is.
PATHS = {
    S.DRAFT: ([], 8),
    S.SUBMITTED: ([S.SUBMITTED], 10),
    S.IN_ASSESSMENT: ([S.SUBMITTED, S.IN_ASSESSMENT], 8),
    S.MORE_INFO: ([S.SUBMITTED, S.IN_ASSESSMENT, S.MORE_INFO], 6),
    S.ACCEPTED: ([S.SUBMITTED, S.IN_ASSESSMENT, S.ACCEPTED], 8),
    S.DECLINED: ([S.SUBMITTED, S.IN_ASSESSMENT, S.DECLINED], 7),
    S.PEOPLE_ALLOCATED: ([S.SUBMITTED, S.IN_ASSESSMENT, S.ACCEPTED, S.PEOPLE_ALLOCATED], 8),
    S.ACTIVE: ([S.SUBMITTED, S.IN_ASSESSMENT, S.ACCEPTED, S.PEOPLE_ALLOCATED, S.ACTIVE], 15),
    S.EVALUATION: ([S.SUBMITTED, S.IN_ASSESSMENT, S.ACCEPTED, S.PEOPLE_ALLOCATED, S.ACTIVE, S.EVALUATION], 9),
    S.CLOSED: (
        [S.SUBMITTED, S.IN_ASSESSMENT, S.ACCEPTED, S.PEOPLE_ALLOCATED, S.ACTIVE, S.EVALUATION, S.CLOSED],
        16,
    ),
    S.WITHDRAWN: ([S.SUBMITTED, S.WITHDRAWN], 5),
}
ASSESSED = {S.ACCEPTED, S.DECLINED, S.PEOPLE_ALLOCATED, S.ACTIVE, S.EVALUATION, S.CLOSED}

TOPICS = [
    ("discharge", "Discharge before midday", "Patients wait on the ward for medicines and transport."),
    ("outpatients", "Outpatient letters people understand", "Letters are long and use clinical words."),
    ("nights", "Quieter wards at night", "Noise keeps patients awake on the older people's wards."),
    (
        "food",
        "Hospital food that suits every faith",
        "Meals do not always meet religious and cultural needs.",
    ),
    ("parking", "Finding your way to the clinic", "People miss appointments because signs are confusing."),
    ("dementia", "Dementia-friendly admissions", "Admission is bewildering for people living with dementia."),
    ("maternity", "Maternity triage phone line", "Women cannot get through to triage at busy times."),
    ("diabetes", "Diabetes foot checks", "Foot checks are missed while patients are in for other reasons."),
    ("pain", "Pain relief after surgery", "Patients say pain relief arrives late after operations."),
    ("digital", "Online appointment booking", "Patients want to choose and change appointments online."),
]
NOTES = {
    S.MORE_INFO: "Please say which wards are in scope and when patients will first be involved.",
    S.DECLINED: "The project does not yet have scope for patients to influence it.",
}
WHERE = [
    "on the acute wards",
    "in outpatients",
    "in the day-case unit",
    "across the Trust",
    "in the children's unit",
]


def _qi_leads(rng, count: int) -> list[User]:
    leads = list(User.objects.filter(groups__name=Role.QI_LEAD.value).order_by("pk"))
    missing = count - len(leads)
    if missing > 0:
        group = Group.objects.get(name=Role.QI_LEAD.value)
        first = ["Sam", "Alex", "Jo", "Chris", "Nadia", "Ravi", "Grace", "Owen", "Leah", "Imran"]
        last = ["Patel", "Jones", "Khan", "Murphy", "Evans", "Shah", "Walker", "Hughes", "Ali", "Reid"]
        unusable = make_password(None)
        User.objects.bulk_create(
            [
                User(
                    username=f"demo.qi{n}",
                    first_name=rng.choice(first),
                    last_name=rng.choice(last),
                    email=f"demo.qi{n}@example.nhs.uk",
                    password=unusable,  # no sign-in: demo authors only
                )
                for n in range(missing)
            ]
        )
        made = list(User.objects.filter(username__startswith="demo.qi"))
        group.user_set.add(*made)
        leads = list(User.objects.filter(groups__name=Role.QI_LEAD.value).order_by("pk"))
    return leads


ASSESSMENT_FIELDS = [
    "request_id",
    "assessor_id",
    "recommended_rung_id",
    "total",
    "max_total",
    "recommendation",
]
ASSESSMENT_FIELDS += ["reasons", "relevance", "patient_focus", "equality", "timing"]


def _score(rng, request: InvolvementRequest, recommended: Rung, assessor: User) -> tuple:
    """An assessment's row (in ASSESSMENT_FIELDS' order) with random answers, scored."""
    answers = {
        "relevance": rng.randint(0, 3),
        "patient_focus": rng.randint(1, 3),
        "equality": rng.randint(0, 2),
        "timing": rng.choice([Timing.INITIATION, Timing.INITIATION, Timing.DURING, Timing.LATE]),
    }
    score = assessment_score(request=request, recommended_rung=recommended, **answers)
    return (
        request.pk,
        assessor.pk,
        recommended.pk,
        score.total,
        score.max_total,
        score.recommendation,
        list(score.reasons),
        *answers.values(),
    )


def seed(*, rng, sizes, log) -> None:
    total = sizes.get("requests", 0)
    if not total:
        return
    if InvolvementRequest.objects.exists():
        log(f"  requests: {InvolvementRequest.objects.count()} already there, none added")
        return
    rungs = list(Rung.objects.order_by("order"))
    rung_orders = {rung.pk: rung.order for rung in rungs}
    priorities = list(QualityPriority.objects.all())
    services = list(Service.objects.select_related("cmg"))
    leads = _qi_leads(rng, max(2, min(200, total // 50)))
    ppi_team = list(User.objects.filter(groups__name=Role.PPI_TEAM.value).order_by("pk")) or leads[:1]
    states = list(PATHS)
    weights = [PATHS[state][1] for state in states]
    characteristics = [code for code, _label in Characteristic.choices]
    now = timezone.now()

    with transaction.atomic():
        requests: list[InvolvementRequest] = []
        plans: list[tuple[str, datetime.datetime, int]] = []
        for n in range(total):
            state = rng.choices(states, weights)[0]
            key, title, problem = rng.choice(TOPICS)
            service = rng.choice(services) if services else None
            started = now - datetime.timedelta(days=rng.randint(1, 730), minutes=rng.randint(0, 1440))
            proposed = rng.choice(rungs)
            affected = rng.sample(characteristics, rng.randint(0, 3))
            open_to_public = state in (S.ACCEPTED, S.PEOPLE_ALLOCATED, S.ACTIVE) and rng.random() < 0.3
            start_date = started.date() + datetime.timedelta(days=rng.randint(0, 30))
            requests.append(
                InvolvementRequest(
                    status=state,
                    submitted_by=rng.choice(leads),
                    title=f"{title} {rng.choice(WHERE)}",
                    summary=f"{problem} We want to change this with the people it affects.",
                    cmg=service.cmg if service else None,
                    service=service,
                    priority=rng.choice(priorities) if priorities and rng.random() < 0.85 else None,
                    stage=rng.choice(Stage.values),
                    start_date=start_date,
                    end_date=start_date + datetime.timedelta(days=rng.randint(60, 365)),
                    intelligence=f"Complaints, PALS contacts and survey comments about {key}.",
                    groups_affected="Patients using the service, their families and carers.",
                    how_involve="Patients join the project group and test each change.",
                    scope_to_influence="Patients help choose which changes to make.",
                    equality_answer=EqualityAnswer.YES if affected else EqualityAnswer.NO,
                    equality_affected=affected,
                    equality_engagement="Through community groups that reach those affected."
                    if affected
                    else "",
                    purpose="Care that fits patients' lives.",
                    proposed_rung=proposed,
                    partners_wanted=rng.randint(0, 3) if proposed.partners_allowed else 0,
                    improvers_wanted=rng.randint(1, 12),
                    community_groups_wanted=rng.randint(0, 2),
                    open_to_public=open_to_public,
                    public_summary=f"Tell us about your experience of {key}." if open_to_public else "",
                )
            )
            plans.append((state, started, n))
        for obj, (state, started, _n) in zip(requests, plans, strict=True):
            obj.no_priority = obj.priority is None
            path = PATHS[state][0]
            if path:
                obj.submitted_at = started
                obj.last_submitted_at = started
            if state in ASSESSED:
                obj.assessed_at = started + datetime.timedelta(days=rng.randint(1, 20))
                obj.decided_at = obj.assessed_at
                obj.planned_rung = rng.choice(rungs[2:]) if rng.random() < 0.7 else rng.choice(rungs)
            if state == S.DECLINED:
                obj.decline_reason = "The project does not yet have scope for patients to influence it."
            if state == S.CLOSED:
                drift = rng.choice([0, 0, 0, -1, -1, -2])
                obj.achieved_rung = rungs[max(0, rung_orders[obj.planned_rung_id] - 1 + drift)]
        for obj, pk in zip(requests, reserve_ids(InvolvementRequest, total), strict=True):
            obj.pk = pk
        # Every column but the two stamped at insert; read off the instances built above.
        columns = [f.attname for f in InvolvementRequest._meta.concrete_fields]
        columns = [name for name in columns if name not in ("created_at", "updated_at")]
        insert_rows(
            InvolvementRequest, columns, [tuple(getattr(o, name) for name in columns) for o in requests]
        )

        changes, assessments, co_leads = [], [], []
        for obj, (state, started, _n) in zip(requests, plans, strict=True):
            old, at = S.DRAFT, started
            for step in PATHS[state][0]:
                by = obj.submitted_by_id if step in rules.SUBMITTER_MOVES else rng.choice(ppi_team).pk
                changes.append((obj.pk, by, at, old, step, NOTES.get(step, ""), at))
                old, at = step, at + datetime.timedelta(days=rng.randint(1, 20))
            if state in ASSESSED:
                assessments.append(_score(rng, obj, obj.planned_rung, rng.choice(ppi_team)))
            if rng.random() < 0.1:
                other = rng.choice(leads)
                if other.pk != obj.submitted_by_id:
                    co_leads.append((obj.pk, other.pk))
        fields = ["request_id", "by_id", "at", "from_status", "to_status", "note", "notified_at"]
        insert_rows(RequestStatusChange, fields, changes)
        insert_rows(Assessment, ASSESSMENT_FIELDS, assessments)
        insert_rows(InvolvementRequest.co_leads.through, ["involvementrequest_id", "user_id"], co_leads)
    log(f"  requests: {total} in every state, {len(changes)} status changes, {len(assessments)} assessments")
    _seed_people_on_requests(rng, requests, ppi_team, now, log)


# Requests that have people on them: allocated Patient Partners where the rung allows,
# and Hospital Improvers invited (accepted requests have invitations only: allocating
# someone would have moved them on).
WITH_PEOPLE = {S.ACCEPTED, S.PEOPLE_ALLOCATED, S.ACTIVE, S.EVALUATION, S.CLOSED}


def _seed_people_on_requests(rng, requests, ppi_team, now, log) -> None:
    willing = people_for_matching().order_by()
    improvers = list(
        willing.filter(pk__in=improvers_confirmed().values("person_id")).values_list("pk", flat=True)[:20_000]
    )
    today = now.date()
    partners = list(
        willing.filter(patient_partner__started_on__lte=today, patient_partner__tenure_ends_on__gt=today)
        .values_list("pk", "patient_partner__tenure_ends_on")
        .order_by("pk")
    )
    organisations = list(
        Organisation.objects.filter(contacts__email__gt="")
        .values_list("pk", "contacts__pk", "contacts__email")
        .order_by("pk")[:500]
    )
    if not (improvers or partners):
        return
    allocations, invitations, asked = [], [], []
    roles = AllocationRole.values
    expiry = datetime.timedelta(days=settings.REQUESTS_INVITATION_EXPIRY_DAYS)
    for request in requests:
        if request.status not in WITH_PEOPLE:
            continue
        decided = request.decided_at or now - datetime.timedelta(days=30)
        allocated = request.status != S.ACCEPTED
        rung = request.planned_rung or request.proposed_rung
        if allocated and partners and rung is not None and rung.partners_allowed:
            for person_id, tenure_ends in rng.sample(partners, min(len(partners), rng.randint(1, 2))):
                starts = min(decided.date() + datetime.timedelta(days=rng.randint(0, 14)), tenure_ends)
                ends = min(starts + datetime.timedelta(days=rng.randint(60, 240)), tenure_ends)
                if ends >= tenure_ends or starts >= ends:
                    continue
                allocations.append(
                    (
                        request.pk,
                        person_id,
                        rng.choice(roles),
                        starts,
                        ends,
                        rng.choice(ppi_team).pk,
                        decided + datetime.timedelta(days=1),
                    )
                )
        on_request = {person_id for pk, person_id, *_ in allocations[-2:] if pk == request.pk}
        for person_id in rng.sample(improvers, min(len(improvers), rng.randint(1, 6))):
            if person_id in on_request:
                continue
            sent = min(now, decided + datetime.timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 8)))
            answer = rng.choices(
                [InvitationStatus.ACCEPTED, InvitationStatus.DECLINED, InvitationStatus.INVITED],
                [5, 2, 3] if allocated else [2, 1, 4],
            )[0]
            answered = answer != InvitationStatus.INVITED
            invitations.append(
                (
                    request.pk,
                    person_id,
                    answer,
                    # Demo links: the hash of a token nobody holds, so none of them works.
                    f"{rng.getrandbits(256):064x}",
                    rng.choice(ppi_team).pk,
                    sent,
                    sent,
                    sent + expiry,
                    sent + datetime.timedelta(days=7) if not answered and rng.random() < 0.5 else None,
                    sent + datetime.timedelta(days=rng.randint(0, 6)) if answered else None,
                )
            )
        if organisations and rng.random() < 0.3:
            org_id, contact_id, email = rng.choice(organisations)
            sent = decided + datetime.timedelta(days=2)
            asked.append((request.pk, org_id, contact_id, email, rng.choice(ppi_team).pk, sent, sent))
    # What the matched requests ask for, so the match page has reasons to give.
    service_ids = list(Service.objects.values_list("pk", flat=True))
    interest_ids = list(Interest.objects.values_list("pk", flat=True))
    asks_services, asks_interests = [], []
    for request in requests:
        if request.status in WITH_PEOPLE:
            for service_id in rng.sample(service_ids, min(len(service_ids), rng.randint(0, 2))):
                asks_services.append((request.pk, service_id))
            for interest_id in rng.sample(interest_ids, min(len(interest_ids), rng.randint(1, 2))):
                asks_interests.append((request.pk, interest_id))
    # Each list is free of repeats by construction (samples, one pick per request), so
    # nothing here needs the conflict handling that COPY does not have.
    with transaction.atomic():
        link = ["involvementrequest_id"]
        insert_rows(InvolvementRequest.services_wanted.through, [*link, "service_id"], asks_services)
        insert_rows(InvolvementRequest.interests_wanted.through, [*link, "interest_id"], asks_interests)
        fields = ["request_id", "person_id", "role", "starts_on", "ends_on", "allocated_by_id", "created_at"]
        insert_rows(Allocation, fields, allocations)
        fields = ["request_id", "person_id", "status", "token_hash", "invited_by_id", "created_at", "sent_at"]
        insert_rows(Invitation, [*fields, "expires_at", "reminded_at", "responded_at"], invitations)
        fields = [
            "request_id",
            "organisation_id",
            "contact_id",
            "email",
            "invited_by_id",
            "created_at",
            "sent_at",
        ]
        insert_rows(OrganisationInvitation, fields, asked)
    log(
        f"  people on requests: {len(allocations)} Patient Partner allocations, "
        f"{len(invitations)} invitations, {len(asked)} organisations asked"
    )
