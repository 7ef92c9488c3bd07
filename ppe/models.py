from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper

from ppe.cache import forget_now_and_on_commit


class AuditEvent(models.Model):
    """Who looked at or changed what, and when: never the values themselves.

    Rows are only ever added. On PostgreSQL a trigger (migration 0002) refuses UPDATE and
    DELETE, so not even the application can rewrite the record."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        DELETE = "delete", "Deleted"
        EXPORT = "export", "Exported"
        DOWNLOAD = "download", "Downloaded"
        ERASE = "erase", "Erased"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # No database constraint and no cascade: removing a staff account must not touch
    # (and on PostgreSQL cannot touch) the rows that record what that account did.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Kept as text too, so the record still says who after a staff account is removed.
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    # What was touched, as "app.model" and its id, and which part (e.g. "equality").
    subject_type = models.CharField(max_length=80)
    subject_id = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "-at"], name="audit_subject_idx"),
            # The audit log's filters, newest first: every view of a person adds a row, so
            # the log soon runs to millions and a filter must not read them all to sort.
            models.Index(fields=["action", "-at", "-id"], name="audit_action_idx"),
            models.Index(Upper("username"), F("at").desc(), name="audit_username_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.subject_type} {self.subject_id}"


class TwoFactorDevice(models.Model):
    """A staff member's authenticator app, once they have proved it with a code."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField()
    # The last time step used, so the same code cannot sign in twice.
    last_used_step = models.BigIntegerField(default=-1)

    def __str__(self) -> str:
        return f"Authenticator for {self.user}"


class SecurityPolicy(models.Model):
    """Settings the PPI team controls for its own members. One row."""

    require_two_factor_for_ppi_team = models.BooleanField(
        default=False,
        verbose_name="Require two-factor sign-in for the PPI team",
        help_text="Members of the PPI team must set up an authenticator app before they can carry on.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "security policy"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="security_policy_single_row")]

    def __str__(self) -> str:
        return "Security policy"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        forget_now_and_on_commit(lambda: cache.delete(TWO_FACTOR_POLICY_KEY))

    @classmethod
    def current(cls) -> "SecurityPolicy":
        return cls.objects.filter(id=1).first() or cls(id=1)

    @classmethod
    def two_factor_required_for_ppi_team(cls) -> bool:
        """Asked on every PPI team request: kept in the cache until the policy is saved."""
        required = cache.get(TWO_FACTOR_POLICY_KEY)
        if required is None:
            required = cls.current().require_two_factor_for_ppi_team
            cache.set(TWO_FACTOR_POLICY_KEY, required, timeout=60)
        return required


TWO_FACTOR_POLICY_KEY = "ppe:security-policy:two-factor"


class FormSubmission(models.Model):
    """One row per form sent with a submission key, so that a double click or the back
    button cannot save the same thing twice (see ppe.middleware.SubmitOnceMiddleware)."""

    key = models.UUIDField(primary_key=True)
    path = models.CharField(max_length=300)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.key} {self.path}"


class PendingTask(models.Model):
    """Work that could not be queued because the broker was down, kept until it can be.

    `ppe.queue.enqueue` writes a row instead of losing the task; the `resend_pending_tasks`
    beat task sends the rows once Redis answers again, oldest first."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)!r} (waiting since {self.created_at:%Y-%m-%d %H:%M})"
