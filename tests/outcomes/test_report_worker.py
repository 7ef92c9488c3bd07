"""The production path: the browser asks, a real Celery worker makes the PDF."""

import subprocess
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import ReportStatus, ReportVersion
from outcomes.report.quarters import Quarter
from tests import workers

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def report_worker():
    queue = workers.new_queue("test-report")
    process = workers.start(
        queue, env=workers.database_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        with workers.routed("outcomes.generate_board_report", queue):
            yield process
    finally:
        workers.stop(process)


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
