"""The People Bank's panel on the PPI team's home page."""

from django.utils import timezone

from ppe import counts, dashboard
from ppe.access import Role


def ppi_panel(request) -> dict:
    from people_bank import selectors

    # Only the columns the panel shows: the names of the people and organisations.
    names = ("person__first_name", "person__preferred_name", "person__last_name", "person__erased_at")
    follow_ups = selectors.overdue_follow_ups(request.user).only(
        "follow_up", "follow_up_due", "person_id", "organisation_id", *names, "organisation__name"
    )
    reminders = selectors.recent_reminders(days=7).only(
        "kind", "due_on", "partner__person_id", *(f"partner__{name}" for name in names)
    )
    return {
        **_kept_counts(),
        "follow_ups": list(follow_ups[:10]),
        "reminders": list(reminders[:10]),
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
