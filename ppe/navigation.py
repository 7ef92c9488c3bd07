"""The header navigation: each link shows only to users whose role may open it."""

from dataclasses import dataclass
from functools import lru_cache

from ppe.access import allows, is_superuser, roles_of
from ppe.links import page_url, urlconf_and_prefix


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str


# Feature apps add their entries here as they arrive, in the order the header shows them.
ITEMS: list[NavItem] = [
    NavItem("Home", "home", "dashboard.view"),
    # Patient Involvement Requests: the queue for the PPI team, "my requests" for QI leads.
    NavItem("Requests", "involvement_requests:list", "requests.view_own"),
    # People Bank
    NavItem("People", "people_bank:person_list", "people.view"),
    NavItem("Organisations", "people_bank:organisation_list", "people.view"),
    # Payments: sessions, expenses and the finance export.
    NavItem("Payments", "people_bank:payments:index", "payments.manage"),
    # Outcomes: activities for the PPI team; the outcomes framework for all staff.
    NavItem("Activities", "outcomes:activity_list", "outcomes.manage"),
    NavItem("Outcomes", "outcomes:outcomes_page", "outcomes.view"),
    NavItem("Board reports", "outcomes:report_index", "reports.view_published"),
    NavItem("Audit log", "audit_log", "audit.view"),
]


def items_for(user) -> tuple[dict, ...]:
    """The links a user's roles may open. Every page asks; users with the same roles see
    the same menu, so each menu is worked out once per process."""
    return _menu(roles_of(user), is_superuser(user), *urlconf_and_prefix())


@lru_cache(maxsize=64)
def _menu(roles: frozenset, superuser: bool, urlconf: str, prefix: str) -> tuple[dict, ...]:
    links = []
    for item in ITEMS:
        if not allows(roles, item.permission, superuser=superuser):
            continue
        url = page_url(item.url_name)
        if url is not None:
            links.append({"label": item.label, "url": url})
    return tuple(links)
