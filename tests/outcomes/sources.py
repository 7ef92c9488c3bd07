"""A stand-in for the owning apps' selectors, meeting the contract in
outcomes/report/figures.py, so the report pipeline is tested end to end before those apps
are merged. It reads real rows (services per CMG) so query counts are real too."""

from datetime import date

from django.db.models import Count

from people_bank.models import ClinicalManagementGroup


def sample_figures(start: date, end: date) -> dict:
    this_quarter = start.month == 4  # the tests report on a Q1 and compare with the Q4 before
    by_cmg = list(ClinicalManagementGroup.objects.annotate(n=Count("services")).order_by("name"))
    received = sum(cmg.n for cmg in by_cmg)
    return {
        "requests": {
            "figures": [
                {
                    "key": "requests_received",
                    "label": "Requests received",
                    "value": received,
                    "headline": True,
                }
            ],
            "tables": [
                {
                    "title": "Requests received by CMG",
                    "columns": ["CMG", "Received"],
                    "rows": [[cmg.name, cmg.n] for cmg in by_cmg],
                }
            ],
        },
        "ladder": {
            "ladder": [
                {"rung": "Informing", "position": 1, "planned": 4, "achieved": 2},
                {"rung": "Consulting", "position": 2, "planned": 3, "achieved": 3},
                {"rung": "Involving", "position": 3, "planned": 5, "achieved": 5},
                {"rung": "Collaborating", "position": 4, "planned": 6, "achieved": 4},
                {"rung": "Co-producing", "position": 5, "planned": 2, "achieved": 1},
            ]
        },
        "representation": {
            "equality": [
                {
                    "characteristic": "Ethnicity",
                    "groups": [
                        {"label": "White British", "count": 62, "reference_percent": "71.5"},
                        {"label": "Asian or Asian British", "count": 23, "reference_percent": "14.2"},
                        {"label": "Black or Black British", "count": 5, "reference_percent": "6.1"},
                        {"label": "Mixed", "count": 0, "reference_percent": "3.0"},
                        {"label": "Prefer not to say", "count": 9, "reference_percent": None},
                    ],
                }
            ]
        },
        "you_said_we_did": {
            "suggestions": {"received": 20, "actioned": 13}
            if this_quarter
            else {"received": 10, "actioned": 5}
        },
        "sessions_payments": {
            "figures": [
                {"key": "sessions_held", "label": "Paid sessions held", "value": 31 if this_quarter else 25},
                {
                    "key": "paid_to_partners",
                    "label": "Paid to Patient Partners",
                    "value": "620.00" if this_quarter else "500.00",
                    "unit": "money",
                    "headline": True,
                },
            ]
        },
        "exceptions": {"items": ["2 requests declined: no patient-facing change proposed"]},
    }
