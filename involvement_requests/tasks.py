"""Thin Celery tasks: each takes ids, and calls a service that is safe to run twice."""

from celery import shared_task

from involvement_requests import services


@shared_task(name="involvement_requests.tasks.notify_status_change")
def notify_status_change(change_id: int) -> int:
    return services.status_change_notify(change_id=change_id)


@shared_task(name="involvement_requests.tasks.send_opportunities_digest")
def send_opportunities_digest() -> int:
    return services.bulletin_digest_send()
