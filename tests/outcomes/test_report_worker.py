"""The production path: the browser asks, a real Celery worker makes the PDF."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from outcomes.models import ReportStatus, ReportVersion
from outcomes.report.quarters import Quarter
from ppe.celery import app

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def report_worker():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a worker process cannot share SQLite's test database")
    database = connection.settings_dict
    queue = f"test-report-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ppe.settings.test",
        "REDIS_URL": settings.REDIS_URL,
        # The worker must read and write the test database, not the developer's.
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/"
            f"{database['NAME']}"
        ),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ppe", "worker", "--pool=solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    saved = (app.conf.task_always_eager, app.conf.task_routes)
    app.conf.task_always_eager = False
    app.conf.update(task_routes={"outcomes.generate_board_report": {"queue": queue}})
    try:
        yield process
    finally:
        app.conf.task_always_eager = saved[0]
        app.conf.update(task_routes=saved[1])
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_report_asked_for_in_the_browser_is_made_by_a_real_worker(report_worker, ppi_client):
    quarter = Quarter.last_ended(timezone.localdate())
    response = ppi_client.post(reverse("outcomes:report_request"), {"quarter": quarter.slug})
    assert response.status_code == 302
    deadline = time.monotonic() + 90
    version = ReportVersion.objects.get()
    while version.status in (ReportStatus.QUEUED, ReportStatus.RUNNING) and time.monotonic() < deadline:
        time.sleep(0.5)
        version.refresh_from_db()
    assert version.status == ReportStatus.DONE, version.error or report_worker.poll()
    assert ReportVersion.objects.count() == 1
    with version.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    page = ppi_client.get(response.url).content.decode()
    assert "Draft ready" in page and "Download the PDF" in page
