"""The payments pages' tables of sessions and claims, their rows written here rather than by
the template engine: fifty rows took ~3.5 ms of lookups there and take a few tenths of a
millisecond here. The markup is the templates' own (_sessions_table.html and
_claims_table.html hold the rest of each table), and every value is escaped as the
templates' autoescaping would."""

from __future__ import annotations

from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from people_bank.models import display_name, staff_display_name
from people_bank.payments.models import ExpenseClaim, Session, session_paid_text, session_payment_tag
from people_bank.payments.rules import period_label
from ppe.formats import short_date
from ppe.links import row_url

KIND_LABELS = dict(Session.Kind.choices)
CLAIM_STATUS_LABELS = dict(ExpenseClaim.Status.choices)

_ROW = '<tr class="nhsuk-table__row">'
_CELL = '<td class="nhsuk-table__cell">'
_NUMBER = '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">'


def _links(url_name: str) -> tuple[str, str]:
    """The rows' link, reversed once for the table: what goes before and after each row's id."""
    before, after = row_url(url_name, "\0").split("\0")
    return escape(before), escape(after)


def _name_cell(row: tuple, with_person: bool) -> str:
    # A row with its person ends with their selectors.NAME_FIELDS.
    return f"{_CELL}{escape(display_name(*row[-4:]))}</td>" if with_person else ""


def session_rows(sessions, *, with_person: bool = False) -> SafeString:
    """<tr>s for rows of selectors.SESSION_ROW_VALUES (then the partner's name fields)."""
    before, after = _links("people_bank:payments:session_detail")
    rows = []
    for row in sessions:
        pk, held_on, kind, minutes, amount, method, within_cap, cancelled_at = row[:8]
        tag = session_payment_tag(cancelled=cancelled_at is not None, within_cap=within_cap, method=method)
        if tag:
            payment = f'<strong class="nhsuk-tag nhsuk-tag--{tag.colour}">{escape(tag.text)}</strong>'
        else:
            payment = escape(session_paid_text(method=method, amount=amount))
        rows.append(
            f'{_ROW}{_CELL}<a href="{before}{pk}{after}">{short_date(held_on)}</a></td>'
            f"{_name_cell(row, with_person)}{_CELL}{escape(KIND_LABELS.get(kind, kind))}</td>"
            f"{_CELL}{minutes} minutes</td>{_CELL}{payment}</td></tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped


def claim_rows(claims, *, with_person: bool = False) -> SafeString:
    """<tr>s for rows of selectors.CLAIM_ROW_VALUES (then the claimant's name fields)."""
    before, after = _links("people_bank:payments:claim_detail")
    rows = []
    for row in claims:
        pk, description, recorded_at, status, total = row[:5]
        rows.append(
            f'{_ROW}{_CELL}<a href="{before}{pk}{after}">{escape(description)}</a></td>'
            f"{_CELL}{short_date(recorded_at)}</td>{_name_cell(row, with_person)}"
            f"{_CELL}{escape(CLAIM_STATUS_LABELS.get(status, status))}</td>{_NUMBER}£{total:.2f}</td></tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped


def entry_rows(entries) -> SafeString:
    """<tr>s for a statement's payments: dicts of selectors.STATEMENT_ENTRY_FIELDS."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f"{_ROW}{_CELL}{short_date(e['occurred_on'])}</td>{_CELL}{escape(e['description'])}</td>"
            f"{_CELL}{period_label(e['period'])} payments</td>{_NUMBER}£{e['amount']}</td></tr>"
            for e in entries
        )
    )


def export_rows(exports) -> SafeString:
    """<tr>s for the months exported: rows of selectors.exports_list."""
    month_before, month_after = _links("people_bank:payments:month")
    file_before, file_after = _links("people_bank:payments:export_download")
    rows = []
    for period, exported_at, count, total, *by in exports:
        key, label = f"{period:%Y-%m}", period_label(period)
        at = timezone.localtime(exported_at)
        rows.append(
            f'{_ROW}{_CELL}<a href="{month_before}{key}{month_after}">{label}</a></td>'
            f"{_CELL}{short_date(at)} {at:%H:%M} by {escape(staff_display_name(*by, empty='None'))}</td>"
            f"{_NUMBER}{count}</td>{_NUMBER}£{total}</td>"
            f'{_CELL}<a href="{file_before}{key}{file_after}">Download CSV'
            f'<span class="nhsuk-u-visually-hidden"> for {label}</span></a></td></tr>'
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped
