"""Asking for a report, the job that makes it, and what the PPI team sees meanwhile."""

import errno
import os
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils import timezone

from outcomes.models import ReportStatus, ReportStatusChange, ReportVersion
from outcomes.report import services
from outcomes.report.quarters import Quarter, first_working_day_after
from outcomes.tasks import generate_board_report
from ppe.celery import app
from tests.factories import ReportVersionFactory
from tests.outcomes.conftest import stored_files

pytestmark = pytest.mark.django_db
REQUEST_URL = reverse("outcomes:report_request")


def last_ended() -> Quarter:
    return Quarter.last_ended(timezone.localdate())


def ask(client, quarter: str, commit):
    with commit(execute=True):
        return client.post(REQUEST_URL, {"quarter": quarter})


def test_ppi_team_asks_for_a_report_and_gets_a_finished_draft(
    ppi_client, ppi_user, report_files, django_capture_on_commit_callbacks
):
    quarter = last_ended()
    response = ask(ppi_client, quarter.slug, django_capture_on_commit_callbacks)
    version = ReportVersion.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("outcomes:report_status", args=[quarter.slug, 1])
    assert (version.quarter, version.number, version.status) == (quarter.slug, 1, ReportStatus.DONE)
    assert version.requested_by == ppi_user and version.started_at and version.finished_at
    assert version.figures["quarter"]["label"] == quarter.label
    [pdf] = stored_files(report_files)
    assert pdf.read_bytes().startswith(b"%PDF")
    page = ppi_client.get(response.url)
    assert "Draft ready" in page.content.decode()
    assert "Refresh" not in page  # nothing more to wait for
    assert [(c.from_status, c.to_status) for c in version.status_changes.all()] == [
        ("queued", "running"),
        ("running", "done"),
    ]


def test_each_run_makes_a_new_version_and_leaves_the_old_one_alone(
    ppi_client, report_files, django_capture_on_commit_callbacks
):
    quarter = last_ended()
    ask(ppi_client, quarter.slug, django_capture_on_commit_callbacks)
    first = ReportVersion.objects.get()
    before = (first.file.name, first.figures, first.finished_at)
    ask(ppi_client, quarter.slug, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert (first.file.name, first.figures, first.finished_at) == before
    assert list(ReportVersion.objects.order_by("number").values_list("number", "status")) == [
        (1, "done"),
        (2, "done"),
    ]
    assert len(stored_files(report_files)) == 2


@pytest.mark.parametrize(
    "text,message",
    [
        ("2026-Q5", "is not a quarter. Write it as a year and quarter, like 2026-Q1."),
        ("next quarter", "is not a quarter"),
        ("", "Select quarter"),
    ],
)
def test_a_malformed_quarter_is_refused_with_a_clear_message(ppi_client, text, message):
    response = ppi_client.post(REQUEST_URL, {"quarter": text})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReportVersion.objects.exists()


def test_a_quarter_that_has_not_ended_is_refused(ppi_client):
    current = Quarter.containing(timezone.localdate())
    response = ppi_client.post(REQUEST_URL, {"quarter": current.slug})
    assert response.status_code == 400
    assert f"{current.label} has not ended yet" in response.content.decode()
    assert not ReportVersion.objects.exists()


def test_a_second_click_while_one_is_running_queues_nothing(ppi_client):
    quarter = last_ended()
    ReportVersionFactory(
        quarter=quarter.slug, number=1, status=ReportStatus.RUNNING, file="", published_at=None
    )
    response = ppi_client.post(REQUEST_URL, {"quarter": quarter.slug})
    assert response.status_code == 409
    assert f"Version 1 of the {quarter.label} report is already running" in response.content.decode()
    assert ReportVersion.objects.count() == 1


def test_the_database_refuses_two_jobs_at_once_for_a_quarter():
    from django.db import IntegrityError, transaction

    quarter = last_ended().slug
    ReportVersion.objects.create(quarter=quarter, number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportVersion.objects.create(quarter=quarter, number=2)


def test_the_status_page_refreshes_itself_while_the_job_waits(ppi_client):
    version = ReportVersion.objects.create(quarter=last_ended().slug, number=1)
    response = ppi_client.get(reverse("outcomes:report_status", args=[version.quarter, 1]))
    assert response["Refresh"] == "5"
    assert "This page refreshes itself" in response.content.decode()


def test_running_the_task_twice_makes_one_version_and_one_file(report_files):
    version = ReportVersion.objects.create(quarter=last_ended().slug, number=1)
    generate_board_report.delay(version.pk)
    generate_board_report.delay(version.pk)
    version.refresh_from_db()
    assert version.status == ReportStatus.DONE
    assert ReportVersion.objects.count() == 1
    assert len(stored_files(report_files)) == 1
    assert ReportStatusChange.objects.filter(version=version, to_status="running").count() == 1


class FullDiskStorage(FileSystemStorage):
    """Writes part of the file, then runs out of space."""

    def _save(self, name, content):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content.read()[:100])
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_failure_leaves_no_half_written_file_and_says_why(ppi_client, settings, report_files):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.outcomes.test_report_jobs.FullDiskStorage"},
    }
    version = ReportVersion.objects.create(quarter=last_ended().slug, number=1)
    generate_board_report.delay(version.pk)
    version.refresh_from_db()
    assert version.status == ReportStatus.FAILED
    assert version.file.name == ""
    assert stored_files(report_files) == []
    page = ppi_client.get(reverse("outcomes:report_status", args=[version.quarter, 1])).content.decode()
    assert "The report could not be made" in page
    assert "The file could not be stored (No space left on device). Ask for the report again." in page


@pytest.fixture
def broker_down(settings):
    """REDIS_URL points at a port where nothing listens, and tasks really go to the broker."""
    url = "redis://127.0.0.1:1/0"
    settings.REDIS_URL = url
    saved = (app.conf.task_always_eager, app.conf.broker_url, app._pool, app.amqp._producer_pool)
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    # Celery builds its connection and producer pools from broker_url on first use.
    app._pool = app.amqp._producer_pool = None
    yield
    app.conf.task_always_eager, app.conf.broker_url, app._pool, app.amqp._producer_pool = saved


@pytest.mark.django_db(transaction=True)
def test_when_the_queue_is_down_the_page_says_so_and_the_report_waits(ppi_client, broker_down):
    # A transactional test, so the job is handed to the queue on commit, as in production.
    quarter = last_ended()
    response = ppi_client.post(REQUEST_URL, {"quarter": quarter.slug}, follow=True)
    assert response.status_code == 200
    version = ReportVersion.objects.get()
    assert version.status == ReportStatus.QUEUED and version.queue_failed_at
    page = response.content.decode()
    assert "The job queue cannot be reached just now" in page
    assert "will be handed to the queue again automatically" in page


def test_the_sweeper_hands_a_stranded_report_to_the_queue_again(report_files):
    version = ReportVersion.objects.create(
        quarter=last_ended().slug, number=1, queue_failed_at=timezone.now()
    )
    ReportVersion.objects.filter(pk=version.pk).update(requested_at=timezone.now() - timedelta(minutes=10))
    assert services.report_sweep() == {"requeued": 1, "failed": 0}
    version.refresh_from_db()
    assert version.status == ReportStatus.DONE and version.queue_failed_at is None


def test_a_report_the_broker_refused_is_sent_again_at_the_next_sweep_without_waiting(report_files):
    refused = ReportVersion.objects.create(
        quarter=last_ended().slug, number=1, queue_failed_at=timezone.now()
    )
    just_asked = ReportVersion.objects.create(
        quarter=Quarter(2025, 1).slug, number=1, queued_at=timezone.now()
    )
    assert services.report_sweep() == {"requeued": 1, "failed": 0}
    refused.refresh_from_db()
    just_asked.refresh_from_db()
    assert refused.status == ReportStatus.DONE
    assert just_asked.status == ReportStatus.QUEUED  # queued a moment ago: not lost, left alone


def test_the_sweeper_fails_a_job_whose_worker_died():
    version = ReportVersion.objects.create(quarter=last_ended().slug, number=1)
    ReportVersion.objects.filter(pk=version.pk).update(
        status=ReportStatus.RUNNING, started_at=timezone.now() - services.STALE_RUNNING - timedelta(minutes=1)
    )
    assert services.report_sweep() == {"requeued": 0, "failed": 1}
    version.refresh_from_db()
    assert version.status == ReportStatus.FAILED
    assert "The worker stopped before the report was finished" in version.error


def test_the_schedule_asks_for_the_report_once_on_the_first_working_day(
    report_files, django_capture_on_commit_callbacks
):
    quarter = Quarter(2026, 2)
    due = first_working_day_after(quarter)  # Thursday 1 October 2026
    assert services.report_request_if_due(today=due - timedelta(days=1)) is None
    with django_capture_on_commit_callbacks(execute=True):
        version = services.report_request_if_due(today=due)
    assert (version.quarter, version.requested_by) == ("2026-Q2", None)
    assert services.report_request_if_due(today=due) is None
    assert services.report_request_if_due(today=due + timedelta(days=1)) is None
    assert ReportVersion.objects.get().status == ReportStatus.DONE


def test_the_daily_task_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"outcomes.request_due_board_report", "outcomes.sweep_board_reports"} <= tasks
    assert {"outcomes.request_due_board_report", "outcomes.sweep_board_reports"} <= set(app.tasks)
