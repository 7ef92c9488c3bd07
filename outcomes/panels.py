"""Home-page panel for outcomes: what the PPI team owes participants."""

from ppe import counts, dashboard
from ppe.access import Role


def _ppi_context(request) -> dict:
    from django.utils import timezone

    from outcomes.models import Suggestion, SuggestionStatus
    from outcomes.report.quarters import Quarter
    from outcomes.selectors import feedback_owed

    quarter = Quarter.containing(timezone.localdate())
    return {
        "quarter": quarter,
        "new_suggestions": counts.remember(
            "outcomes:new-suggestions",
            [Suggestion],
            lambda: Suggestion.objects.filter(status=SuggestionStatus.NEW).count(),
        ),
        "feedback_owed": feedback_owed(quarter.start, quarter.end),
    }


def _qi_context(request) -> dict:
    """The lead's own requests in evaluation, and what each still needs before it can close."""
    from outcomes.selectors import waiting_to_close

    return {"waiting": waiting_to_close(request.user, 5)}


def _board_context(request) -> dict:
    """The latest published case studies: what a Board member may read besides totals."""
    from outcomes.models import CaseStudy, CaseStudyStatus

    published = CaseStudy.objects.filter(status=CaseStudyStatus.PUBLISHED).order_by("-published_at", "-pk")
    return {"case_studies": list(published.only("pk", "title", "published_at")[:3])}


def register_all() -> None:
    dashboard.register(dashboard.Panel(Role.BOARD, "outcomes/panel_board.html", _board_context, order=70))
    dashboard.register(dashboard.Panel(Role.PPI_TEAM, "outcomes/panel_ppi.html", _ppi_context, order=70))
    dashboard.register(dashboard.Panel(Role.QI_LEAD, "outcomes/panel_qi.html", _qi_context, order=70))
