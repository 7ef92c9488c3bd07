"""What requests hold about a person (allocations, invitations), for the People Bank's
subject access export. Nothing here identifies them beyond the link to their record, which
erasure anonymises, so erasing needs nothing more."""

from people_bank.personal_data import Holder, register


def export(person) -> dict:
    return {
        "allocations": [
            {
                "request": str(a.request),
                "role": a.get_role_display(),
                "from": a.starts_on.isoformat(),
                "to": a.ends_on.isoformat(),
            }
            for a in person.allocations.select_related("request").order_by("starts_on", "id")
        ],
        "invitations": [
            {"request": str(i.request), "status": i.get_status_display(), "sent_at": _iso(i.sent_at)}
            for i in person.invitations.select_related("request").order_by("id")
        ],
    }


def _iso(value):
    return value.isoformat() if value else None


def register_holder() -> None:
    register(Holder("involvement requests", export, lambda person: None))
