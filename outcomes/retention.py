"""What outcomes keeps no longer than needed: evaluation comments (free text)."""

import datetime

from django.utils import timezone

from ppe import retention


def _clear_old_evaluation_comments(cutoff: datetime.datetime) -> int:
    """Blank the free text of old evaluation forms and unlink the person; the scores stay,
    so the quarterly figures do not change."""
    from outcomes.models import EvaluationResponse

    return EvaluationResponse.objects.filter(
        submitted_on__lt=cutoff.date(), comments_cleared_at__isnull=True
    ).update(comments="", person=None, comments_cleared_at=timezone.now())


def register() -> None:
    retention.register(
        retention.RetentionRule(
            "evaluation comments",
            "evaluation_free_text",
            _clear_old_evaluation_comments,
            "Free-text comments on evaluation forms, and who wrote them; the scores are kept.",
        )
    )
