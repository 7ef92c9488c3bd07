"""The People Bank's panel on the PPI team's home page."""

from ppe import dashboard
from ppe.access import Role


def ppi_panel(request) -> dict:
    from people_bank import selectors

    return {
        "due": selectors.reviews_and_tenure_ends_due(limit=5),
        "due_count": selectors.reviews_and_tenure_ends_due_count(),
        "follow_ups": list(selectors.overdue_follow_ups(request.user)[:10]),
        "awaiting": selectors.improvers_awaiting_confirmation().count(),
        "reminders": list(selectors.recent_reminders(days=7)[:10]),
    }


def register_panels() -> None:
    dashboard.register(
        dashboard.Panel(
            role=Role.PPI_TEAM, template="people_bank/panels/ppi.html", context=ppi_panel, order=10
        )
    )
