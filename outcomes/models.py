from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from involvement_requests.models import SpectrumLevel


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Draft ready"
    FAILED = "failed", "Failed"
    PUBLISHED = "published", "Published"


ACTIVE_STATUSES = (ReportStatus.QUEUED, ReportStatus.RUNNING)
TAG_COLOURS = {"queued": "grey", "running": "blue", "done": "yellow", "failed": "red", "published": "green"}


class ReportVersion(models.Model):
    """One numbered run of the quarterly Board report. Each run is a new version; old
    versions, their frozen figures and their files are never changed."""

    quarter = models.CharField(
        max_length=7, help_text='As "2026-Q1": the financial year 2026-27, April to June.'
    )
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    # Frozen when the job starts, so a draft never changes under its reader.
    figures = models.JSONField(null=True, blank=True)
    # Stored through the default storage and served only by a view that checks access.
    file = models.FileField(upload_to="board-reports/", max_length=200, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # When the job was last handed to the queue, and whether that failed (the sweeper retries).
    queued_at = models.DateTimeField(null=True, blank=True)
    queue_failed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Set once, before the Board is emailed, so a task run twice sends one email.
    board_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-quarter", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["quarter", "number"], name="report_version_unique"),
            # One job at a time per quarter: a second click cannot queue a second one.
            models.UniqueConstraint(
                fields=["quarter"],
                condition=Q(status__in=["queued", "running"]),
                name="report_one_active_job_per_quarter",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="report_version_number_positive"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ReportStatus]), name="report_status_known"
            ),
            models.CheckConstraint(
                condition=Q(quarter__regex=r"^[0-9]{4}-Q[1-4]$"), name="report_quarter_format"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["done", "published"]) | ~Q(file=""),
                name="report_ready_has_file",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="report_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Board report {self.quarter} version {self.number}"

    @property
    def quarter_value(self):
        from outcomes.report.quarters import Quarter

        return Quarter.parse(self.quarter)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def tag_colour(self) -> str:
        return TAG_COLOURS[self.status]

    @property
    def has_file(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.PUBLISHED)


class ReportStatusChange(models.Model):
    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=ReportStatus.choices)
    to_status = models.CharField(max_length=10, choices=ReportStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.version}: {self.from_status} → {self.to_status}"


# --- Outcomes: activities, "you said, we did", evaluations, case studies, feedback ----------

LIKERT_MIN, LIKERT_MAX = 1, 5
FREE_TEXT_MAX = 2000


def _likert(verbose_name: str, *, null: bool = False):
    return models.PositiveSmallIntegerField(verbose_name, null=null, blank=null)


class PriorityGroup(models.Model):
    """A group the strategy wants to reach more of (ethnic minorities, young people…).

    A list the PPI team edits; activities count how many of the people reached belong."""

    name = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("In use", default=True)

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="priority_group_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class ActivityType(models.TextChoices):
    COMMUNITY_CONVERSATION = "community_conversation", "Community Conversation"
    IMPROVEMENT_WORKSHOP = "improvement_workshop", "Hospital Improvement workshop"
    FOCUS_GROUP = "focus_group", "Focus group"
    SURVEY = "survey", "Survey"
    COMMUNITY_EVENT = "community_event", "Festival or community event"
    ONLINE_POLL = "online_poll", "Online poll"
    BOARD_MEETING = "board_meeting", "Board or committee meeting"
    STAFF_TRAINING = "staff_training", "Staff training workshop"
    COACHING = "coaching", "Coaching session for a QI lead"
    OTHER = "other", "Other"


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class BudgetLine(models.TextChoices):
    """The strategy's budget lines for engagement activities."""

    ROOM_HIRE = "room_hire", "Room hire"
    INTERPRETING = "interpreting", "Interpreting and translation"
    REFRESHMENTS = "refreshments", "Refreshments"
    STALLS = "stalls", "Stalls and display materials"
    TRAVEL = "travel", "Travel and expenses"
    ACCESSIBILITY = "accessibility", "Access support (easy read, hearing loops)"
    PROMOTION = "promotion", "Promotion and printing"
    OTHER = "other", "Other"


class Activity(models.Model):
    """One engagement activity: an event, a workshop, a survey, a poll."""

    title = models.CharField(max_length=200)
    kind = models.CharField("Type of activity", max_length=30, choices=ActivityType.choices)
    held_on = models.DateField("Date")
    online = models.BooleanField("Held online", default=False)
    place = models.CharField(max_length=200, blank=True, help_text="Leave blank for an online activity.")
    rung = models.ForeignKey(
        "involvement_requests.Rung",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name="Rung of the ladder",
    )
    status = models.CharField(max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED)
    requests = models.ManyToManyField(
        "involvement_requests.InvolvementRequest", blank=True, related_name="activities"
    )
    organisations = models.ManyToManyField("people_bank.Organisation", blank=True, related_name="activities")
    attendees = models.ManyToManyField("people_bank.Person", blank=True, related_name="activities")
    anonymous_count = models.PositiveIntegerField(
        "Other people who took part", default=0, help_text="People not in the People Bank: a head count."
    )
    people_reached = models.PositiveIntegerField(default=0)
    # The sum of the per-group counts, kept here so a quarter's figures are one aggregate.
    priority_reached = models.PositiveIntegerField("Of them, from priority groups", default=0)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, by the task that sends the evaluation links, so it never sends twice.
    evaluations_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActivityStatus.values), name="activity_status_known"
            ),
            models.CheckConstraint(
                condition=Q(priority_reached__lte=F("people_reached")), name="activity_priority_within_reach"
            ),
            models.CheckConstraint(
                condition=Q(online=True) | ~Q(place=""), name="activity_has_place_or_online"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "held_on"], name="activity_status_held_idx"),
            # The activities list, newest first: its page is read from the index, not sorted.
            models.Index(fields=["-held_on", "-id"], name="activity_list_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("outcomes:activity_detail", args=[self.pk])

    @property
    def where(self) -> str:
        return "Online" if self.online else self.place


class ActivityPriorityReach(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="priority_reach")
    group = models.ForeignKey(PriorityGroup, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "group"], name="activity_priority_once")]

    def __str__(self) -> str:
        return f"{self.group}: {self.count}"


class ActivityCost(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="costs")
    line = models.CharField("Budget line", max_length=20, choices=BudgetLine.choices)
    amount = models.DecimalField(max_digits=9, decimal_places=2)

    class Meta:
        ordering = ["line"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "line"], name="activity_cost_line_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="activity_cost_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_line_display()}: £{self.amount}"


class SuggestionStatus(models.TextChoices):
    NEW = "new", "New"
    INVESTIGATED = "investigated", "Investigated"
    ACTIONED = "actioned", "Actioned"
    PARTLY_ACTIONED = "partly_actioned", "Partly actioned"
    NOT_ACTIONED = "not_actioned", "Not actioned"


class Suggestion(models.Model):
    """One thing participants said ("you said"), and what was done about it ("we did")."""

    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="suggestions"
    )
    request = models.ForeignKey(
        "involvement_requests.InvolvementRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    theme = models.CharField(max_length=120)
    text = models.TextField("What they said", max_length=FREE_TEXT_MAX)
    said_by_group = models.CharField("Said by (a group)", max_length=200, blank=True)
    said_by = models.ForeignKey(
        "people_bank.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
        verbose_name="Said by (a person)",
    )
    received_on = models.DateField()
    # The level of the spectrum it was gathered at (its activity's rung, or its request's),
    # kept on the row so a quarter's figures are one scan of one table.
    spectrum_level = models.CharField(max_length=12, choices=SpectrumLevel.choices, blank=True)
    status = models.CharField(max_length=20, choices=SuggestionStatus.choices, default=SuggestionStatus.NEW)
    reason = models.TextField("Why it was not actioned", blank=True, max_length=FREE_TEXT_MAX)
    what_done = models.TextField("What was done", blank=True, max_length=FREE_TEXT_MAX)
    done_on = models.DateField("When it was done", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(activity__isnull=False) | Q(request__isnull=False), name="suggestion_has_source"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SuggestionStatus.values), name="suggestion_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="not_actioned") | ~Q(reason=""), name="suggestion_not_actioned_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["received_on", "spectrum_level", "status"], name="suggestion_received_idx"),
            # A quarter's suggestions, newest first, for the "you said, we did" list.
            models.Index(fields=["-received_on", "-id"], name="suggestion_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.theme}: {self.text[:60]}"


class EvaluationKind(models.TextChoices):
    ACTIVITY = "activity", "After an activity"
    PROJECT = "project", "Patient Partner project evaluation"


class EvaluationInvite(models.Model):
    """A personal link to one evaluation form. Only a hash of the token is kept, so the
    database alone cannot be used to answer for someone."""

    kind = models.CharField(max_length=10, choices=EvaluationKind.choices, default=EvaluationKind.ACTIVITY)
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="evaluation_invites"
    )
    request = models.ForeignKey(
        "involvement_requests.InvolvementRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evaluation_invites",
    )
    person = models.ForeignKey(
        "people_bank.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evaluation_invites",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    by_letter = models.BooleanField(default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="activity", activity__isnull=False)
                | Q(kind="project", request__isnull=False),
                name="evaluation_invite_has_subject",
            ),
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(kind="activity"),
                name="evaluation_invite_once_per_activity",
            ),
            models.UniqueConstraint(
                fields=["request", "person"],
                condition=Q(kind="project"),
                name="evaluation_invite_once_per_project",
            ),
        ]
        indexes = [models.Index(fields=["used_at", "sent_at"], name="evaluation_invite_due_idx")]

    def __str__(self) -> str:
        return f"Evaluation link {self.pk}"


class EvaluationResponse(models.Model):
    kind = models.CharField(max_length=10, choices=EvaluationKind.choices, default=EvaluationKind.ACTIVITY)
    invite = models.OneToOneField(
        EvaluationInvite, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="evaluations"
    )
    request = models.ForeignKey(
        "involvement_requests.InvolvementRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    # Empty when they chose to answer anonymously.
    person = models.ForeignKey(
        "people_bank.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="evaluations"
    )
    informed = _likert("I felt informed")
    heard = _likert("I felt heard")
    valued = _likert("I felt valued")
    difference = _likert("I think it will make a difference")
    own_involvement = _likert("My own involvement", null=True)
    wider_involvement = _likert("The wider patients' involvement", null=True)
    rung_reached = models.ForeignKey(
        "involvement_requests.Rung", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comments = models.TextField(blank=True, max_length=FREE_TEXT_MAX)
    submitted_on = models.DateField()
    # As on Suggestion: the level of the spectrum, kept on the row for the quarter's figures.
    spectrum_level = models.CharField(max_length=12, choices=SpectrumLevel.choices, blank=True)
    # Set when the retention rule clears the free text; the scores stay for the figures.
    comments_cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_on", "-id"]
        constraints = [
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": LIKERT_MIN, f"{name}__lte": LIKERT_MAX}),
                    name=f"evaluation_{name}_in_range",
                )
                for name in ("informed", "heard", "valued", "difference")
            ],
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True})
                    | Q(**{f"{name}__gte": LIKERT_MIN, f"{name}__lte": LIKERT_MAX}),
                    name=f"evaluation_{name}_in_range",
                )
                for name in ("own_involvement", "wider_involvement")
            ],
            models.CheckConstraint(
                condition=Q(activity__isnull=False) | Q(request__isnull=False), name="evaluation_has_subject"
            ),
        ]
        indexes = [models.Index(fields=["submitted_on"], name="evaluation_submitted_idx")]

    def __str__(self) -> str:
        return f"Evaluation {self.pk} of {self.submitted_on}"


class CaseStudyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


class CaseStudy(models.Model):
    """The story of one piece of involvement: beginning, middle, end and impact."""

    request = models.ForeignKey(
        "involvement_requests.InvolvementRequest", on_delete=models.CASCADE, related_name="case_studies"
    )
    title = models.CharField(max_length=200)
    background = models.TextField(max_length=FREE_TEXT_MAX * 2)
    what_we_did = models.TextField("What we did", max_length=FREE_TEXT_MAX * 2)
    who_involved = models.TextField("Who was involved", max_length=FREE_TEXT_MAX)
    rung_reached = models.ForeignKey(
        "involvement_requests.Rung", on_delete=models.PROTECT, related_name="+", verbose_name="Rung reached"
    )
    what_changed = models.TextField("What changed", max_length=FREE_TEXT_MAX * 2)
    impact = models.TextField(max_length=FREE_TEXT_MAX * 2)
    quote = models.TextField("A quote", blank=True, max_length=FREE_TEXT_MAX)
    status = models.CharField(max_length=10, choices=CaseStudyStatus.choices, default=CaseStudyStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name_plural = "case studies"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CaseStudyStatus.values), name="case_study_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="case_study_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("outcomes:case_study_detail", args=[self.pk])


class RequestOutcome(models.Model):
    """What a project's involvement achieved, recorded before the request can close."""

    request = models.OneToOneField(
        "involvement_requests.InvolvementRequest", on_delete=models.CASCADE, related_name="outcome"
    )
    rung_achieved = models.ForeignKey(
        "involvement_requests.Rung", on_delete=models.PROTECT, related_name="+", verbose_name="Rung achieved"
    )
    what_changed = models.TextField(
        "What changed because patients were involved", max_length=FREE_TEXT_MAX * 2
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Outcomes of request {self.request_id}"


class FeedbackUpdate(models.Model):
    """A "you said, we did" update to everyone involved in a request or an activity."""

    request = models.ForeignKey(
        "involvement_requests.InvolvementRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="feedback_updates",
    )
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="feedback_updates"
    )
    message = models.TextField(max_length=FREE_TEXT_MAX * 2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the emails were queued and letters made."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(activity__isnull=False) | Q(request__isnull=False), name="feedback_has_subject"
            )
        ]

    def __str__(self) -> str:
        return f"You said, we did update {self.pk}"


class FeedbackChannel(models.TextChoices):
    EMAIL = "email", "Email"
    LETTER = "letter", "Printed letter"


class FeedbackDelivery(models.Model):
    """The log of one update going to one person."""

    update = models.ForeignKey(FeedbackUpdate, on_delete=models.CASCADE, related_name="deliveries")
    person = models.ForeignKey(
        "people_bank.Person", on_delete=models.CASCADE, related_name="feedback_deliveries"
    )
    channel = models.CharField(max_length=10, choices=FeedbackChannel.choices)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["update", "person"], name="feedback_once_per_person")]

    def __str__(self) -> str:
        return f"Update {self.update_id} to person {self.person_id} by {self.channel}"
