"""Real Celery worker processes for the worker tests: the command, an environment that
points the worker at the test database, and routing one task to the test's own queue
(so a developer's running worker cannot take it)."""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection

from ppe.celery import app


def new_queue(prefix: str = "test") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def start(queue: str, *extra_args: str, env: dict | None = None, **popen) -> subprocess.Popen:
    """A solo-pool worker taking only `queue`."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ppe", "worker", "--pool=solo", "-Q", queue, *extra_args,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
        cwd=settings.BASE_DIR,
        env=env or base_env(),
        **popen,
    )  # fmt: skip


def base_env(**extra) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ppe.settings.test",
        "REDIS_URL": settings.REDIS_URL,
        **extra,
    }


def database_env(**extra) -> dict:
    """For a worker that must read and write the test database, not the developer's."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a worker process cannot share SQLite's test database")
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/"
        f"{database['NAME']}"
    )
    return base_env(DATABASE_URL=url, **extra)


@contextmanager
def routed(task_name: str | None = None, queue: str | None = None):
    """Tasks are sent to the broker (not run in-process), `task_name` to `queue`."""
    saved = (app.conf.task_always_eager, app.conf.task_routes)
    app.conf.task_always_eager = False
    if task_name:
        app.conf.update(task_routes={task_name: {"queue": queue}})
    try:
        yield
    finally:
        app.conf.task_always_eager = saved[0]
        app.conf.update(task_routes=saved[1])


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
