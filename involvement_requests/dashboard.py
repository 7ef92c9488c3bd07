"""Home-page panels for involvement requests, registered in apps.ready()."""

from involvement_requests import selectors

PANEL_ROWS = 5


def qi_lead_panel(request) -> dict:
    rows, total = selectors.newest_request_rows(request.user, PANEL_ROWS)
    return {"rows": rows, "total": total}


def ppi_team_panel(request) -> dict:
    counts = selectors.queue_counts()
    shown = ("new", "waiting", "overdue", "in_assessment")
    return {
        "queues": [{"key": key, "label": selectors.QUEUES[key][0], "count": counts[key]} for key in shown]
    }
