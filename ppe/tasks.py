import logging
import socket

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="ppe.tasks.ping", ignore_result=False)
def ping(token: str) -> dict:
    """Answers with what it was sent and where it ran: proves a worker is taking work."""
    return {"token": token, "host": socket.gethostname()}


@shared_task(name="ppe.tasks.heartbeat")
def heartbeat() -> None:
    log.info("beat is running")


@shared_task(name="ppe.tasks.apply_retention")
def apply_retention() -> dict:
    from ppe import retention

    done = retention.apply_all()
    log.info("retention applied: %s", done)
    return done


@shared_task(name="ppe.tasks.resend_pending_tasks")
def resend_pending_tasks() -> int:
    """Sends the work kept while the broker was down (see ppe.queue)."""
    from ppe.queue import resend_pending

    sent = resend_pending()
    if sent:
        log.info("resent %s tasks kept while the broker was down", sent)
    return sent
