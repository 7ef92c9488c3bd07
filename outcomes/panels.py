"""Home-page panel for outcomes: what the PPI team owes participants."""

from ppe import dashboard
from ppe.access import Role


def _ppi_context(request) -> dict:
    from django.utils import timezone

    from outcomes.models import Suggestion, SuggestionStatus
    from outcomes.report.quarters import Quarter
    from outcomes.selectors import feedback_owed

    quarter = Quarter.containing(timezone.localdate())
    return {
        "quarter": quarter,
        "new_suggestions": Suggestion.objects.filter(status=SuggestionStatus.NEW).count(),
        "feedback_owed": feedback_owed(quarter.start, quarter.end),
    }


def register_all() -> None:
    dashboard.register(dashboard.Panel(Role.PPI_TEAM, "outcomes/panel_ppi.html", _ppi_context, order=70))
