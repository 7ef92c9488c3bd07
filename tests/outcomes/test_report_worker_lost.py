"""A worker killed in the middle of a report: the broker hands the job to another worker,
which takes the running version over, and exactly one version results."""

import signal
import subprocess
import time

import pytest
from django.utils import timezone

from outcomes.models import ReportStatus, ReportStatusChange, ReportVersion
from outcomes.report.quarters import Quarter
from outcomes.report.services import report_request
from tests import workers

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def start_worker(tmp_path):
    queue = workers.new_queue("test-lost")
    env = workers.database_env(
        # Hand a dead worker's job on after 2 s rather than the production half hour.
        CELERY_VISIBILITY_TIMEOUT="2",
        PPE_SLOW_RENDER_MARKER=str(tmp_path / "slowed"),
    )
    processes = []

    def start():
        process = workers.start(
            queue, "--include", "tests.outcomes.slow_render", env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        processes.append(process)
        return process

    try:
        with workers.routed("outcomes.generate_board_report", queue):
            yield start
    finally:
        for process in processes:
            workers.stop(process)


def _wait_for(version: ReportVersion, statuses: set[str], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while version.status not in statuses and time.monotonic() < deadline:
        time.sleep(0.25)
        version.refresh_from_db()


def test_a_report_whose_worker_is_killed_is_made_once_by_the_next_worker(start_worker):
    first = start_worker()
    version = report_request(quarter=Quarter.last_ended(timezone.localdate()), by=None)
    _wait_for(version, {ReportStatus.RUNNING}, 60)
    assert version.status == ReportStatus.RUNNING

    first.send_signal(signal.SIGKILL)  # no warm shutdown: the job is neither acked nor failed
    first.wait(timeout=10)
    version.refresh_from_db()
    assert version.status == ReportStatus.RUNNING

    start_worker()
    _wait_for(version, {ReportStatus.DONE, ReportStatus.FAILED}, 90)
    assert version.status == ReportStatus.DONE, version.error
    assert ReportVersion.objects.count() == 1
    assert ReportStatusChange.objects.filter(version=version, note="worker lost: started again").count() == 1
    with version.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
