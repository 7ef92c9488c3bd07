from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from ppe.links import row_url


class ClinicalManagementGroup(models.Model):
    """A Clinical Management Group: the Trust's grouping of its services."""

    name = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "Clinical Management Group"
        constraints = [models.UniqueConstraint(Lower("name"), name="cmg_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A Trust service a person may have experience of, or a project may concern."""

    name = models.CharField(max_length=160)
    cmg = models.ForeignKey(
        ClinicalManagementGroup, on_delete=models.PROTECT, related_name="services", verbose_name="CMG"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["cmg__name", "name"]
        constraints = [models.UniqueConstraint(Lower("name"), "cmg", name="service_name_unique_in_cmg")]

    def __str__(self) -> str:
        return self.name


class Interest(models.Model):
    """An issue people care about: discharge, catering, diabetes, religious needs…"""

    name = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="interest_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


# --- People ---------------------------------------------------------------------------------


class AccessNeed(models.Model):
    """Large print, interpreter, hearing loop, easy read…: editable by the PPI team."""

    name = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="access_need_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class ContactMethod(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    TEXT = "text", "Text message"
    POST = "post", "Post"


class Day(models.TextChoices):
    MON = "mon", "Monday"
    TUE = "tue", "Tuesday"
    WED = "wed", "Wednesday"
    THU = "thu", "Thursday"
    FRI = "fri", "Friday"
    SAT = "sat", "Saturday"
    SUN = "sun", "Sunday"


def search_text_for(*parts: str) -> str:
    """What the list's text search looks in: lower-cased, one column, so one trigram index
    on PostgreSQL (and a plain LIKE on SQLite) answers it."""
    return " ".join(p.strip().lower() for p in parts if p and p.strip())


def display_name(first_name: str, last_name: str, preferred_name: str, erased_at) -> str:
    """How the pages name a person (Person.display_name), from their columns alone."""
    if erased_at:
        return "Erased person"
    return f"{preferred_name or first_name} {last_name}".strip()


def staff_display_name(
    first_name: str | None, last_name: str | None, username: str | None, empty: str = ""
) -> str:
    """How the pages name a member of staff (the staff_name filter), from their columns:
    full name, else username; `empty` when there is no one."""
    if username is None:
        return empty
    return f"{first_name or ''} {last_name or ''}".strip() or username


def role_tags(partner: bool, improver: bool, confirmed) -> list[tuple[str, str]]:
    """The roles held as the pages tag them: the words and the tag's colour."""
    tags = [("Patient Partner", "blue")] if partner else []
    if improver:
        tags.append(
            ("Hospital Improver", "green") if confirmed else ("Hospital Improver (to confirm)", "yellow")
        )
    return tags


class Person(models.Model):
    """Someone in the People Bank: a Patient Partner, a Hospital Improver, both, or a
    contact at an organisation. Role details live in their own one-to-one records."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        LEFT = "left", "Left"

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    preferred_contact = models.CharField(
        "preferred contact method", max_length=10, choices=ContactMethod.choices, default=ContactMethod.EMAIL
    )
    access_needs = models.ManyToManyField(AccessNeed, blank=True, related_name="people")
    access_notes = models.TextField("other access needs", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    joined_on = models.DateField("joined")
    services = models.ManyToManyField(Service, blank=True, related_name="people")
    interests = models.ManyToManyField(Interest, blank=True, related_name="people")
    online = models.BooleanField("can take part online", default=False)
    face_to_face = models.BooleanField("can take part face to face", default=False)
    # Day codes separated by commas ("mon,wed"): small, and filterable on any database.
    days = models.CharField("days available", max_length=40, blank=True)
    # Kept in step by services: the consent service (latest consent to be invited) and the
    # conversation log (latest conversation), so the list filters on indexed columns.
    can_be_invited = models.BooleanField(default=False)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    search_text = models.CharField(max_length=400, blank=True, editable=False)
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="person_email_unique_ci"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "paused", "left"]), name="person_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="person_name_idx"),
            models.Index(fields=["status", "last_name", "first_name", "id"], name="person_status_name_idx"),
            # On PostgreSQL, (last_contact_at DESC NULLS LAST, id DESC): see migration 0010.
            models.Index(fields=["last_contact_at", "id"], name="person_last_contact_idx"),
            models.Index(fields=["joined_on", "id"], name="person_joined_idx"),
            # Matching reads everyone who may be invited: with availability carried in the
            # index (PostgreSQL), that is an index-only scan rather than a read of the table.
            models.Index(
                fields=["status", "can_be_invited"],
                name="person_invitable_cover_idx",
                condition=models.Q(erased_at__isnull=True),
                include=["id", "online", "face_to_face", "days"],
            ),
            # The few erased people, so that leaving them out of a count is an anti-join
            # against a tiny index rather than a scan of the whole bank.
            models.Index(
                fields=["id"], name="person_erased_idx", condition=models.Q(erased_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return row_url("people_bank:person_detail", self.pk)

    @property
    def display_name(self) -> str:
        return display_name(self.first_name, self.last_name, self.preferred_name, self.erased_at)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    # The roles, or None for a role not held. Templates ask these rather than the one-to-one
    # fields: a missing row raises there, and Django's template engine answers that by
    # listing every attribute of the person (dir()), a cost paid on every row of a list.
    @property
    def partner_role(self) -> "PatientPartner | None":
        return getattr(self, "patient_partner", None)

    @property
    def improver_role(self) -> "HospitalImprover | None":
        return getattr(self, "hospital_improver", None)

    @property
    def role_tags(self) -> list[tuple[str, str]]:
        improver = self.improver_role
        return role_tags(
            self.partner_role is not None, improver is not None, improver and improver.confirmed_at
        )

    @property
    def day_list(self) -> list[str]:
        return [d for d in self.days.split(",") if d]

    @property
    def day_labels(self) -> list[str]:
        labels = dict(Day.choices)
        return [labels[d] for d in self.day_list if d in labels]

    def refresh_search_text(self) -> None:
        self.search_text = search_text_for(
            self.first_name, self.last_name, self.preferred_name, self.email, self.postcode, self.phone
        )


class PersonStatusChange(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=Person.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Person.Status.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.from_status or 'new'} → {self.to_status}"


class PatientPartner(models.Model):
    """The formal role: tenure of three years, six after a satisfactory review, never more."""

    class Review(models.TextChoices):
        PENDING = "pending", "Not yet reviewed"
        SATISFACTORY = "satisfactory", "Satisfactory"
        UNSATISFACTORY = "unsatisfactory", "Not satisfactory"

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="patient_partner")
    started_on = models.DateField("start date")
    review_outcome = models.CharField(max_length=20, choices=Review.choices, default=Review.PENDING)
    reviewed_on = models.DateField(null=True, blank=True)
    # Worked out by people_bank.rules whenever the start or the review changes; stored so
    # the "due in the next 90 days" list and the reminders read an index.
    review_due_on = models.DateField(db_index=True)
    tenure_ends_on = models.DateField(db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_due_on__gt=models.F("started_on")), name="pp_review_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(tenure_ends_on__gt=models.F("started_on")), name="pp_tenure_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Patient Partner: {self.person}"


class TrainingRecord(models.Model):
    partner = models.ForeignKey(PatientPartner, on_delete=models.CASCADE, related_name="training")
    course = models.CharField(max_length=200)
    completed_on = models.DateField("date completed")
    expires_on = models.DateField("expiry date", null=True, blank=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gte=models.F("completed_on")),
                name="training_expires_after_completion",
            )
        ]

    def __str__(self) -> str:
        return self.course


class HospitalImprover(models.Model):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="hospital_improver")
    signed_up_at = models.DateTimeField()
    signed_up_online = models.BooleanField(default=True)
    last_service_use_on = models.DateField("last used a Trust service")
    code_of_conduct_agreed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True) | models.Q(confirmed_by__isnull=False),
                name="improver_confirmed_by_someone",
            )
        ]

    def __str__(self) -> str:
        return f"Hospital Improver: {self.person}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class ConsentRecord(models.Model):
    """One statement of consent, never edited: the latest of each kind is what holds."""

    class Kind(models.TextChoices):
        HOLD_DATA = "hold_data", "Hold their data"
        INVITATIONS = "invitations", "Be invited to take part"

    class Method(models.TextChoices):
        ONLINE = "online", "Online form"
        PHONE = "phone", "Phone"
        PAPER = "paper", "Paper form"
        IN_PERSON = "in_person", "In person"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    given = models.BooleanField()
    channels = models.CharField("channels", max_length=60, blank=True)
    method = models.CharField(max_length=20, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["person", "kind", "-recorded_at"], name="consent_latest_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'given' if self.given else 'not given'}"

    @property
    def channel_labels(self) -> list[str]:
        return contact_method_labels(self.channels)


def contact_method_labels(codes: str) -> list[str]:
    """The contact methods of a comma-separated list of codes ("email,phone"), as labels."""
    labels = dict(ContactMethod.choices)
    return [labels.get(c, c) for c in codes.split(",") if c]


# --- Equality monitoring (special-category data: PPI team only, audited) --------------------

PNTS = ("prefer_not_to_say", "Prefer not to say")


class EqualityMonitoring(models.Model):
    """Kept apart from Person so that no query for a list or a match reads it by accident."""

    class AgeBand(models.TextChoices):
        UNDER_18 = "under_18", "Under 18"
        A18_24 = "18_24", "18 to 24"
        A25_34 = "25_34", "25 to 34"
        A35_44 = "35_44", "35 to 44"
        A45_54 = "45_54", "45 to 54"
        A55_64 = "55_64", "55 to 64"
        A65_74 = "65_74", "65 to 74"
        A75_PLUS = "75_plus", "75 or over"
        PREFER_NOT = PNTS

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        PREFER_NOT = PNTS

    class YesNo(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        PREFER_NOT = PNTS

    class Ethnicity(models.TextChoices):
        # ONS Census 2021 categories for England, grouped as the census groups them.
        ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
        ASIAN_CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
        ASIAN_INDIAN = "asian_indian", "Asian or Asian British: Indian"
        ASIAN_PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
        ASIAN_OTHER = "asian_other", "Asian or Asian British: any other Asian background"
        BLACK_AFRICAN = "black_african", "Black, Black British, Caribbean or African: African"
        BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Caribbean or African: Caribbean"
        BLACK_OTHER = "black_other", "Black, Black British, Caribbean or African: any other Black background"
        MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or multiple: White and Asian"
        MIXED_WHITE_BLACK_AFRICAN = "mixed_white_black_african", "Mixed or multiple: White and Black African"
        MIXED_WHITE_BLACK_CARIBBEAN = (
            "mixed_white_black_caribbean",
            "Mixed or multiple: White and Black Caribbean",
        )
        MIXED_OTHER = "mixed_other", "Mixed or multiple: any other mixed background"
        WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
        WHITE_IRISH = "white_irish", "White: Irish"
        WHITE_GYPSY = "white_gypsy", "White: Gypsy or Irish Traveller"
        WHITE_ROMA = "white_roma", "White: Roma"
        WHITE_OTHER = "white_other", "White: any other White background"
        OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
        OTHER_ANY = "other_any", "Other ethnic group: any other ethnic group"
        PREFER_NOT = PNTS

    class Religion(models.TextChoices):
        NONE = "none", "No religion"
        BUDDHIST = "buddhist", "Buddhist"
        CHRISTIAN = "christian", "Christian"
        HINDU = "hindu", "Hindu"
        JEWISH = "jewish", "Jewish"
        MUSLIM = "muslim", "Muslim"
        SIKH = "sikh", "Sikh"
        OTHER = "other", "Any other religion or belief"
        PREFER_NOT = PNTS

    class SexualOrientation(models.TextChoices):
        STRAIGHT = "straight", "Straight or heterosexual"
        GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
        BISEXUAL = "bisexual", "Bisexual"
        OTHER = "other", "Another sexual orientation"
        PREFER_NOT = PNTS

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="equality")
    age_band = models.CharField(max_length=20, choices=AgeBand.choices, blank=True)
    sex = models.CharField(max_length=20, choices=Sex.choices, blank=True)
    gender_same_as_at_birth = models.CharField(
        "gender identity the same as sex registered at birth",
        max_length=20,
        choices=YesNo.choices,
        blank=True,
    )
    ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices, blank=True)
    disability = models.CharField(
        "disability or long-term condition", max_length=20, choices=YesNo.choices, blank=True
    )
    religion = models.CharField("religion or belief", max_length=20, choices=Religion.choices, blank=True)
    sexual_orientation = models.CharField(max_length=20, choices=SexualOrientation.choices, blank=True)
    carer = models.CharField("a carer", max_length=20, choices=YesNo.choices, blank=True)
    objects_to_monitoring_use = models.BooleanField(
        "objects to these answers being used for equality monitoring", default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    CHARACTERISTICS = (
        "age_band",
        "sex",
        "gender_same_as_at_birth",
        "ethnicity",
        "disability",
        "religion",
        "sexual_orientation",
        "carer",
    )

    def __str__(self) -> str:
        return f"Equality monitoring for person {self.person_id}"


class ReferencePopulation(models.Model):
    """A share of a comparison population (the local census, the Trust's patients) for one
    answer to one equality question; the PPI team edits these."""

    characteristic = models.CharField(max_length=40)
    category = models.CharField(max_length=40)
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["characteristic", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["characteristic", "category"], name="refpop_one_share_per_category"
            ),
            models.CheckConstraint(
                condition=models.Q(percent__gte=0) & models.Q(percent__lte=100), name="refpop_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.characteristic} {self.category}: {self.percent}%"


# --- Organisations --------------------------------------------------------------------------


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CHARITY = "charity", "Charity"
        HEALTHWATCH = "healthwatch", "Healthwatch"
        CVS = "cvs", "Council for voluntary service"
        PATIENT_GROUP = "patient_group", "Patient group"
        COMMUNITY = "community", "Community or faith group"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    is_service_provider = models.BooleanField("service provider", default=False)
    is_lobby = models.BooleanField("lobby", default=False)
    is_advocate = models.BooleanField("patients' advocate", default=False)
    is_conduit = models.BooleanField("conduit to patients' voices", default=False)
    conditions = models.TextField("conditions they reach", blank=True)
    communities = models.TextField("communities they reach", blank=True)
    area = models.CharField(max_length=120, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations_owned",
        verbose_name="relationship owner",
    )
    last_contact_at = models.DateTimeField(null=True, blank=True)
    search_text = models.CharField(max_length=600, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci")]
        indexes = [
            models.Index(fields=["name", "id"], name="organisation_name_idx"),
            models.Index(fields=["kind", "name", "id"], name="organisation_kind_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = search_text_for(
            self.name, self.area, self.conditions[:100], self.communities[:100]
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return row_url("people_bank:organisation_detail", self.pk)

    @property
    def role_labels(self) -> list[str]:
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in ("is_service_provider", "is_lobby", "is_advocate", "is_conduit")
            if getattr(self, name)
        ]


class OrganisationContact(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="organisation_roles"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Agreement(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(max_length=200, help_text="For example, memorandum of understanding")
    starts_on = models.DateField("start date")
    ends_on = models.DateField("end date", null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


# --- Relationship log -----------------------------------------------------------------------


class Conversation(models.Model):
    """A dated conversation between a member of staff and a person and/or an organisation."""

    class Channel(models.TextChoices):
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email"
        MEETING = "meeting", "Meeting in person"
        VIDEO = "video", "Video call"
        EVENT = "event", "At an event"
        LETTER = "letter", "Letter"

    happened_at = models.DateTimeField("date")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conversations"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="conversations"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="conversations"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    summary = models.TextField()
    insight = models.TextField("insight picked up", blank=True)
    follow_up = models.CharField(max_length=300, blank=True)
    follow_up_due = models.DateField("follow-up due", null=True, blank=True)
    follow_up_done_at = models.DateTimeField(null=True, blank=True)
    # The involvement requests app will own the link; until it exists, its id as a number.
    involvement_request_id_ref = models.PositiveIntegerField(
        "involvement request number", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(organisation__isnull=False),
                name="conversation_has_someone",
            ),
            models.CheckConstraint(
                condition=models.Q(follow_up_due__isnull=True) | ~models.Q(follow_up=""),
                name="conversation_due_needs_follow_up",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "-happened_at", "-id"], name="conversation_person_idx"),
            models.Index(fields=["organisation", "-happened_at", "-id"], name="conversation_org_idx"),
            models.Index(
                fields=["staff", "follow_up_due"],
                name="conversation_open_follow_up",
                condition=models.Q(follow_up_due__isnull=False, follow_up_done_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} on {self.happened_at:%d %b %Y}"


# --- Reminders ------------------------------------------------------------------------------


class TenureReminder(models.Model):
    """One reminder sent: one row per partner, kind, due date and threshold, so a second
    run of the daily task sends nothing new."""

    class Kind(models.TextChoices):
        REVIEW = "review", "Review due"
        TENURE_END = "tenure_end", "Tenure ends"

    partner = models.ForeignKey(PatientPartner, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "kind", "due_on", "days_before"], name="tenure_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on} ({self.days_before} days)"


# --- Patient Partner recruitment ------------------------------------------------------------


class RecruitmentRound(models.Model):
    """An open call for Patient Partners, with the role description applicants read."""

    title = models.CharField(max_length=200)
    role_description = models.TextField()
    opens_on = models.DateField()
    closes_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_open"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Applied"
        SHORTLISTED = "shortlisted", "Shortlisted"
        INTERVIEWED = "interviewed", "Interviewed"
        APPOINTED = "appointed", "Appointed"
        NOT_APPOINTED = "not_appointed", "Not taken forward"
        WITHDRAWN = "withdrawn", "Withdrawn"

    round = models.ForeignKey(RecruitmentRound, on_delete=models.PROTECT, related_name="applications")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="applications")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_online = models.BooleanField(default=True)
    why = models.TextField("why they would like to be a Patient Partner")
    experience = models.TextField("experience they bring", blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="one_application_per_round")]

    def __str__(self) -> str:
        return f"Application {self.pk} to {self.round_id}"


class ApplicationStatusChange(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Application.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Application.Status.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.to_status}"


# Payments (sessions, expenses, the ledger) live in their own module, in this app.
from people_bank.payments.models import *  # noqa: E402,F401,F403
