"""Thin Celery tasks: each takes ids, and calls a service that is safe to run twice."""

import datetime

from celery import shared_task

from involvement_requests import services


@shared_task(name="involvement_requests.tasks.notify_status_change")
def notify_status_change(change_id: int) -> int:
    return services.status_change_notify(change_id=change_id)


@shared_task(name="involvement_requests.tasks.send_opportunities_digest")
def send_opportunities_digest() -> int:
    return services.bulletin_digest_send()


@shared_task(name="involvement_requests.tasks.send_invitation")
def send_invitation(invitation_id: int) -> int:
    return services.invitation_send(invitation_id=invitation_id)


@shared_task(name="involvement_requests.tasks.send_invitation_reminder")
def send_invitation_reminder(invitation_id: int, asked_at: str) -> int:
    return services.invitation_remind(
        invitation_id=invitation_id, asked_at=datetime.datetime.fromisoformat(asked_at)
    )


@shared_task(name="involvement_requests.tasks.send_invitation_reminders")
def send_invitation_reminders() -> int:
    return services.invitation_reminders_send()


@shared_task(name="involvement_requests.tasks.send_organisation_invitation")
def send_organisation_invitation(invitation_id: int) -> int:
    return services.organisation_invitation_send(invitation_id=invitation_id)
