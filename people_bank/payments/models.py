"""Sessions, payments and expenses: the ledger a finance team can trust.

Money never changes in place. Every amount owed is a `LedgerEntry`; a correction is a new
entry with the opposite sign, in the first month not yet exported. A month is exported
once (`FinanceExport`), and from then on its entries are fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models

from people_bank.models import Person
from people_bank.payments import rules
from ppe.links import row_url

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PaymentTag:
    """Why a session is not paid in money, as a tag: its words and its colour."""

    text: str
    colour: str


__all__ = [
    "ExpenseClaim",
    "ExpenseLine",
    "FinanceExport",
    "LedgerEntry",
    "MileageRate",
    "PaymentChoice",
    "PaymentMethod",
    "Receipt",
    "Session",
    "SessionalRate",
]


class SessionalRate(models.Model):
    """The fee for a session and the monthly cap, from a date on. A new rate never rewrites
    what an older one paid: each session keeps the amount it was recorded at."""

    effective_from = models.DateField("applies from", unique=True)
    amount = models.DecimalField("fee per session (£)", max_digits=8, decimal_places=2)
    monthly_cap = models.PositiveSmallIntegerField("most paid sessions in a calendar month")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="sessional_rate_positive"),
            models.CheckConstraint(condition=models.Q(monthly_cap__gt=0), name="sessional_cap_positive"),
        ]

    def __str__(self) -> str:
        return f"£{self.amount} a session, at most {self.monthly_cap} a month, from {self.effective_from}"


class MileageRate(models.Model):
    effective_from = models.DateField("applies from", unique=True)
    amount = models.DecimalField("rate per mile (£)", max_digits=6, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-effective_from"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="mileage_rate_positive")]

    def __str__(self) -> str:
        return f"£{self.amount} a mile from {self.effective_from}"


class PaymentMethod(models.TextChoices):
    PAID = "paid", "Paid into their bank account"
    VOUCHERS = "vouchers", "Vouchers"
    OTHER = "other", "Another way"
    DECLINED = "declined", "Declined payment"


class PaymentChoice(models.Model):
    """How a partner wants to be paid, from a date. The latest choice on or before a
    session's date decides; with none recorded, they are paid."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="payment_choices")
    method = models.CharField("how they would like to be paid", max_length=10, choices=PaymentMethod.choices)
    effective_from = models.DateField("applies from")
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "-id"]
        indexes = [
            models.Index(fields=["person", "-effective_from", "-id"], name="payment_choice_latest_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} from {self.effective_from}"


class Session(models.Model):
    """A Patient Partner's attendance at a meeting or activity."""

    class Kind(models.TextChoices):
        PROJECT_GROUP = "project_group", "Project group"
        BOARD = "board", "Board or committee"
        EVENT = "event", "Event"
        TRAINING = "training", "Training"
        ASSURANCE_VISIT = "assurance_visit", "Assurance visit"
        INTERVIEW_PANEL = "interview_panel", "Interview panel"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="payment_sessions")
    held_on = models.DateField("date of the session")
    minutes = models.PositiveSmallIntegerField("length in minutes")
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=200, blank=True)
    involvement_request = models.ForeignKey(
        "involvement_requests.InvolvementRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payment_sessions",
    )
    # The engagement activity it was for (outcomes), if any. By name only: the People Bank
    # does not import outcomes.
    activity = models.ForeignKey(
        "outcomes.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_sessions",
    )
    # Decided once, when recorded, under a lock on the partner (services.session_record).
    within_cap = models.BooleanField(default=True)
    method = models.CharField(max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.PAID)
    amount = models.DecimalField(max_digits=8, decimal_places=2, default=ZERO)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(minutes__gt=0), name="session_length_positive"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="session_amount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["person", "held_on"], name="session_person_date_idx"),
            models.Index(fields=["held_on"], name="session_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_on:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return row_url("people_bank:payments:session_detail", self.pk)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def payable(self) -> bool:
        return self.amount > 0 and not self.is_cancelled

    @property
    def payment_tag(self) -> PaymentTag | None:
        return session_payment_tag(
            cancelled=self.is_cancelled, within_cap=self.within_cap, method=self.method
        )

    @property
    def paid_text(self) -> str:
        return session_paid_text(method=self.method, amount=self.amount)


# A session's payment as its page and the tables show it, from its values: the tables read
# values, not Session rows.
METHOD_LABELS = dict(PaymentMethod.choices)


def session_payment_tag(*, cancelled: bool, within_cap: bool, method: str) -> PaymentTag | None:
    """None when the session is paid: then the page shows its amount."""
    if cancelled:
        return PaymentTag("Cancelled", "grey")
    if not within_cap:
        return PaymentTag("Not payable: over the monthly cap", "orange")
    if method == PaymentMethod.DECLINED:
        return PaymentTag("Payment declined", "grey")
    return None


def session_paid_text(*, method: str, amount: Decimal) -> str:
    """What the page shows for a paid session: the amount, and how unless in money."""
    if method == PaymentMethod.PAID:
        return f"£{amount:.2f}"
    return f"£{amount:.2f} ({METHOD_LABELS.get(method, method).lower()})"


class ExpenseClaim(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        PAID = "paid", "Paid"
        REVERSED = "reversed", "Reversed"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="expense_claims")
    description = models.CharField("what the claim is for", max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    total = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField("reason", max_length=300, blank=True)
    paid_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gte=0), name="claim_total_not_negative")
        ]
        indexes = [
            # The claims list: newest first, all of them or one status.
            models.Index(fields=["-recorded_at", "-id"], name="claim_recent_idx"),
            models.Index(fields=["status", "-recorded_at", "-id"], name="claim_status_recent_idx"),
            models.Index(fields=["person", "-recorded_at"], name="claim_person_idx"),
        ]

    def __str__(self) -> str:
        return f"Expense claim {self.pk}"

    def get_absolute_url(self) -> str:
        return row_url("people_bank:payments:claim_detail", self.pk)


class ExpenseLine(models.Model):
    class Kind(models.TextChoices):
        MILEAGE = "mileage", "Mileage"
        PUBLIC_TRANSPORT = "public_transport", "Public transport"
        PARKING = "parking", "Parking"
        CARE = "care", "Carer or childcare costs"
        PRINTING = "printing", "Printing"
        OTHER = "other", "Other"

    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    incurred_on = models.DateField("date")
    description = models.CharField(max_length=200, blank=True)
    miles = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    rate_per_mile = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["incurred_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="expense_line_positive"),
            models.CheckConstraint(
                condition=~models.Q(kind="mileage") | models.Q(miles__gt=0, rate_per_mile__gt=0),
                name="expense_mileage_has_miles",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: £{self.amount}"


def receipt_path(instance, filename: str) -> str:
    # The stored name is ours, never the uploader's.
    return f"receipts/{instance.claim_id}/{instance.token}.{instance.extension}"


class Receipt(models.Model):
    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="receipts")
    file = models.FileField(upload_to=receipt_path)
    token = models.CharField(max_length=32, editable=False)
    content_type = models.CharField(max_length=40)
    extension = models.CharField(max_length=4)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class LedgerEntry(models.Model):
    """One amount owed to a person (negative for a correction), in the month it is paid in."""

    class Kind(models.TextChoices):
        SESSION = "session", "Session"
        EXPENSE = "expense", "Expense"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    claim = models.ForeignKey(
        ExpenseClaim, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    # The first day of the month whose finance export carries this entry.
    period = models.DateField()
    # The day the session or claim belongs to (tax-year totals count by this).
    occurred_on = models.DateField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    method = models.CharField(max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.PAID)
    taxable = models.BooleanField(default=False)
    description = models.CharField(max_length=300)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["period", "occurred_on", "id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=models.Q(session__isnull=False) | models.Q(claim__isnull=False),
                name="ledger_entry_has_source",
            ),
            models.CheckConstraint(
                condition=models.Q(reverses__isnull=True, amount__gt=0)
                | models.Q(reverses__isnull=False, amount__lt=0),
                name="ledger_only_reversals_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "person"], name="ledger_period_idx"),
            models.Index(fields=["person", "occurred_on"], name="ledger_person_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.description}: £{self.amount}"


class FinanceExport(models.Model):
    """A month's finance export. Its existence locks the month."""

    period = models.DateField(unique=True)
    exported_at = models.DateTimeField(auto_now_add=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows = models.PositiveIntegerField()
    total = models.DecimalField(max_digits=12, decimal_places=2)
    # The file as first sent, so a second download is the same file.
    csv = models.TextField()

    class Meta:
        ordering = ["-period"]

    def __str__(self) -> str:
        return f"Finance export for {self.period:%B %Y}"

    def get_absolute_url(self) -> str:
        return row_url("people_bank:payments:month", f"{self.period:%Y-%m}")

    @property
    def label(self) -> str:
        return rules.period_label(self.period)

    @property
    def download_url(self) -> str:
        return row_url("people_bank:payments:export_download", f"{self.period:%Y-%m}")
