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


# --- Outcomes: evaluation forms and "you said, we did" updates ---


@shared_task(name="outcomes.send_due_evaluations")
def send_due_evaluations() -> dict:
    """Daily: queue the evaluation links for activities held before today and for projects
    that have reached evaluation. One task per activity or project, each safe to run twice."""
    from outcomes.services import evaluations_due
    from ppe.queue import enqueue

    due = evaluations_due(timezone.localdate())
    for activity_id in due["activities"]:
        enqueue(send_activity_evaluations, activity_id)
    for request_id in due["projects"]:
        enqueue(send_project_evaluations, request_id)
    return {name: len(ids) for name, ids in due.items()}


@shared_task(name="outcomes.send_activity_evaluations")
def send_activity_evaluations(activity_id: int) -> int:
    from outcomes.services import evaluations_send_for_activity

    return evaluations_send_for_activity(activity_id=activity_id)


@shared_task(name="outcomes.send_project_evaluations")
def send_project_evaluations(request_id: int) -> int:
    from outcomes.services import evaluations_send_for_project

    return evaluations_send_for_project(request_id=request_id)


@shared_task(name="outcomes.send_evaluation_reminders")
def send_evaluation_reminders() -> int:
    from outcomes.services import evaluation_reminders_send

    return evaluation_reminders_send()


@shared_task(name="outcomes.email_feedback_update")
def email_feedback_update(update_id: int) -> int:
    from outcomes.services import feedback_email

    return feedback_email(update_id=update_id)
