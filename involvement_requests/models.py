from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from people_bank.models import ClinicalManagementGroup, Interest, Service


class SpectrumLevel(models.TextChoices):
    """The four-level spectrum of engagement each rung of the ladder belongs to."""

    INFORM = "inform", "Inform"
    ENGAGE = "engage", "Engage"
    INVOLVE = "involve", "Involve"
    COPRODUCE = "coproduce", "Co-produce"


class Rung(models.Model):
    """One rung of the ladder of engagement. Data the PPI team edits, not code.

    A rung that a request was scored on is never deleted (PROTECT): it is retired."""

    order = models.PositiveSmallIntegerField(help_text="1 is the bottom rung.")
    name = models.CharField(max_length=80)
    description = models.TextField()
    examples = models.TextField(blank=True)
    partners_allowed = models.BooleanField(
        "Patient Partners may be allocated",
        default=False,
        help_text="Patient Partners only work on the upper rungs, never on tokenistic work.",
    )
    spectrum_level = models.CharField(max_length=12, choices=SpectrumLevel.choices)
    is_active = models.BooleanField("In use", default=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="rung_name_unique_ci"),
            models.UniqueConstraint(fields=["order"], name="rung_order_unique"),
            models.CheckConstraint(condition=Q(order__gte=1), name="rung_order_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class QualityPriority(models.Model):
    """A priority of the Trust's Quality Strategy that a project may serve."""

    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("In use", default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "quality priorities"
        constraints = [models.UniqueConstraint(Lower("name"), name="priority_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class Characteristic(models.TextChoices):
    """The protected characteristics of the Equality Act 2010, and carers."""

    AGE = "age", "Age"
    DISABILITY = "disability", "Disability"
    GENDER_REASSIGNMENT = "gender_reassignment", "Gender reassignment"
    MARRIAGE = "marriage", "Marriage and civil partnership"
    PREGNANCY = "pregnancy", "Pregnancy and maternity"
    RACE = "race", "Race"
    RELIGION = "religion", "Religion or belief"
    SEX = "sex", "Sex"
    SEXUAL_ORIENTATION = "sexual_orientation", "Sexual orientation"
    CARERS = "carers", "Carers"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_ASSESSMENT = "in_assessment", "In assessment"
    MORE_INFO = "more_info", "More information needed"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    PEOPLE_ALLOCATED = "people_allocated", "People allocated"
    ACTIVE = "active", "Active"
    EVALUATION = "evaluation", "Evaluation"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The states in which a request the team opened to the public shows on the bulletin:
# people can still join it.
PUBLIC_STATES = (Status.ACCEPTED, Status.PEOPLE_ALLOCATED, Status.ACTIVE)


class Stage(models.TextChoices):
    INITIATION = "initiation", "Initiation: the project is being scoped"
    PLANNING = "planning", "Planning: the approach is being designed"
    DELIVERY = "delivery", "Delivery: changes are being made"
    EVALUATION = "evaluation", "Evaluation: the results are being measured"


class EqualityAnswer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SURE = "not_sure", "Not sure yet"


class InvolvementRequest(models.Model):
    """A Patient Involvement Request: a QI project asking for patients' involvement."""

    Status = Status

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="involvement_requests"
    )
    co_leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_led_involvement_requests",
        help_text="Other QI leads who may see and edit this request.",
    )

    # The project
    title = models.CharField("Project title", max_length=200)
    summary = models.TextField("Project summary", blank=True)
    cmg = models.ForeignKey(
        ClinicalManagementGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="involvement_requests",
        verbose_name="Clinical Management Group",
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="involvement_requests"
    )
    priority = models.ForeignKey(
        QualityPriority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="involvement_requests",
        verbose_name="Quality Strategy priority",
    )
    no_priority = models.BooleanField(
        "The project serves none of the Quality Strategy priorities", default=False
    )
    stage = models.CharField("Project stage", max_length=12, choices=Stage.choices, blank=True)
    start_date = models.DateField("Project start date", null=True, blank=True)
    end_date = models.DateField("Project end date", null=True, blank=True)
    involvement_from = models.DateField("Involvement to start on", null=True, blank=True)

    # The Quality Strategy's questions
    intelligence = models.TextField(
        "What intelligence have you already captured from patients about the service?", blank=True
    )
    groups_affected = models.TextField("Which patient and carer groups will the project affect?", blank=True)
    how_involve = models.TextField("How will you involve patients, their families and carers?", blank=True)
    scope_to_influence = models.TextField(
        "What scope will patient input have to influence the outcome?", blank=True
    )
    equality_answer = models.CharField(
        "Will any group be disproportionately affected?",
        max_length=10,
        choices=EqualityAnswer.choices,
        blank=True,
    )
    equality_affected = models.JSONField("Groups disproportionately affected", default=list, blank=True)
    equality_engagement = models.TextField("How will you engage the groups affected?", blank=True)
    purpose = models.TextField(
        "Involvement for what purpose? What difference do you expect it to make?", blank=True
    )

    # What they ask for: the People Bank phase matches and allocates against these.
    proposed_rung = models.ForeignKey(
        Rung, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="Proposed rung"
    )
    partners_wanted = models.PositiveSmallIntegerField("Patient Partners wanted", default=0)
    improvers_wanted = models.PositiveSmallIntegerField("Hospital Improvers wanted", default=0)
    community_groups_wanted = models.PositiveSmallIntegerField("Community groups wanted", default=0)
    skills_wanted = models.TextField("Skills or experience wanted", blank=True)
    services_wanted = models.ManyToManyField(
        Service, blank=True, related_name="+", verbose_name="Service experience wanted"
    )
    interests_wanted = models.ManyToManyField(
        Interest, blank=True, related_name="+", verbose_name="Issues people should care about"
    )
    support_needs = models.TextField("Support and access needs", blank=True)

    # The bulletin of open opportunities
    open_to_public = models.BooleanField("Show on the public opportunities bulletin", default=False)
    public_summary = models.TextField("What to tell the public about this opportunity", blank=True)

    # The workflow's own record
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="First submission.")
    last_submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    # The rung twice: planned when assessed, achieved at close, so drift shows up.
    planned_rung = models.ForeignKey(Rung, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    achieved_rung = models.ForeignKey(Rung, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="request_dates_in_order",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="request_status_known"),
            models.CheckConstraint(
                condition=~Q(status=Status.DECLINED) | ~Q(decline_reason=""),
                name="request_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | Q(achieved_rung__isnull=False),
                name="request_closed_has_achieved_rung",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "last_submitted_at"], name="request_status_submitted_idx"),
            models.Index(fields=["open_to_public", "status"], name="request_public_idx"),
            # The queue in its order, drafts left out: a deep page of it is read from the
            # index alone (see selectors.request_rows).
            models.Index(
                fields=["last_submitted_at", "id"],
                condition=~Q(status=Status.DRAFT),
                name="request_queue_idx",
            ),
            # The bulletin in its order, newest decision first, read from the index alone.
            models.Index(
                fields=["decided_at", "id"],
                condition=Q(open_to_public=True, status__in=PUBLIC_STATES),
                name="request_bulletin_idx",
            ),
            # The queue's rung filter: the planned rung once assessed, else the proposed.
            models.Index(Coalesce("planned_rung", "proposed_rung"), name="request_current_rung_idx"),
            # The queue filtered to one CMG (the commonest way in), by status and days too,
            # in submission order: the CMG's few hundred rows rather than three indexes
            # combined over thousands (five filters: 2.4 -> 1.4 ms).
            models.Index(fields=["cmg", "status", "last_submitted_at"], name="request_cmg_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("involvement_requests:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"PIR-{self.pk:05d}" if self.pk else "PIR-new"

    @property
    def equality_affected_labels(self) -> list[str]:
        labels = dict(Characteristic.choices)
        return [labels.get(code, code) for code in self.equality_affected]


class RequestStatusChange(models.Model):
    """Who moved a request from one status to another, when, and why."""

    request = models.ForeignKey(InvolvementRequest, on_delete=models.CASCADE, related_name="status_changes")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, editable=False)
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField(blank=True)
    # Set once the email has gone, so a task run twice does not send it twice.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"], name="status_change_request_idx")]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_status} → {self.to_status}"


class Timing(models.TextChoices):
    INITIATION = "initiation", "From initiation"
    DURING = "during", "During the project"
    LATE = "late", "Late: decisions already made"


class Recommendation(models.TextChoices):
    ACCEPT = "accept", "Accept"
    ACCEPT_WITH_GUIDANCE = "guidance", "Accept with guidance"
    DECLINE = "decline", "Decline"


class Assessment(models.Model):
    """The PPI team's scoring of a request against the Quality Strategy and the ladder."""

    request = models.OneToOneField(InvolvementRequest, on_delete=models.CASCADE, related_name="assessment")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    relevance = models.PositiveSmallIntegerField("Relevance to the Quality Strategy")
    relevance_comment = models.TextField(blank=True)
    patient_focus = models.PositiveSmallIntegerField("How patient-focused the project is")
    patient_focus_comment = models.TextField(blank=True)
    timing = models.CharField("When involvement starts", max_length=12, choices=Timing.choices)
    timing_comment = models.TextField(blank=True)
    equality = models.PositiveSmallIntegerField("Equality impact addressed")
    equality_comment = models.TextField(blank=True)
    recommended_rung = models.ForeignKey(Rung, on_delete=models.PROTECT, related_name="+")
    rung_comment = models.TextField(blank=True)
    # Worked out by involvement_requests.rules.score_request, kept so it reads the same later.
    total = models.PositiveSmallIntegerField()
    max_total = models.PositiveSmallIntegerField()
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices)
    reasons = models.JSONField(default=list)
    override = models.CharField(
        "Assessor's recommendation instead", max_length=10, choices=Recommendation.choices, blank=True
    )
    override_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(relevance__lte=3), name="assessment_relevance_0_3"),
            models.CheckConstraint(condition=Q(patient_focus__lte=3), name="assessment_focus_0_3"),
            models.CheckConstraint(condition=Q(equality__lte=2), name="assessment_equality_0_2"),
            models.CheckConstraint(condition=Q(total__lte=F("max_total")), name="assessment_total_in_range"),
            models.CheckConstraint(
                condition=Q(override="") | ~Q(override_reason=""), name="assessment_override_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment of {self.request_id}: {self.total}/{self.max_total}"

    @property
    def final_recommendation(self) -> str:
        return self.override or self.recommendation

    def get_final_recommendation_display(self) -> str:
        return Recommendation(self.final_recommendation).label


# --- Matching, allocation and invitations ------------------------------------------


class AllocationRole(models.TextChoices):
    PROJECT_GROUP = "project_group", "Patient Partner on the project group"
    STEERING_GROUP = "steering_group", "Patient Partner on the steering group"
    CO_DESIGN = "co_design", "Co-designer in workshops"
    REVIEWER = "reviewer", "Reviewer of materials"
    EVALUATION = "evaluation", "Partner in the evaluation"


class Allocation(models.Model):
    """A Patient Partner allocated by the PPI team to a request, in a role, for a time."""

    Role = AllocationRole

    request = models.ForeignKey(InvolvementRequest, on_delete=models.CASCADE, related_name="allocations")
    person = models.ForeignKey("people_bank.Person", on_delete=models.PROTECT, related_name="allocations")
    role = models.CharField(max_length=20, choices=AllocationRole.choices)
    starts_on = models.DateField("From")
    ends_on = models.DateField("To")
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="allocation_once_per_request"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="allocation_dates_in_order"
            ),
            models.CheckConstraint(condition=Q(role__in=AllocationRole.values), name="allocation_role_known"),
        ]
        indexes = [models.Index(fields=["person", "created_at"], name="allocation_person_recent_idx")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} on {self.request_id}"


class InvitationStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Invitation(models.Model):
    """A Hospital Improver invited by email to take part in a request's work.

    The emailed link carries a random token; only its SHA-256 hash is kept, so the table
    alone cannot be used to answer for anyone. A reminder issues a fresh token (the older
    link then stops working). The link works once and expires."""

    Status = InvitationStatus

    request = models.ForeignKey(InvolvementRequest, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey("people_bank.Person", on_delete=models.CASCADE, related_name="invitations")
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.INVITED
    )
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="invitation_once_per_request"),
            models.UniqueConstraint(
                fields=["token_hash"], condition=~Q(token_hash=""), name="invitation_token_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=InvitationStatus.values), name="invitation_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status=InvitationStatus.INVITED) | Q(responded_at__isnull=False),
                name="invitation_answer_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "created_at"], name="invitation_person_recent_idx"),
            models.Index(
                fields=["sent_at"],
                name="invitation_awaiting_reminder",
                condition=Q(status="invited", reminded_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation {self.pk} to request {self.request_id}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def response_label(self) -> str:
        """How the team sees it: invited (being sent), accepted, declined or no reply."""
        return response_label(self.status, self.sent_at, self.expires_at, timezone.now())


_INVITATION_STATUS_LABELS = dict(InvitationStatus.choices)


def response_label(status: str, sent_at, expires_at, now) -> str:
    """Invitation.response_label from an invitation's columns, as of `now`."""
    if status != InvitationStatus.INVITED:
        return _INVITATION_STATUS_LABELS.get(status, status)
    if sent_at is None:
        return "Being sent"
    return "No reply, link expired" if expires_at is not None and expires_at <= now else "No reply yet"


class OrganisationInvitation(models.Model):
    """An organisation asked to circulate the opportunity to the people it reaches."""

    request = models.ForeignKey(
        InvolvementRequest, on_delete=models.CASCADE, related_name="organisation_invitations"
    )
    organisation = models.ForeignKey(
        "people_bank.Organisation", on_delete=models.CASCADE, related_name="request_invitations"
    )
    contact = models.ForeignKey(
        "people_bank.OrganisationContact", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    email = models.EmailField()
    message = models.TextField(blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "organisation"], name="organisation_invited_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} asked to circulate request {self.request_id}"
