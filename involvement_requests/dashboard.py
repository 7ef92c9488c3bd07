"""Home-page panels for involvement requests, registered in apps.ready()."""

from involvement_requests import selectors

PANEL_ROWS = 5


def qi_lead_panel(request) -> dict:
    mine = selectors.my_requests(request.user)
    return {
        "rows": selectors.request_rows(mine, mine.values_list("pk", flat=True)[:PANEL_ROWS]),
        "total": mine.count(),
    }


def ppi_team_panel(request) -> dict:
    counts = selectors.queue_counts()
    shown = ("new", "waiting", "overdue", "in_assessment")
    return {
        "queues": [{"key": key, "label": selectors.QUEUES[key][0], "count": counts[key]} for key in shown]
    }
