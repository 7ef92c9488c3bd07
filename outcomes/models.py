from django.conf import settings
from django.db import models
from django.db.models import Q


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
