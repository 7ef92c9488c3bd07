"""How long the People Bank keeps what identifies people, registered in ppe.retention.

Rows stay so that every count (people by status, applications by outcome, conversations
logged) still adds up; what is removed is whatever identifies someone or tells their story.
Periods are settings (RETENTION_DAYS); the README lists the defaults and why."""

import datetime

from django.db.models import Max, OuterRef, Q, Subquery

from ppe.retention import RetentionRule, register

ERASED_TEXT = "(removed: past its retention period)"


def erase_people_who_left(cutoff: datetime.datetime) -> int:
    from people_bank.models import Person, PersonStatusChange

    left_at = (
        PersonStatusChange.objects.filter(person=OuterRef("pk"), to_status=Person.Status.LEFT)
        .values("person")
        .annotate(last=Max("at"))
        .values("last")
    )
    due = Person.objects.filter(status=Person.Status.LEFT, erased_at__isnull=True).annotate(
        left_at=Subquery(left_at)
    )
    return _erase_each(due.filter(Q(left_at__lt=cutoff) | Q(left_at__isnull=True, updated_at__lt=cutoff)))


def erase_unconfirmed_sign_ups(cutoff: datetime.datetime) -> int:
    from people_bank.models import Person

    due = Person.objects.filter(
        erased_at__isnull=True,
        hospital_improver__confirmed_at__isnull=True,
        hospital_improver__signed_up_at__lt=cutoff,
        patient_partner__isnull=True,
    )
    return _erase_each(due)


def _erase_each(people) -> int:
    """Erase each person through the one erasure service (which also reaches what requests
    and outcomes hold about them); returns how many."""
    from people_bank.services import person_erase

    count = 0
    for person in people.iterator(chunk_size=500):
        person_erase(person=person, by=None)
        count += 1
    return count


def clear_closed_applications(cutoff: datetime.datetime) -> int:
    from people_bank.models import Application

    closed = [Application.Status.NOT_APPOINTED, Application.Status.WITHDRAWN]
    return (
        Application.objects.filter(status__in=closed, submitted_at__lt=cutoff)
        .exclude(why=ERASED_TEXT)
        .update(why=ERASED_TEXT, experience="")
    )


def clear_old_conversation_notes(cutoff: datetime.datetime) -> int:
    from people_bank.models import Conversation

    return (
        Conversation.objects.filter(happened_at__lt=cutoff)
        .exclude(summary=ERASED_TEXT)
        .update(summary=ERASED_TEXT, insight="", follow_up="")
    )


def register_rules() -> None:
    register(
        RetentionRule(
            "people who left",
            "people_left",
            erase_people_who_left,
            "People who left the People Bank are anonymised (name, contact details, access "
            "needs, equality answers, notes); their rows stay so counts and payments add up.",
        )
    )
    register(
        RetentionRule(
            "unconfirmed sign-ups",
            "unconfirmed_sign_ups",
            erase_unconfirmed_sign_ups,
            "Hospital Improver sign-ups the PPI team never confirmed are anonymised.",
        )
    )
    register(
        RetentionRule(
            "closed applications",
            "closed_applications",
            clear_closed_applications,
            "What unsuccessful or withdrawn applicants wrote is removed; the outcome is kept.",
        )
    )
    register(
        RetentionRule(
            "conversation notes",
            "conversation_notes",
            clear_old_conversation_notes,
            "What was said in logged conversations is removed; the date and channel are kept.",
        )
    )
