"""Shared steps for tests in other areas that need a request's outcomes in place."""

from outcomes import services
from outcomes.models import RequestOutcome
from tests.factories import ActivityFactory, PersonFactory, rung


def record_outcomes(request, *, by, rung_order: int = 4) -> None:
    """What a request needs before it can close: the rung achieved, what changed, and the
    "you said, we did" update sent to someone involved."""
    RequestOutcome.objects.update_or_create(
        request=request,
        defaults={"rung_achieved": rung(rung_order), "what_changed": "A new checklist.", "recorded_by": by},
    )
    activity = ActivityFactory()
    activity.requests.add(request)
    activity.attendees.add(PersonFactory())
    services.feedback_send(request=request, message="You said, we did.", by=by)
