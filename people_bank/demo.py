"""Demo data for the People Bank: a plausible Trust's CMGs, services and the issues people
care about, then invented people, organisations and the conversation log, bulk-inserted so
`seed_demo --scale bench` builds 100,000 people and 500,000 conversations in minutes."""

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
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
        people_ids = _seed_people(rng, sizes["people"], today, staff)
        _seed_roles(rng, people_ids, today, staff)
        org_ids = _seed_organisations(rng, sizes["organisations"], staff, people_ids, today)
        _seed_conversations(rng, sizes["conversations"], staff, people_ids, org_ids, now)
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


def _seed_people(rng, count, today, staff) -> list[int]:
    services = list(Service.objects.values_list("id", flat=True))
    interests = list(Interest.objects.values_list("id", flat=True))
    needs = list(AccessNeed.objects.values_list("id", flat=True))
    methods = [ContactMethod.EMAIL] * 6 + [ContactMethod.PHONE] * 2 + [ContactMethod.TEXT, ContactMethod.POST]
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    ids: list[int] = []
    for start in range(0, count, BATCH):
        batch = []
        for i in range(start, min(count, start + BATCH)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            status = rng.choices(["active", "paused", "left"], weights=[85, 8, 7])[0]
            email = f"{first}.{last}.{i}@example.com".lower().replace("'", "")
            phone = f"07700 9{i % 100000:05d}"
            postcode = (
                f"{rng.choice(POSTCODE_AREAS)} {rng.randint(1, 9)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"
            )
            person = Person(
                first_name=first,
                last_name=last,
                email=email,
                phone=phone,
                postcode=postcode,
                preferred_contact=rng.choice(methods),
                status=status,
                joined_on=today - datetime.timedelta(days=rng.randint(0, 6 * 365)),
                online=rng.random() < 0.6,
                face_to_face=rng.random() < 0.7,
                days=",".join(sorted(rng.sample(days, rng.randint(0, 4)), key=days.index)),
                can_be_invited=status == "active" and rng.random() < 0.9,
            )
            person.search_text = search_text_for(first, last, email, postcode, phone)
            batch.append(person)
        created = Person.objects.bulk_create(batch, batch_size=BATCH)
        new_ids = [p.pk for p in created]
        ids += new_ids
        through_s, through_i, through_n = (
            Person.services.through,
            Person.interests.through,
            Person.access_needs.through,
        )
        through_s.objects.bulk_create(
            [
                through_s(person_id=pk, service_id=s)
                for pk in new_ids
                for s in rng.sample(services, rng.randint(0, 3))
            ],
            batch_size=BATCH,
        )
        through_i.objects.bulk_create(
            [
                through_i(person_id=pk, interest_id=x)
                for pk in new_ids
                for x in rng.sample(interests, rng.randint(0, 3))
            ],
            batch_size=BATCH,
        )
        through_n.objects.bulk_create(
            [
                through_n(person_id=pk, accessneed_id=rng.choice(needs))
                for pk in new_ids
                if rng.random() < 0.1
            ],
            batch_size=BATCH,
        )
        _seed_person_history(rng, created, staff)
    return ids


def _seed_person_history(rng, people, staff) -> None:
    PersonStatusChange.objects.bulk_create(
        [
            PersonStatusChange(person_id=p.pk, to_status="active", by=rng.choice(staff), note="Added")
            for p in people
        ],
        batch_size=BATCH,
    )
    PersonStatusChange.objects.bulk_create(
        [
            PersonStatusChange(person_id=p.pk, from_status="active", to_status=p.status, by=rng.choice(staff))
            for p in people
            if p.status != "active"
        ],
        batch_size=BATCH,
    )
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                person_id=p.pk,
                kind=kind,
                given=given,
                method=rng.choice(["online", "phone", "paper"]),
                channels="email" if given and kind == "invitations" else "",
                recorded_by=rng.choice(staff),
            )
            for p in people
            for kind, given in (("hold_data", True), ("invitations", p.can_be_invited))
        ],
        batch_size=BATCH,
    )
    equality = []
    fields = {
        name: [c[0] for c in EqualityMonitoring._meta.get_field(name).choices]
        for name in EqualityMonitoring.CHARACTERISTICS
    }
    for p in people:
        if rng.random() < 0.6:
            answers = {name: rng.choice(values) for name, values in fields.items()}
            equality.append(
                EqualityMonitoring(person_id=p.pk, objects_to_monitoring_use=rng.random() < 0.05, **answers)
            )
    EqualityMonitoring.objects.bulk_create(equality, batch_size=BATCH)
    from django.core.cache import cache

    from people_bank.selectors import WHOLE_BANK_COUNTS

    cache.delete(WHOLE_BANK_COUNTS)  # bulk inserts send no signals


def _seed_roles(rng, people_ids, today, staff) -> None:
    partners, improvers = [], []
    for pk in people_ids:
        if rng.random() < 0.03:
            started = today - datetime.timedelta(days=rng.randint(30, 6 * 365 - 30))
            outcome = "pending"
            if started < rules.add_years(today, -3):
                outcome = rng.choice(["satisfactory", "unsatisfactory"])
            partners.append(
                PatientPartner(
                    person_id=pk,
                    started_on=started,
                    review_outcome=outcome,
                    reviewed_on=rules.review_due(started) if outcome != "pending" else None,
                    review_due_on=rules.review_due(started),
                    tenure_ends_on=rules.tenure_end(started, outcome),
                )
            )
        if rng.random() < 0.3:
            confirmed = rng.random() < 0.9
            improvers.append(
                HospitalImprover(
                    person_id=pk,
                    signed_up_at=timezone.now() - datetime.timedelta(days=rng.randint(0, 700)),
                    last_service_use_on=today - datetime.timedelta(days=rng.randint(0, 500)),
                    code_of_conduct_agreed_at=timezone.now(),
                    confirmed_at=timezone.now() if confirmed else None,
                    confirmed_by=rng.choice(staff) if confirmed else None,
                )
            )
    created = PatientPartner.objects.bulk_create(partners, batch_size=BATCH)
    HospitalImprover.objects.bulk_create(improvers, batch_size=BATCH)
    TrainingRecord.objects.bulk_create(
        [
            TrainingRecord(
                partner_id=p.pk,
                course=course,
                completed_on=p.started_on + datetime.timedelta(days=30),
                expires_on=p.started_on + datetime.timedelta(days=30 + 3 * 365),
            )
            for p in created
            for course in rng.sample(
                [
                    "Induction",
                    "Safeguarding",
                    "Information governance",
                    "Equality and diversity",
                    "Chairing meetings",
                ],
                2,
            )
        ],
        batch_size=BATCH,
    )


def _seed_organisations(rng, count, staff, people_ids, today) -> list[int]:
    kinds = list(Organisation.Kind.values)
    batch = []
    for i in range(count):
        kind = rng.choice(kinds)
        words = " ".join(rng.sample(ORG_WORDS, 2))
        name = f"{rng.choice(ORG_PLACES)} {words} {ORG_SUFFIX[kind]} {i + 1}"
        org = Organisation(
            name=name,
            kind=kind,
            is_service_provider=rng.random() < 0.4,
            is_lobby=rng.random() < 0.3,
            is_advocate=rng.random() < 0.5,
            is_conduit=rng.random() < 0.6,
            conditions=", ".join(
                rng.sample(["dementia", "cancer", "heart disease", "diabetes", "stroke", "sight loss"], 2)
            ),
            communities=", ".join(
                rng.sample(
                    [
                        "South Asian",
                        "Black Caribbean",
                        "Polish",
                        "young people",
                        "older people",
                        "carers",
                        "Deaf community",
                        "refugees",
                    ],
                    2,
                )
            ),
            area=rng.choice(ORG_PLACES),
            owner=rng.choice(staff),
        )
        org.search_text = search_text_for(org.name, org.area, org.conditions, org.communities)
        batch.append(org)
    created = Organisation.objects.bulk_create(batch, batch_size=BATCH)
    OrganisationContact.objects.bulk_create(
        [
            OrganisationContact(
                organisation_id=o.pk,
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                role=rng.choice(["Chief executive", "Volunteer coordinator", "Chair", "Outreach worker"]),
                email=f"contact{o.pk}@example.org",
            )
            for o in created
            for _ in range(2)
        ],
        batch_size=BATCH,
    )
    Agreement.objects.bulk_create(
        [
            Agreement(
                organisation_id=o.pk,
                title="Memorandum of understanding",
                starts_on=today - datetime.timedelta(days=rng.randint(30, 900)),
            )
            for o in created
            if rng.random() < 0.3
        ],
        batch_size=BATCH,
    )
    return [o.pk for o in created]


def _seed_conversations(rng, count, staff, people_ids, org_ids, now) -> None:
    if not people_ids and not org_ids:
        return
    for start in range(0, count, BATCH * 4):
        batch = []
        for _ in range(start, min(count, start + BATCH * 4)):
            person = rng.choice(people_ids) if people_ids and (not org_ids or rng.random() < 0.85) else None
            org = rng.choice(org_ids) if org_ids and (person is None or rng.random() < 0.1) else None
            follow = rng.random() < 0.1
            batch.append(
                Conversation(
                    happened_at=now
                    - datetime.timedelta(days=rng.randint(0, 3 * 365), minutes=rng.randint(0, 600)),
                    staff=rng.choice(staff),
                    person_id=person,
                    organisation_id=org,
                    channel=rng.choice(Conversation.Channel.values),
                    summary=rng.choice(SUMMARIES),
                    insight=rng.choice(INSIGHTS),
                    follow_up="Send the project details" if follow else "",
                    follow_up_due=(now - datetime.timedelta(days=rng.randint(-20, 40))).date()
                    if follow
                    else None,
                )
            )
        Conversation.objects.bulk_create(batch, batch_size=BATCH)
    latest = Conversation.objects.filter(person_id=OuterRef("pk")).order_by().values("person_id")
    Person.objects.update(last_contact_at=Subquery(latest.annotate(m=Max("happened_at")).values("m")))
    latest = Conversation.objects.filter(organisation_id=OuterRef("pk")).order_by().values("organisation_id")
    Organisation.objects.update(last_contact_at=Subquery(latest.annotate(m=Max("happened_at")).values("m")))


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
