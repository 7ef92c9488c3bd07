"""Demo data for the People Bank: a plausible Trust's CMGs, services and the issues people
care about, then invented people, organisations and the conversation log, bulk-inserted so
`seed_demo --scale bench` builds 100,000 people and 500,000 conversations in minutes."""

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from people_bank import rules
from people_bank.models import (
    AccessNeed,
    Agreement,
    Application,
    ApplicationStatusChange,
    ClinicalManagementGroup,
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
    RecruitmentRound,
    ReferencePopulation,
    Service,
    TrainingRecord,
    search_text_for,
)
from ppe.bulk import insert_rows, reserve_ids

CMGS = {
    "Emergency and Specialist Medicine": ["Emergency Department", "Acute Medicine", "Stroke", "Respiratory"],
    "Cancer, Haematology and Oncology": ["Oncology", "Haematology", "Radiotherapy", "Breast Care"],
    "Women's and Children's": ["Maternity", "Neonatal", "Children's Wards", "Gynaecology"],
    "Musculoskeletal and Specialist Surgery": ["Orthopaedics", "Trauma", "Ophthalmology", "ENT"],
    "Clinical Support Services": ["Pharmacy", "Radiology", "Pathology", "Therapies"],
    "Renal, Respiratory, Cardiac and Vascular": ["Cardiology", "Renal Dialysis", "Vascular", "Diabetes"],
    "Integrated Care": ["Discharge Lounge", "Older People's Medicine", "Dementia Care", "Palliative Care"],
}

INTERESTS = [
    "Discharge",
    "Catering",
    "Diabetes",
    "Religious and spiritual needs",
    "Car parking and travel",
    "Communication and information",
    "Dementia",
    "Mental health",
    "Learning disability",
    "Accessible information",
    "Outpatient appointments",
    "Waiting times",
    "Carers",
    "Young people",
    "End of life care",
    "Digital services",
    "Privacy and dignity",
    "Pain management",
]


ACCESS_NEEDS = [
    "Large print",
    "Interpreter",
    "Hearing loop",
    "Easy read",
    "Step-free access",
    "British Sign Language",
]

FIRST_NAMES = (
    "Aaliyah Abdul Ada Adebayo Aisha Alan Alice Amir Amara Andrew Anika Anna Arjun Barbara Ben "
    "Bilal Bronwen Callum Carmen Catherine Chen Chloe Connor Dalia Daniel Deepa Derek Dev "
    "Dorothy Eileen Elif Ellie Emeka Erin Fatima Finn Florence Gareth George Grace Hamza Hannah "
    "Harpreet Hui Ian Imran Isla Ivan Jack Jade James Jasmine Joan Jonah Kamal Karen Kwame Leah "
    "Leon Li Lily Lucy Mahmoud Maria Marek Mary Mei Michael Mohammed Nadia Naveen Niamh Nkechi "
    "Oliver Olu Patrick Pauline Priya Rachel Rahul Rosa Ruth Sam Sana Sean Shirin Siobhan Sunil "
    "Tariq Thomas Tomasz Una Vikram Wendy Yusuf Zainab Zoe"
).split()
LAST_NAMES = (
    "Abbott Adeyemi Ahmed Ali Allen Atkinson Bailey Baker Begum Bell Bhatt Brown Campbell Chan "
    "Chaudhry Clarke Cooper Davies Doherty Edwards Evans Fernandes Fisher Foster Gill Green "
    "Griffiths Hall Harris Hughes Hussain Iqbal Jackson James Jones Kaur Kelly Khan Kowalski "
    "Kumar Lee Lewis Lloyd Malik Martin Mensah Mistry Moore Morgan Murphy Nowak Nwosu Obi "
    "O'Brien Okafor Owen Parker Patel Phillips Price Rahman Reid Roberts Robinson Rossi Shah "
    "Sharma Singh Smith Taylor Thomas Thompson Turner Walker Ward Watson White Williams Wilson "
    "Wood Wright Yilmaz Young Zhang"
).split()
POSTCODE_AREAS = ["LE1", "LE2", "LE3", "LE4", "LE5", "LE7", "LE9", "LE11", "LE12", "LE18", "NG1", "CV1"]
ORG_WORDS = (
    "Heart Cancer Dementia Carers Stroke Diabetes Kidney Sight Hearing Autism Parkinson's Asthma Arthritis "
    "Maternity Youth Elders Refugee Deaf Polish Somali Gujarati Punjabi Caribbean Irish Traveller Faith "
    "Veterans Wellbeing Recovery Mental Health Disability Sickle Cell Breast Prostate Bowel Lung"
).split()
ORG_PLACES = [
    "Northfield",
    "Eastgate",
    "Westbury",
    "Southmoor",
    "Rivermead",
    "Hillcrest",
    "Oakdale",
    "Kingsway",
]
ORG_SUFFIX = {
    Organisation.Kind.CHARITY: "Trust",
    Organisation.Kind.HEALTHWATCH: "Healthwatch",
    Organisation.Kind.CVS: "Voluntary Action",
    Organisation.Kind.PATIENT_GROUP: "Patients' Group",
    Organisation.Kind.COMMUNITY: "Community Association",
    Organisation.Kind.LOCAL_AUTHORITY: "Council",
    Organisation.Kind.OTHER: "Network",
}
SUMMARIES = [
    "Talked through their experience of discharge from the ward and what would have helped.",
    "Caught up about the catering survey; keen to join the tasting panel.",
    "Discussed accessible information: letters in large print would make a difference.",
    "Asked about car parking for outpatient appointments; passed on to the estates team.",
    "Shared ideas for the diabetes clinic's waiting area.",
    "Followed up after the Community Conversation event.",
    "Talked about joining the dementia care project group.",
    "Checked in after a quiet spell; happy to be invited again.",
]
INSIGHTS = [
    "",
    "",
    "Waiting times for medicines at discharge remain the main worry.",
    "Prayer room signage is hard to find.",
    "Evening sessions suit working carers better.",
]
BATCH = 5000
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a postcode's inward code uses


def seed(*, rng, sizes, log) -> None:
    _seed_reference_data(log)
    if Person.objects.exists():
        log("  people already there: skipped")
        return
    staff = list(User.objects.filter(username__in=["ppi", "ppi2"])) or list(
        User.objects.filter(is_superuser=True)
    )
    if not staff:
        log("  no staff users: people skipped")
        return
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        people_ids = list(reserve_ids(Person, sizes["people"]))
        org_ids = list(reserve_ids(Organisation, sizes["organisations"]))
        # The log is made first so that each person and organisation goes in with their
        # last contact, rather than all of them being rewritten to add it afterwards.
        conversations = _conversations(rng, sizes["conversations"], staff, people_ids, org_ids, now)
        person_contact = _latest(conversations, CONVERSATION_FIELDS.index("person_id"))
        org_contact = _latest(conversations, CONVERSATION_FIELDS.index("organisation_id"))
        _seed_people(rng, people_ids, today, staff, person_contact)
        _seed_roles(rng, people_ids, today, staff)
        _seed_organisations(rng, org_ids, staff, today, org_contact)
        insert_rows(Conversation, CONVERSATION_FIELDS, conversations)
        _seed_recruitment(rng, people_ids, today, staff)
        _seed_payments(rng, sizes, staff, log)
    log(
        f"  people: {len(people_ids)}, organisations: {len(org_ids)}, conversations: {sizes['conversations']}"
    )


def _seed_reference_data(log) -> None:
    for cmg_name, services in CMGS.items():
        cmg, _ = ClinicalManagementGroup.objects.get_or_create(name=cmg_name)
        for service in services:
            Service.objects.get_or_create(name=service, cmg=cmg)
    for name in INTERESTS:
        Interest.objects.get_or_create(name=name)
    for name in ACCESS_NEEDS:
        AccessNeed.objects.get_or_create(name=name)
    # Illustrative local shares (the team replaces them with their own census figures).
    reference = {
        "ethnicity": {
            "white_british": 45.1,
            "asian_indian": 28.3,
            "asian_pakistani": 2.4,
            "black_african": 4.0,
            "black_caribbean": 1.2,
            "white_other": 6.2,
            "mixed_white_black_caribbean": 1.5,
        },
        "sex": {"female": 50.8, "male": 49.2},
        "age_band": {
            "18_24": 11.5,
            "25_34": 16.0,
            "35_44": 14.5,
            "45_54": 14.0,
            "55_64": 13.0,
            "65_74": 10.0,
            "75_plus": 8.5,
        },
        "disability": {"yes": 17.5, "no": 82.5},
    }
    for characteristic, shares in reference.items():
        for category, percent in shares.items():
            ReferencePopulation.objects.get_or_create(
                characteristic=characteristic,
                category=category,
                defaults={"percent": percent, "source": "Illustrative figures for the demo"},
            )
    cmgs, services = ClinicalManagementGroup.objects.count(), Service.objects.count()
    log(f"  reference data: {cmgs} CMGs, {services} services")


def _seed_people(rng, ids, today, staff, last_contact) -> None:
    services = list(Service.objects.values_list("id", flat=True))
    interests = list(Interest.objects.values_list("id", flat=True))
    needs = list(AccessNeed.objects.values_list("id", flat=True))
    methods = [ContactMethod.EMAIL] * 6 + [ContactMethod.PHONE] * 2 + [ContactMethod.TEXT, ContactMethod.POST]
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    people, statuses = [], []
    for i, pk in enumerate(ids):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        status = rng.choices(["active", "paused", "left"], weights=[85, 8, 7])[0]
        email = f"{first}.{last}.{i}@example.com".lower().replace("'", "")
        phone = f"07700 9{i % 100000:05d}"
        postcode = (
            f"{rng.choice(POSTCODE_AREAS)} {rng.randint(1, 9)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"
        )
        contact = rng.choice(methods)
        joined = today - datetime.timedelta(days=rng.randint(0, 6 * 365))
        online, face_to_face = rng.random() < 0.6, rng.random() < 0.7
        free = ",".join(sorted(rng.sample(days, rng.randint(0, 4)), key=days.index))
        invitable = status == "active" and rng.random() < 0.9
        search = search_text_for(first, last, email, postcode, phone)
        people.append(
            (
                pk,
                first,
                last,
                email,
                phone,
                postcode,
                contact,
                status,
                joined,
                online,
                face_to_face,
                free,
                invitable,
                search,
                last_contact.get(pk),
            )
        )
        statuses.append((pk, status, invitable))
    fields = ["id", "first_name", "last_name", "email", "phone", "postcode", "preferred_contact", "status"]
    fields += [
        "joined_on",
        "online",
        "face_to_face",
        "days",
        "can_be_invited",
        "search_text",
        "last_contact_at",
    ]
    insert_rows(Person, fields, people)
    insert_rows(
        Person.services.through,
        ["person_id", "service_id"],
        [(pk, s) for pk in ids for s in rng.sample(services, rng.randint(0, 3))],
    )
    insert_rows(
        Person.interests.through,
        ["person_id", "interest_id"],
        [(pk, x) for pk in ids for x in rng.sample(interests, rng.randint(0, 3))],
    )
    insert_rows(
        Person.access_needs.through,
        ["person_id", "accessneed_id"],
        [(pk, rng.choice(needs)) for pk in ids if rng.random() < 0.1],
    )
    _seed_person_history(rng, statuses, staff)


def _seed_person_history(rng, people, staff) -> None:
    staff_ids = [user.pk for user in staff]
    fields = ["person_id", "from_status", "to_status", "by_id", "note"]
    insert_rows(
        PersonStatusChange, fields, [(pk, "", "active", rng.choice(staff_ids), "Added") for pk, *_ in people]
    )
    insert_rows(
        PersonStatusChange,
        fields,
        [(pk, "active", status, rng.choice(staff_ids), "") for pk, status, _ in people if status != "active"],
    )
    insert_rows(
        ConsentRecord,
        ["person_id", "kind", "given", "method", "channels", "recorded_by_id"],
        [
            (
                pk,
                kind,
                given,
                rng.choice(["online", "phone", "paper"]),
                "email" if given and kind == "invitations" else "",
                rng.choice(staff_ids),
            )
            for pk, _status, invitable in people
            for kind, given in (("hold_data", True), ("invitations", invitable))
        ],
    )
    names = list(EqualityMonitoring.CHARACTERISTICS)
    values = [[c[0] for c in EqualityMonitoring._meta.get_field(name).choices] for name in names]
    equality = [
        (pk, rng.random() < 0.05, *[rng.choice(choices) for choices in values])
        for pk, *_ in people
        if rng.random() < 0.6
    ]
    insert_rows(EqualityMonitoring, ["person_id", "objects_to_monitoring_use", *names], equality)
    from django.core.cache import cache

    from people_bank.selectors import WHOLE_BANK_COUNTS

    cache.delete(WHOLE_BANK_COUNTS)  # bulk inserts send no signals


def _seed_roles(rng, people_ids, today, staff) -> None:
    partners, improvers = [], []
    now = timezone.now()
    for pk in people_ids:
        if rng.random() < 0.03:
            started = today - datetime.timedelta(days=rng.randint(30, 6 * 365 - 30))
            outcome = "pending"
            if started < rules.add_years(today, -3):
                outcome = rng.choice(["satisfactory", "unsatisfactory"])
            due = rules.review_due(started)
            reviewed = due if outcome != "pending" else None
            partners.append((pk, started, outcome, reviewed, due, rules.tenure_end(started, outcome)))
        if rng.random() < 0.3:
            confirmed = rng.random() < 0.9
            improvers.append(
                (
                    pk,
                    now - datetime.timedelta(days=rng.randint(0, 700)),
                    today - datetime.timedelta(days=rng.randint(0, 500)),
                    now,
                    now if confirmed else None,
                    rng.choice(staff).pk if confirmed else None,
                )
            )
    partner_ids = reserve_ids(PatientPartner, len(partners))
    fields = [
        "id",
        "person_id",
        "started_on",
        "review_outcome",
        "reviewed_on",
        "review_due_on",
        "tenure_ends_on",
    ]
    insert_rows(PatientPartner, fields, [(pk, *row) for pk, row in zip(partner_ids, partners, strict=True)])
    fields = ["person_id", "signed_up_at", "last_service_use_on", "code_of_conduct_agreed_at", "confirmed_at"]
    insert_rows(HospitalImprover, [*fields, "confirmed_by_id"], improvers)
    courses = [
        "Induction",
        "Safeguarding",
        "Information governance",
        "Equality and diversity",
        "Chairing meetings",
    ]
    insert_rows(
        TrainingRecord,
        ["partner_id", "course", "completed_on", "expires_on"],
        [
            (
                pk,
                course,
                started + datetime.timedelta(days=30),
                started + datetime.timedelta(days=30 + 3 * 365),
            )
            for pk, (_person, started, *_rest) in zip(partner_ids, partners, strict=True)
            for course in rng.sample(courses, 2)
        ],
    )


def _seed_organisations(rng, ids, staff, today, last_contact) -> None:
    kinds = list(Organisation.Kind.values)
    conditions = ["dementia", "cancer", "heart disease", "diabetes", "stroke", "sight loss"]
    communities = [
        "South Asian",
        "Black Caribbean",
        "Polish",
        "young people",
        "older people",
        "carers",
        "Deaf community",
        "refugees",
    ]
    organisations = []
    for i, pk in enumerate(ids):
        kind = rng.choice(kinds)
        words = " ".join(rng.sample(ORG_WORDS, 2))
        name = f"{rng.choice(ORG_PLACES)} {words} {ORG_SUFFIX[kind]} {i + 1}"
        flags = (rng.random() < 0.4, rng.random() < 0.3, rng.random() < 0.5, rng.random() < 0.6)
        cares_about = ", ".join(rng.sample(conditions, 2))
        reaches = ", ".join(rng.sample(communities, 2))
        area = rng.choice(ORG_PLACES)
        search = search_text_for(name, area, cares_about, reaches)
        organisations.append(
            (
                pk,
                name,
                kind,
                *flags,
                cares_about,
                reaches,
                area,
                rng.choice(staff).pk,
                search,
                last_contact.get(pk),
            )
        )
    fields = ["id", "name", "kind", "is_service_provider", "is_lobby", "is_advocate", "is_conduit"]
    fields += ["conditions", "communities", "area", "owner_id", "search_text", "last_contact_at"]
    insert_rows(Organisation, fields, organisations)
    roles = ["Chief executive", "Volunteer coordinator", "Chair", "Outreach worker"]
    insert_rows(
        OrganisationContact,
        ["organisation_id", "name", "role", "email"],
        [
            (
                pk,
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                rng.choice(roles),
                f"contact{pk}@example.org",
            )
            for pk in ids
            for _ in range(2)
        ],
    )
    insert_rows(
        Agreement,
        ["organisation_id", "title", "starts_on"],
        [
            (pk, "Memorandum of understanding", today - datetime.timedelta(days=rng.randint(30, 900)))
            for pk in ids
            if rng.random() < 0.3
        ],
    )
    return ids


CONVERSATION_FIELDS = [
    "happened_at",
    "staff_id",
    "person_id",
    "organisation_id",
    "channel",
    "summary",
    "insight",
]
CONVERSATION_FIELDS += ["follow_up", "follow_up_due"]


def _conversations(rng, count, staff, people_ids, org_ids, now) -> list[tuple]:
    if not people_ids and not org_ids:
        return []
    staff_ids = [user.pk for user in staff]
    channels = list(Conversation.Channel.values)
    rows = []
    for _ in range(count):
        person = rng.choice(people_ids) if people_ids and (not org_ids or rng.random() < 0.85) else None
        org = rng.choice(org_ids) if org_ids and (person is None or rng.random() < 0.1) else None
        follow = rng.random() < 0.1
        happened = now - datetime.timedelta(days=rng.randint(0, 3 * 365), minutes=rng.randint(0, 600))
        rows.append(
            (
                happened,
                rng.choice(staff_ids),
                person,
                org,
                rng.choice(channels),
                rng.choice(SUMMARIES),
                rng.choice(INSIGHTS),
                "Send the project details" if follow else "",
                (now - datetime.timedelta(days=rng.randint(-20, 40))).date() if follow else None,
            )
        )
    return rows


def _latest(conversations, column: int) -> dict[int, datetime.datetime]:
    """When each person (or organisation) in `column` of the log was last contacted."""
    latest = {}
    for row in conversations:
        key = row[column]
        if key is not None and (key not in latest or row[0] > latest[key]):
            latest[key] = row[0]
    return latest


def _seed_recruitment(rng, people_ids, today, staff) -> None:
    recruitment = RecruitmentRound.objects.create(
        title="Patient Partners for surgery and discharge",
        role_description=(
            "Patient Partners sit on project groups as equal members, "
            "bringing the patient's view from the start. "
            "About six hours a month; sessional payment of £20 a session and out-of-pocket expenses. "
            "Tenure is three years, with a review that can extend it to six."
        ),
        opens_on=today - datetime.timedelta(days=20),
        closes_on=today + datetime.timedelta(days=40),
    )
    steps = ["submitted", "shortlisted", "interviewed", "appointed"]
    for pk in rng.sample(people_ids, min(12, len(people_ids))):
        reached = rng.randint(0, 2)
        application = Application.objects.create(
            round=recruitment,
            person_id=pk,
            why="I want to help make the hospital better for people like my mum.",
            status=steps[reached],
            submitted_online=rng.random() < 0.7,
        )
        for i in range(reached + 1):
            ApplicationStatusChange.objects.create(
                application=application,
                from_status=steps[i - 1] if i else "",
                to_status=steps[i],
                by=rng.choice(staff) if i else None,
            )


def _seed_payments(rng, sizes, staff, log) -> None:
    """Sessions, payments, expense claims and past finance exports (people_bank.payments)."""
    from people_bank.payments.demo import seed_payments

    seed_payments(rng=rng, sizes=sizes, staff=staff, log=log)
