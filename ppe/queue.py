"""Queue Celery work without letting a broker outage break the page that asked for it.

The rows a user saved are committed before the task is sent, so when Redis is down the
right answer is to keep them, log loudly, and let the page finish. The task itself is not
lost either: it is written to the PendingTask table, and the `resend_pending_tasks` beat
task sends it once the broker answers again."""

import logging

from django.db import DatabaseError, transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

BROKER_ERRORS = (BrokerError, RedisError, ConnectionError, OSError)


def _send(task, args, kwargs) -> None:
    task.apply_async(args=list(args), kwargs=kwargs, retry=False)


def enqueue(task, *args, **kwargs) -> bool:
    """Send `task` now; False when the broker cannot be reached (the task is kept to resend)."""
    try:
        _send(task, args, kwargs)
    except BROKER_ERRORS as exc:
        log.error("could not queue %s%r: broker unavailable (%s); kept to resend", task.name, args, exc)
        _keep(task.name, args, kwargs, exc)
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send `task` once the current transaction commits, never before the rows it reads exist."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))


def _keep(name: str, args, kwargs, exc: Exception) -> None:
    from ppe.models import PendingTask

    try:
        PendingTask.objects.create(task=name, args=list(args), kwargs=kwargs, last_error=str(exc)[:300])
    except DatabaseError:
        log.exception("could not keep %s%r to resend: it is lost", name, args)


def resend_pending(limit: int = 500) -> int:
    """Send what was kept while the broker was down, oldest first; stop at the first failure."""
    from celery import current_app

    from ppe.models import PendingTask

    sent = 0
    for pending in PendingTask.objects.all()[:limit]:
        with transaction.atomic():
            row = PendingTask.objects.select_for_update(skip_locked=True).filter(pk=pending.pk).first()
            if row is None:
                continue
            try:
                _send(current_app.tasks[row.task], row.args, row.kwargs)
            except BROKER_ERRORS as exc:
                row.attempts += 1
                row.last_error = str(exc)[:300]
                row.save(update_fields=["attempts", "last_error"])
                log.warning("broker still unavailable: %s tasks wait", PendingTask.objects.count())
                return sent
            except KeyError:
                log.error("pending task %s names no known task: dropped", row.task)
            row.delete()
            sent += 1
    return sent
