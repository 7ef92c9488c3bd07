"""What outcomes holds about a person, for the People Bank's subject access export and
erasure (registered in OutcomesConfig.ready)."""

from people_bank.personal_data import Holder, register

ERASED = "(erased)"


def export(person) -> dict:
    from outcomes.models import EvaluationResponse, FeedbackDelivery, Suggestion

    return {
        "activities_attended": [
            {"activity": a.title, "held_on": a.held_on.isoformat(), "type": a.get_kind_display()}
            for a in person.activities.order_by("held_on", "id")
        ],
        "suggestions_made": [
            {
                "received_on": s.received_on.isoformat(),
                "theme": s.theme,
                "text": s.text,
                "status": s.get_status_display(),
            }
            for s in Suggestion.objects.filter(said_by=person).order_by("received_on", "id")
        ],
        "evaluations_given": [
            {
                "submitted_on": e.submitted_on.isoformat(),
                "informed": e.informed,
                "heard": e.heard,
                "valued": e.valued,
                "difference": e.difference,
                "comments": e.comments,
            }
            for e in EvaluationResponse.objects.filter(person=person).order_by("submitted_on", "id")
        ],
        "feedback_sent": [
            {"channel": d.get_channel_display(), "sent_at": d.sent_at.isoformat() if d.sent_at else None}
            for d in FeedbackDelivery.objects.filter(person=person).order_by("id")
        ],
    }


def erase(person) -> None:
    """Their own words go; the scores, counts and the fact that something was said stay."""
    from outcomes.models import EvaluationResponse, Suggestion

    EvaluationResponse.objects.filter(person=person).update(comments="", person=None)
    Suggestion.objects.filter(said_by=person).update(said_by=None, said_by_group="A member of the public")


def register_holder() -> None:
    register(Holder("outcomes", export, erase))
