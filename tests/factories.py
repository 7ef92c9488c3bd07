"""factory_boy factories for every model; each app's issue adds its own here."""

import datetime
import secrets

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from involvement_requests.models import (
    Allocation,
    EqualityAnswer,
    Invitation,
    InvolvementRequest,
    QualityPriority,
    Rung,
    Stage,
)
from outcomes.models import ReportStatus, ReportVersion
from outcomes.report.figures import board_report_figures
from outcomes.report.quarters import Quarter
from people_bank import rules
from people_bank.models import (
    Application,
    ClinicalManagementGroup,
    Conversation,
    HospitalImprover,
    Interest,
    Organisation,
    PatientPartner,
    Person,
    RecruitmentRound,
    Service,
)
from ppe.access import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nhs.uk")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get_or_create(name=Role(extracted).value)[0])
        if create:
            self.save()


class ClinicalManagementGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicalManagementGroup

    name = factory.Sequence(lambda n: f"Clinical Management Group {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n}")
    cmg = factory.SubFactory(ClinicalManagementGroupFactory)


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest

    name = factory.Sequence(lambda n: f"Interest {n}")


# --- People Bank ----------------------------------------------------------------------------


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    phone = "07700900982"
    postcode = "LE1 5WW"
    joined_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=400))
    can_be_invited = True


class PatientPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatientPartner

    person = factory.SubFactory(PersonFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=200))
    review_due_on = factory.LazyAttribute(lambda p: rules.review_due(p.started_on))
    tenure_ends_on = factory.LazyAttribute(lambda p: rules.tenure_end(p.started_on, p.review_outcome))
    review_outcome = PatientPartner.Review.PENDING


class HospitalImproverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HospitalImprover

    person = factory.SubFactory(PersonFactory)
    signed_up_at = factory.LazyFunction(timezone.now)
    last_service_use_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Northfield Carers Trust {n}")
    kind = Organisation.Kind.CHARITY
    area = "Northfield"


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    happened_at = factory.LazyFunction(timezone.now)
    staff = factory.SubFactory(UserFactory, role=Role.PPI_TEAM)
    person = factory.SubFactory(PersonFactory)
    channel = Conversation.Channel.PHONE
    summary = "Talked about the discharge project."


class RecruitmentRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecruitmentRound

    title = factory.Sequence(lambda n: f"Patient Partner round {n}")
    role_description = "Sit on project groups as an equal member."
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=20))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    round = factory.SubFactory(RecruitmentRoundFactory)
    person = factory.SubFactory(PersonFactory)
    why = "I would like to help."


# --- Patient Involvement Requests ---------------------------------------------------


class QualityPriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualityPriority

    name = factory.Sequence(lambda n: f"Quality priority {n}")


def default_ladder() -> None:
    """The migration's default ladder and priorities, again after a transactional test's flush."""
    from involvement_requests.defaults import load_defaults

    load_defaults(Rung, QualityPriority)


def rung(order: int) -> Rung:
    """One of the default ladder's rungs: 1 Informing … 6 Co-producing."""
    default_ladder()
    return Rung.objects.get(order=order)


class InvolvementRequestFactory(factory.django.DjangoModelFactory):
    """A draft with nothing answered yet; `complete=True` answers every question."""

    class Meta:
        model = InvolvementRequest
        skip_postgeneration_save = True

    class Params:
        complete = factory.Trait(
            summary="Shorten the wait between a decision to discharge and leaving the ward.",
            cmg=factory.SubFactory(ClinicalManagementGroupFactory),
            priority=factory.SubFactory(QualityPriorityFactory),
            stage=Stage.INITIATION,
            start_date=factory.Faker("date_between", start_date="+10d", end_date="+30d"),
            intelligence="Complaints and Friends and Family Test comments about waits on discharge day.",
            groups_affected="Older patients going home, and their carers.",
            how_involve="Two Patient Partners on the project group; Hospital Improvers test the new leaflet.",
            scope_to_influence="Patients will choose between the options for the discharge checklist.",
            equality_answer=EqualityAnswer.YES,
            equality_affected=["age", "disability", "carers"],
            equality_engagement="Sessions at the carers' centre and an easy read version of every paper.",
            purpose="A discharge process that fits patients' lives, not only the ward's.",
            proposed_rung=factory.LazyFunction(lambda: rung(5)),
            partners_wanted=2,
            improvers_wanted=6,
        )

    title = factory.Sequence(lambda n: f"Improving discharge {n}")
    submitted_by = factory.SubFactory(UserFactory, role=Role.QI_LEAD)


# --- Board report (outcomes) ---
class ReportVersionFactory(factory.django.DjangoModelFactory):
    """A finished version of the last ended quarter's report, published unless told otherwise."""

    class Meta:
        model = ReportVersion

    quarter = factory.LazyFunction(lambda: Quarter.last_ended(timezone.localdate()).slug)
    number = factory.Sequence(lambda n: n + 1)
    status = ReportStatus.PUBLISHED
    figures = factory.LazyAttribute(lambda v: board_report_figures(Quarter.parse(v.quarter)))
    file = factory.django.FileField(filename="report.pdf", data=b"%PDF-1.7 stand-in report file")
    finished_at = factory.LazyFunction(timezone.now)
    published_at = factory.LazyAttribute(
        lambda v: timezone.now() if v.status == ReportStatus.PUBLISHED else None
    )


# --- Payments (people_bank.payments) ---------------------------------------------------------
class PaymentSessionFactory(factory.django.DjangoModelFactory):
    """A paid session, as a row; tests of the cap go through services.session_record."""

    class Meta:
        model = "people_bank.Session"

    person = factory.LazyFunction(lambda: PatientPartnerFactory().person)
    held_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    minutes = 120
    kind = "project_group"
    amount = "20.00"
    recorded_by = factory.SubFactory(UserFactory)


class ExpenseClaimFactory(factory.django.DjangoModelFactory):
    """A claim waiting for a decision, with one £12.50 parking line."""

    class Meta:
        model = "people_bank.ExpenseClaim"
        skip_postgeneration_save = True

    person = factory.LazyFunction(lambda: PatientPartnerFactory().person)
    description = "Parking for the project group"
    total = "12.50"
    recorded_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def line(self, create, extracted, **kwargs):
        if create:
            self.lines.create(
                kind="parking",
                incurred_on=timezone.localdate() - datetime.timedelta(days=1),
                amount="12.50",
            )


class ReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people_bank.Receipt"

    claim = factory.SubFactory(ExpenseClaimFactory)
    token = factory.Sequence(lambda n: f"{n:032x}")
    content_type = "application/pdf"
    extension = "pdf"
    file = factory.django.FileField(filename="receipt.pdf", data=b"%PDF-1.4 stand-in receipt")
    size = 25
    original_name = "receipt.pdf"


class FinanceExportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people_bank.FinanceExport"

    period = datetime.date(2025, 1, 1)
    rows = 0
    total = "0.00"
    csv = "Payee reference,Name,Type,Date,Description,Payment method,Amount\r\nTotal,,,,0 payments,,0.00\r\n"


# --- Matching, allocation and invitations (involvement requests) ---
def confirmed_improver(**person_fields) -> Person:
    """A person who is a confirmed Hospital Improver, active and willing to be invited."""
    staff = UserFactory(username="improver.confirmer", role=Role.PPI_TEAM)
    return HospitalImproverFactory(
        person=PersonFactory(**person_fields), confirmed_at=timezone.now(), confirmed_by=staff
    ).person


def partner_in_tenure(**person_fields) -> Person:
    """A person who is a Patient Partner in the first year of their tenure."""
    return PatientPartnerFactory(person=PersonFactory(**person_fields)).person


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation already emailed; use `invitation_with_link` when the test needs the link."""

    class Meta:
        model = Invitation

    request = factory.SubFactory(InvolvementRequestFactory, complete=True, status="accepted")
    person = factory.LazyFunction(confirmed_improver)
    invited_by = factory.SubFactory(UserFactory, role=Role.PPI_TEAM)
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))


def invitation_with_link(**fields) -> tuple[Invitation, str]:
    """An emailed invitation and the token its personal link carries."""
    from involvement_requests.services import token_hash

    token = secrets.token_urlsafe(32)
    return InvitationFactory(token_hash=token_hash(token), **fields), token


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    request = factory.SubFactory(InvolvementRequestFactory, complete=True, status="people_allocated")
    person = factory.LazyFunction(partner_in_tenure)
    role = "project_group"
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))
    allocated_by = factory.SubFactory(UserFactory, role=Role.PPI_TEAM)


# --- Outcomes: activities, suggestions, evaluations, case studies ---
from outcomes.models import (  # noqa: E402
    Activity,
    ActivityStatus,
    ActivityType,
    CaseStudy,
    CaseStudyStatus,
    EvaluationResponse,
    FeedbackUpdate,
    PriorityGroup,
    Suggestion,
)
from outcomes.services import spectrum_level_of  # noqa: E402


class PriorityGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityGroup
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Priority group {n}")


class ActivityFactory(factory.django.DjangoModelFactory):
    """A focus group held a week ago, on the Involving rung (the default ladder's 4th)."""

    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"Focus group on discharge {n}")
    kind = ActivityType.FOCUS_GROUP
    held_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    place = "Northfield Community Centre"
    rung = factory.LazyFunction(lambda: rung(4))
    status = ActivityStatus.HELD
    people_reached = 20


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    activity = factory.SubFactory(ActivityFactory)
    request = None
    theme = "discharge"
    text = "Tell us the discharge time the day before."
    received_on = factory.LazyAttribute(
        lambda s: s.activity.held_on if s.activity else timezone.localdate() - datetime.timedelta(days=3)
    )
    spectrum_level = factory.LazyAttribute(
        lambda s: spectrum_level_of(activity=s.activity, request=s.request)
    )


class EvaluationResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationResponse

    activity = factory.SubFactory(ActivityFactory)
    informed = 4
    heard = 4
    valued = 4
    difference = 3
    submitted_on = factory.LazyFunction(timezone.localdate)
    spectrum_level = factory.LazyAttribute(lambda e: spectrum_level_of(activity=e.activity))


class CaseStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseStudy

    request = factory.SubFactory(InvolvementRequestFactory, complete=True)
    title = factory.Sequence(lambda n: f"Discharge before midday {n}")
    background = "Patients waited on the ward for hours."
    what_we_did = "Patient Partners sat on the project group."
    who_involved = "Two Patient Partners and the carers' group."
    rung_reached = factory.LazyFunction(lambda: rung(5))
    what_changed = "Medicines are ordered the day before."
    impact = "Patients leave two hours earlier."
    quote = "I knew when I was going home."
    status = CaseStudyStatus.DRAFT
    published_at = factory.LazyAttribute(
        lambda s: timezone.now() if s.status == CaseStudyStatus.PUBLISHED else None
    )


class FeedbackUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackUpdate

    activity = factory.SubFactory(ActivityFactory)
    message = "You said the room was hard to find. We put up signs."
    sent_at = factory.LazyFunction(timezone.now)
