"""From each owning app's selector answer to the report's section parts (see figures.py).

Pure functions over plain values, written against the shapes those selectors return on
their branches, so wiring an app in at merge is one `Source(...)` line in figures.SOURCES.
Equality counts arrive raw and leave through the disclosure rule in figures.py."""

from __future__ import annotations

from decimal import Decimal


def _figure(key: str, label: str, value, unit: str = "count", headline: bool = False) -> dict:
    return {"key": key, "label": label, "value": value, "unit": unit, "headline": headline}


def _decimal_text(value) -> str | None:
    return None if value is None else str(Decimal(str(value)))


def people_bank_parts(figures: dict) -> dict:
    """people_bank.selectors.people_bank_figures(start, end)."""
    return {
        "people_bank": {
            "figures": [
                _figure("patient_partners", "Patient Partners in tenure", figures["partners"], headline=True),
                _figure("hospital_improvers", "Hospital Improvers", figures["improvers"], headline=True),
                _figure("organisations", "Partner organisations", figures["organisations"]),
                _figure("people_joined", "People who joined this quarter", figures["joiners"]),
                _figure("people_left", "People who left this quarter", figures["leavers"]),
            ]
        },
        "reviews_due": {
            "figures": [
                _figure(
                    "reviews_due", "Patient Partner reviews due in the next 90 days", figures["reviews_due"]
                ),
                _figure(
                    "tenure_ends",
                    "Patient Partner tenures ending in the next 90 days",
                    figures["tenure_ends"],
                ),
            ]
        },
    }


def representation_parts(rows_by_characteristic: dict) -> dict:
    """people_bank.selectors.representation(): rows with .label, .count (raw) and
    .reference (a percentage or None) per characteristic."""
    equality = []
    for characteristic, rows in rows_by_characteristic.items():
        groups = [
            {"label": row.label, "count": row.count, "reference_percent": _decimal_text(row.reference)}
            for row in rows
        ]
        if any(group["count"] for group in groups):
            equality.append(
                {"characteristic": characteristic.replace("_", " ").capitalize(), "groups": groups}
            )
    return {"representation": {"equality": equality}} if equality else {}


_DECISIONS = ["received", "assessed", "accepted", "declined"]


def _decision_table(title: str, rows: list[dict], name_key: str, column: str) -> dict:
    return {
        "title": title,
        "columns": [column, "Received", "Assessed", "Accepted", "Declined"],
        "rows": [[row[name_key] or "Not given", *(row[k] for k in _DECISIONS)] for row in rows],
    }


def requests_parts(figures: dict) -> dict:
    """involvement_requests.selectors.requests_figures(start, end)."""
    parts: dict = {}
    if figures["received"]:
        parts["requests"] = {
            "figures": [
                _figure("requests_received", "Requests received", figures["received"], headline=True),
                _figure("requests_assessed", "Requests assessed", figures["assessed"]),
                _figure("requests_accepted", "Requests accepted", figures["accepted"]),
                _figure("requests_declined", "Requests declined", figures["declined"]),
            ],
            "tables": [
                _decision_table(
                    "Requests by Clinical Management Group", figures["by_cmg"], "cmg__name", "CMG"
                ),
                _decision_table(
                    "Requests by Quality Strategy priority",
                    figures["by_priority"],
                    "priority__name",
                    "Priority",
                ),
            ],
        }
    days = _decimal_text(figures.get("average_days_to_assessment"))
    if days is not None:
        parts["assessment_time"] = {
            "figures": [
                _figure(
                    "days_to_assessment", "Average time from submission to assessment", days, "days", True
                )
            ]
        }
    spread = figures.get("rung_spread") or []
    if any(rung["planned"] or rung["achieved"] for rung in spread):
        parts["ladder"] = {
            "ladder": [
                {
                    "rung": r["rung"],
                    "position": r["order"],
                    "planned": r["planned"],
                    "achieved": r["achieved"],
                }
                for r in spread
            ]
        }
    exceptions = [
        (figures["declined"], "request declined", "requests declined"),
        (figures["overdue_assessments"], "assessment overdue", "assessments overdue"),
        (
            figures["without_involvement"],
            "project went ahead without involvement (declined or withdrawn)",
            "projects went ahead without involvement (declined or withdrawn)",
        ),
    ]
    items = [f"{n} {one if n == 1 else many}" for n, one, many in exceptions if n]
    if items:
        parts["exceptions"] = {"items": items}
    return parts
