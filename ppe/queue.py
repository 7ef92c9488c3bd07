"""Queue Celery work without letting a broker outage break the page that asked for it.

The rows a user saved are committed before the task is sent, so when Redis is down the
right answer is to keep them, log loudly, and let the page finish; work that must not be
lost (Board reports) keeps its own queued state and is swept up when the broker is back."""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> bool:
    """Send `task` now; False (and an error in the log) when the broker cannot be reached."""
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except (BrokerError, RedisError, ConnectionError, OSError) as exc:
        log.error("could not queue %s%r: broker unavailable (%s)", task.name, args, exc)
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send `task` once the current transaction commits, never before the rows it reads exist."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))
