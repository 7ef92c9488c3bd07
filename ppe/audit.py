"""Write the audit trail: `audit.record(request, "view", person, detail="equality")`."""

from __future__ import annotations

from django.db import connection, models

from ppe.models import AuditEvent

Action = AuditEvent.Action


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    request,
    action: str,
    subject: models.Model | None = None,
    *,
    subject_type: str = "",
    subject_id: str | int = "",
    detail: str = "",
    user=None,
) -> AuditEvent:
    """Record one event. Pass the request in a view; pass `user` from a task or service."""
    actor = user if user is not None else getattr(request, "user", None)
    if actor is not None and not actor.is_authenticated:
        actor = None
    if subject is not None:
        subject_type = subject._meta.label_lower
        subject_id = subject.pk
    event = AuditEvent(
        user=actor,
        username=actor.get_username() if actor else "",
        action=Action(action),
        subject_type=subject_type,
        subject_id=str(subject_id),
        detail=detail[:200],
        ip_address=_client_ip(request),
    )
    if event.action == Action.VIEW and connection.vendor == "postgresql" and not connection.in_atomic_block:
        _insert_without_waiting_for_the_disk(event)
    else:
        event.save(force_insert=True)
    return event


def _insert_without_waiting_for_the_disk(event: AuditEvent) -> None:
    """A page view's record on its own, committed without waiting for the disk to flush
    (PostgreSQL's asynchronous commit), which otherwise held every audited page ~3 ms.
    Only a crash of the database server itself can lose such a record, and only one from
    its last fraction of a second; a change is recorded with the change.

    One statement, as the ORM's insert is: the setting is made for this statement's own
    transaction (set_config's `true`) in a CTE the insert reads, and each value is cast to
    its column's type as the ORM would have sent it."""
    meta = event._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    values = [field.get_db_prep_save(field.pre_save(event, True), connection) for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    typed = ", ".join(f"%s::{field.db_type(connection)}" for field in fields)
    # Names and types from the model's own metadata; every value is a parameter.
    sql = f"""WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true))
        INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {typed} FROM relaxed
        RETURNING {quote(meta.pk.column)}"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        event.pk = cursor.fetchone()[0]
    event._state.adding = False
