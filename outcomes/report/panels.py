"""Home-page panels for the Board report."""

from ppe import dashboard
from ppe.access import Role


def _board_context(request) -> dict:
    from outcomes.report.selectors import published_reports

    return {"published": published_reports()[:4]}


def _ppi_context(request) -> dict:
    from outcomes.report.selectors import latest_version

    return {"latest": latest_version()}


def register_all() -> None:
    dashboard.register(
        dashboard.Panel(Role.BOARD, "outcomes/report/panel_board.html", _board_context, order=10)
    )
    dashboard.register(
        dashboard.Panel(Role.PPI_TEAM, "outcomes/report/panel_ppi.html", _ppi_context, order=80)
    )
