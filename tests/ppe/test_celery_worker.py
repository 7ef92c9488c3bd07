"""A real Celery worker on REDIS_URL takes a task and answers: the production path."""

import subprocess
import uuid

import pytest

from ppe.tasks import ping
from tests import workers

pytestmark = pytest.mark.worker


@pytest.fixture
def worker():
    queue = workers.new_queue()
    process = workers.start(queue, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        with workers.routed():
            yield queue
    finally:
        workers.stop(process)


def test_a_real_worker_runs_a_queued_task_and_returns_its_answer(worker):
    token = uuid.uuid4().hex
    result = ping.apply_async(args=[token], queue=worker)
    answer = result.get(timeout=30)
    assert answer["token"] == token
    assert result.status == "SUCCESS"
