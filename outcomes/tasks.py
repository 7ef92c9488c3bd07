"""Thin Celery tasks for the Board report: each loads ids and calls a service."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="outcomes.generate_board_report", bind=True)
def generate_board_report(self, version_id: int) -> str | None:
    from outcomes.report.services import report_generate

    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    version = report_generate(version_id=version_id, redelivered=redelivered)
    return version.status if version else None


@shared_task(name="outcomes.request_due_board_report")
def request_due_board_report() -> str | None:
    from outcomes.report.services import report_request_if_due

    version = report_request_if_due(today=timezone.localdate())
    return str(version) if version else None


@shared_task(name="outcomes.sweep_board_reports")
def sweep_board_reports() -> dict:
    from outcomes.report.services import report_sweep

    return report_sweep()


@shared_task(name="outcomes.email_board_report_published")
def email_board_report_published(version_id: int) -> int:
    from outcomes.report.notify import email_board_members

    return email_board_members(version_id=version_id)
