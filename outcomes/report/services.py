"""Writes for the Board report: ask for a version, generate it, publish it."""

from __future__ import annotations

import logging
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from outcomes.models import ReportStatus, ReportStatusChange, ReportVersion
from outcomes.report.figures import board_report_figures
from outcomes.report.pdf import render_pdf
from outcomes.report.quarters import Quarter, first_working_day_after
from ppe.queue import enqueue_on_commit

log = logging.getLogger(__name__)
S = ReportStatus

ALLOWED = {
    S.QUEUED: {S.RUNNING},
    S.RUNNING: {S.DONE, S.FAILED},
    S.DONE: {S.PUBLISHED},
    S.FAILED: set(),
    S.PUBLISHED: set(),
}
# A queued job older than this was probably lost with the broker; a running one older than
# this outlived the task time limit, so its worker is gone.
# A job whose worker died is handed back by the broker after its visibility timeout, so
# only one older than that (plus a margin) is given up as failed.
STALE_QUEUED = timedelta(minutes=5)
STALE_RUNNING = timedelta(seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]) + timedelta(
    minutes=10
)


class ReportError(Exception):
    """Something the PPI team should read, as it is."""


class ReportAlreadyInProgress(ReportError):
    pass


def _move(version: ReportVersion, *, to: str, by=None, note: str = "", **fields) -> bool:
    """Guarded status change. False means someone else moved it first."""
    old = version.status
    if to not in ALLOWED[S(old)]:
        raise ReportError(
            f"A report that is {version.get_status_display().lower()} cannot become {S(to).label.lower()}."
        )
    with transaction.atomic():
        moved = ReportVersion.objects.filter(pk=version.pk, status=old).update(status=to, **fields)
        if not moved:
            return False
        ReportStatusChange.objects.create(
            version=version, from_status=old, to_status=to, by=by, note=note[:500]
        )
    version.status = to
    for name, value in fields.items():
        setattr(version, name, value)
    return True


def report_request(*, quarter: Quarter, by=None) -> ReportVersion:
    """Queue a new numbered version of a quarter's report."""
    in_progress = ReportVersion.objects.filter(quarter=quarter.slug, status__in=[S.QUEUED, S.RUNNING]).first()
    if in_progress:
        raise ReportAlreadyInProgress(
            f"Version {in_progress.number} of the {quarter.label} report is already "
            f"{in_progress.get_status_display().lower()}. Wait for it to finish before asking again."
        )
    try:
        with transaction.atomic():
            last = ReportVersion.objects.filter(quarter=quarter.slug).aggregate(n=Max("number"))["n"] or 0
            version = ReportVersion.objects.create(quarter=quarter.slug, number=last + 1, requested_by=by)
            transaction.on_commit(lambda: report_enqueue(version))
    except IntegrityError as exc:
        # Two clicks at once: the database let only one through.
        raise ReportAlreadyInProgress(
            f"A {quarter.label} report is already being prepared. Wait for it to finish before asking again."
        ) from exc
    version.refresh_from_db()
    return version


def report_enqueue(version: ReportVersion) -> bool:
    """Hand the job to the queue. If the broker is down, say so on the version and leave
    it queued: the sweeper tries again."""
    from outcomes.tasks import generate_board_report

    now = timezone.now()
    # Written before sending: a worker (or eager mode) may finish the job before we return.
    ReportVersion.objects.filter(pk=version.pk).update(queued_at=now, queue_failed_at=None)
    try:
        generate_board_report.apply_async(args=[version.pk], retry=False)
    except Exception as exc:  # noqa: BLE001 - kombu and redis raise many kinds when the broker is gone
        log.warning("could not queue board report %s: %s", version.pk, exc)
        ReportVersion.objects.filter(pk=version.pk).update(queue_failed_at=now)
        version.queue_failed_at = now
        return False
    return True


def report_generate(*, version_id: int, redelivered: bool = False) -> ReportVersion | None:
    """Freeze the figures, render the PDF and store it. Safe to run twice: only the run
    that moves the version from queued to running does the work, or, when the broker
    redelivers a job whose worker died, the one run that takes the running version over."""
    version = ReportVersion.objects.get(pk=version_id)
    if version.status == S.RUNNING and redelivered:
        # The broker hands a job back only when the worker that held it died (acks_late,
        # reject on worker lost): take the version over and make it from the start.
        if not _take_over(version):
            return None
    elif version.status != S.QUEUED or not _move(version, to=S.RUNNING, started_at=timezone.now()):
        return None
    name = ""
    try:
        figures = board_report_figures(Quarter.parse(version.quarter))
        ReportVersion.objects.filter(pk=version.pk).update(figures=figures)
        pdf = render_pdf(figures, version=version.number, status=S.DONE)
        name = _file_name(version, "draft")  # named first, so a half-written file can be removed
        name = default_storage.save(name, ContentFile(pdf))
        if not _move(version, to=S.DONE, file=name, finished_at=timezone.now(), figures=figures):
            raise ReportError("The report was changed by someone else while it was being made.")
    except Exception as exc:  # noqa: BLE001 - any failure must end as "failed" with its reason
        log.exception("board report %s failed", version.pk)
        _discard(name)
        _move(
            version,
            to=S.FAILED,
            error=_reason(exc),
            finished_at=timezone.now(),
            note="generation failed",
        )
    return version


def _take_over(version: ReportVersion) -> bool:
    with transaction.atomic():
        moved = ReportVersion.objects.filter(
            pk=version.pk, status=S.RUNNING, started_at=version.started_at
        ).update(started_at=timezone.now())
        if moved:
            ReportStatusChange.objects.create(
                version=version, from_status=S.RUNNING, to_status=S.RUNNING, note="worker lost: started again"
            )
    return bool(moved)


def _discard(name: str) -> None:
    """Remove a file that may be half-written, so no version points at a broken PDF."""
    if name and default_storage.exists(name):
        default_storage.delete(name)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ReportError):
        return str(exc)
    if isinstance(exc, OSError):
        return (
            f"The file could not be stored ({exc.strerror or type(exc).__name__}). Ask for the report again."
        )
    return f"The report could not be made ({type(exc).__name__}: {exc}). Ask for the report again."[:1000]


def report_publish(*, version: ReportVersion, by) -> ReportVersion:
    """Sign a draft off for the Board. The PDF is drawn again from the same frozen figures
    so that its cover says "Published" (and when); the figures themselves do not change."""
    if version.status != S.DONE:
        state = version.get_status_display().lower()
        raise ReportError(f"Only a finished draft can be published; version {version.number} is {state}.")
    now = timezone.now()
    pdf = render_pdf(version.figures, version=version.number, status=S.PUBLISHED, published_at=now)
    name = _file_name(version, "published")
    draft = version.file.name
    try:
        name = default_storage.save(name, ContentFile(pdf))
        with transaction.atomic():
            if not _move(version, to=S.PUBLISHED, by=by, published_by=by, published_at=now, file=name):
                raise ReportError("Someone else changed this version first. Reload the page.")
            from outcomes.tasks import email_board_report_published

            transaction.on_commit(lambda: _discard(draft))
            enqueue_on_commit(email_board_report_published, version.pk)
    except Exception:
        _discard(name)
        raise
    return version


def _file_name(version: ReportVersion, kind: str) -> str:
    return f"board-reports/{version.quarter}/v{version.number}-{kind}-{uuid.uuid4().hex[:12]}.pdf"


def report_request_if_due(*, today: date) -> ReportVersion | None:
    """The scheduled ask: on the first working day after a quarter ends, queue its report
    unless one has already been asked for."""
    quarter = Quarter.last_ended(today)
    if today != first_working_day_after(quarter):
        return None
    if ReportVersion.objects.filter(quarter=quarter.slug).exists():
        return None
    try:
        return report_request(quarter=quarter, by=None)
    except ReportAlreadyInProgress:
        return None


def report_sweep(*, now=None) -> dict:
    """Re-queue jobs the broker lost; fail jobs whose worker died."""
    now = now or timezone.now()
    requeued = 0
    # Jobs the broker refused are sent again at once; others only once they look lost.
    stale = Q(queue_failed_at__isnull=False) | Q(requested_at__lt=now - STALE_QUEUED)
    for version in ReportVersion.objects.filter(stale, status=S.QUEUED):
        last = version.queued_at or version.requested_at
        if version.queue_failed_at or last < now - STALE_QUEUED:
            requeued += report_enqueue(version)
    failed = 0
    for version in ReportVersion.objects.filter(status=S.RUNNING, started_at__lt=now - STALE_RUNNING):
        failed += _move(
            version,
            to=S.FAILED,
            error="The worker stopped before the report was finished. Ask for the report again.",
            finished_at=now,
            note="swept",
        )
    return {"requeued": requeued, "failed": failed}
