"""The People Bank's panel on the PPI team's home page."""

from django.utils import timezone

from ppe import counts, dashboard
from ppe.access import Role
from ppe.formats import short_date
from ppe.links import row_url


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
        "follow_ups": [_follow_up_line(c) for c in follow_ups[:10]],
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


def _follow_up_line(conversation) -> dict:
    """One overdue follow-up as the panel shows it: who (a person or an organisation),
    what, when it was due, and where "Done" posts."""
    if conversation.person:
        link = row_url("people_bank:person_detail", conversation.person_id)
        name = conversation.person.display_name
    else:
        link = row_url("people_bank:organisation_detail", conversation.organisation_id)
        name = conversation.organisation.name
    return {
        "link": link,
        "name": name,
        "follow_up": conversation.follow_up,
        "due": short_date(conversation.follow_up_due),
        "done": row_url("people_bank:follow_up_done", conversation.pk),
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
