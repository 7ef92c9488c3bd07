"""The People Bank's panel on the PPI team's home page."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from people_bank.models import display_name
from ppe import counts, dashboard
from ppe.access import Role
from ppe.compiled import compiled_once
from ppe.formats import short_date
from ppe.links import row_url


def ppi_panel(request) -> dict:
    from people_bank import selectors

    names = ("person__first_name", "person__preferred_name", "person__last_name", "person__erased_at")
    today = timezone.localdate()
    reminders = selectors.recent_reminders(days=7).only(
        "kind", "due_on", "partner__person_id", *(f"partner__{name}" for name in names)
    )
    return {
        **_kept_counts(),
        "follow_ups": [_follow_up_line(row) for row in _overdue_follow_ups(request.user.pk, today=today)],
        "reminders": [
            {
                "link": row_url("people_bank:person_detail", r.partner.person_id),
                "name": r.partner.person.display_name,
                "kind": r.get_kind_display().lower(),
                "due": short_date(r.due_on),
            }
            for r in reminders[:10]
        ],
    }


@compiled_once
def _overdue_follow_ups(staff_id: int, *, today: datetime.date) -> QuerySet:
    """The ten follow-ups most overdue of a staff member, only the columns the panel shows
    (compiled once per process and day)."""
    from people_bank import selectors

    return selectors.overdue_follow_ups(staff_id, today).values(
        "pk",
        "follow_up",
        "follow_up_due",
        "person_id",
        "organisation_id",
        "person__first_name",
        "person__preferred_name",
        "person__last_name",
        "person__erased_at",
        "organisation__name",
    )[:10]


def _follow_up_line(row: dict) -> dict:
    """One overdue follow-up as the panel shows it: who (a person or an organisation),
    what, when it was due, and where "Done" posts."""
    if row["person_id"]:
        link = row_url("people_bank:person_detail", row["person_id"])
        name = display_name(
            row["person__first_name"],
            row["person__last_name"],
            row["person__preferred_name"],
            row["person__erased_at"],
        )
    else:
        link = row_url("people_bank:organisation_detail", row["organisation_id"])
        name = row["organisation__name"]
    return {
        "link": link,
        "name": name,
        "follow_up": row["follow_up"],
        "due": short_date(row["follow_up_due"]),
        "done": row_url("people_bank:follow_up_done", row["pk"]),
    }


def _kept_counts() -> dict:
    """The panel's two whole-bank counts, kept until a partner, an improver or a person
    changes (and, for what falls due, until the day changes)."""
    from people_bank import selectors
    from people_bank.models import HospitalImprover, PatientPartner, Person

    today = timezone.localdate()
    return counts.remember(
        f"people_bank:panel:{today}",
        [HospitalImprover, PatientPartner, Person],
        lambda: {
            "due_count": selectors.reviews_and_tenure_ends_due_count(today),
            "awaiting": selectors.improvers_awaiting_confirmation().count(),
        },
    )


def register_panels() -> None:
    from people_bank.models import HospitalImprover, PatientPartner, Person

    counts.watch(HospitalImprover, PatientPartner, Person)
    dashboard.register(
        dashboard.Panel(
            role=Role.PPI_TEAM, template="people_bank/panels/ppi.html", context=ppi_panel, order=10
        )
    )
