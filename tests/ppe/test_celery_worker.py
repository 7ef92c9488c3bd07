"""A real Celery worker on REDIS_URL takes a task and answers: the production path."""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings

from ppe.celery import app
from ppe.tasks import ping

pytestmark = pytest.mark.worker


@pytest.fixture
def worker():
    # A queue of our own, so a developer's running worker cannot take the test's task.
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ppe.settings.test", "REDIS_URL": settings.REDIS_URL}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ppe",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        app.conf.task_always_eager = eager
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_real_worker_runs_a_queued_task_and_returns_its_answer(worker):
    token = uuid.uuid4().hex
    result = ping.apply_async(args=[token], queue=worker)
    answer = result.get(timeout=30)
    assert answer["token"] == token
    assert result.status == "SUCCESS"
