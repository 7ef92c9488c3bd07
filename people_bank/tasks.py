from celery import shared_task
from django.utils import timezone

from people_bank import services


@shared_task(name="people_bank.tasks.send_tenure_reminders", acks_late=True)
def send_tenure_reminders() -> int:
    """Daily: remind the PPI team of Patient Partner reviews and tenure ends (safe to rerun)."""
    return len(services.reminders_send(today=timezone.localdate()))
