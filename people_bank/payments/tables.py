"""The payments pages' tables of sessions, claims and exports: each row's values as its row
template shows them (_session_rows.jinja, _claim_rows.jinja, _export_rows.jinja, drawn by
ppe.rows), worked out here where they take the payments rules or a lookup of a label. The
templates write the markup and escape every value."""

from __future__ import annotations

from people_bank.models import display_name, staff_display_name
from people_bank.payments.models import ExpenseClaim, Session, session_paid_text, session_payment_tag
from people_bank.payments.rules import period_label
from ppe.formats import local, short_date

KIND_LABELS = dict(Session.Kind.choices)
CLAIM_STATUS_LABELS = dict(ExpenseClaim.Status.choices)


def _name(row: tuple, with_person: bool) -> str | None:
    # A row with its person ends with their selectors.NAME_FIELDS.
    return display_name(*row[-4:]) if with_person else None


def session_rows(sessions, *, with_person: bool = False) -> list[tuple]:
    """From rows of selectors.SESSION_ROW_VALUES (then the partner's name fields): (pk,
    held on, partner's name or None, type, minutes, payment tag or None, what was paid)."""
    rows = []
    for row in sessions:
        pk, held_on, kind, minutes, amount, method, within_cap, cancelled_at = row[:8]
        tag = session_payment_tag(cancelled=cancelled_at is not None, within_cap=within_cap, method=method)
        paid = "" if tag else session_paid_text(method=method, amount=amount)
        rows.append((pk, held_on, _name(row, with_person), KIND_LABELS.get(kind, kind), minutes, tag, paid))
    return rows


def claim_rows(claims, *, with_person: bool = False) -> list[tuple]:
    """From rows of selectors.CLAIM_ROW_VALUES (then the claimant's name fields): (pk, what
    for, recorded at, claimant's name or None, status, total)."""
    rows = []
    for row in claims:
        pk, description, recorded_at, status, total = row[:5]
        status = CLAIM_STATUS_LABELS.get(status, status)
        rows.append((pk, description, recorded_at, _name(row, with_person), status, total))
    return rows


def export_rows(exports) -> list[tuple]:
    """From rows of selectors.exports_list: (month's key, month, when exported, by whom,
    payments, total)."""
    rows = []
    for period, exported_at, count, total, *by in exports:
        at = local(exported_at)
        when = f"{short_date(at)} {at:%H:%M}"
        by_name = staff_display_name(*by, empty="None")
        rows.append((f"{period:%Y-%m}", period_label(period), when, by_name, count, total))
    return rows
