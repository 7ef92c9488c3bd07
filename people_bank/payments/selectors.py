"""Every read of sessions, payments and expenses that matters, in a fixed number of queries.

Other apps use two of them: `payable_session_counts` (matching: who still has paid
sessions left this month) and `payments_figures` (the Board report: totals, no names).
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from people_bank.models import Person, display_name, staff_display_name
from people_bank.payments import rules
from people_bank.payments.models import (
    ExpenseClaim,
    FinanceExport,
    LedgerEntry,
    MileageRate,
    PaymentChoice,
    PaymentMethod,
    Session,
    SessionalRate,
)
from ppe import counts
from ppe.compiled import Varying, compiled_once, compiled_varying, compiled_without_id
from ppe.exports import formula_safe

ZERO = Decimal("0.00")
# What a table needs to show a person's name (Person.display_name), and no more.
NAME_FIELDS = ("first_name", "last_name", "preferred_name", "erased_at")
# And a member of staff's (models.staff_display_name).
STAFF_NAME_FIELDS = ("first_name", "last_name", "username")
# What a table of sessions shows (_sessions_table.html and the statement).
SESSION_ROW_FIELDS = ("held_on", "kind", "minutes", "amount", "method", "within_cap", "cancelled_at")
# The same as values, in the order tables.session_rows reads them; and a table of claims's.
SESSION_ROW_VALUES = ("pk", *SESSION_ROW_FIELDS)
CLAIM_ROW_VALUES = ("pk", "description", "recorded_at", "status", "total")
# A statement's payments: what its tables show and its totals add up.
STATEMENT_ENTRY_FIELDS = ("occurred_on", "description", "period", "amount", "kind", "taxable")
EXPORT_COLUMNS = ["Payee reference", "Name", "Type", "Date", "Description", "Payment method", "Amount"]


def payee_reference(person_id: int) -> str:
    return f"PPI-{person_id:06d}"


# --- For other apps -------------------------------------------------------------------------


def _paid_sessions_in_month(start: datetime.date):
    return Session.objects.filter(
        held_on__gte=start, held_on__lt=rules.next_month(start), amount__gt=0, cancelled_at__isnull=True
    )


def payable_session_counts(person_ids, year: int, month: int) -> dict[int, int]:
    """Paid sessions each person has in that calendar month (people with none are 0)."""
    start = datetime.date(year, month, 1)
    counts = dict(
        _paid_sessions_in_month(start)
        .filter(person_id__in=list(person_ids))
        .values_list("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )
    return {pk: counts.get(pk, 0) for pk in person_ids}


def payments_figures(start: datetime.date, end: datetime.date) -> dict:
    """Totals for the Board report, both dates inclusive. No names, no per-person rows."""
    sessions = Session.objects.filter(
        held_on__gte=start, held_on__lte=end, cancelled_at__isnull=True
    ).aggregate(held=Count("id"), partners=Count("person", distinct=True))
    money = LedgerEntry.objects.filter(occurred_on__gte=start, occurred_on__lte=end).aggregate(
        sessions=Sum("amount", filter=Q(kind=LedgerEntry.Kind.SESSION)),
        expenses=Sum("amount", filter=Q(kind=LedgerEntry.Kind.EXPENSE)),
    )
    return {
        "sessions_payments": {
            "figures": [
                {"key": "sessions_held", "label": "Sessions held", "value": sessions["held"]},
                {
                    "key": "partners_with_sessions",
                    "label": "Patient Partners who attended sessions",
                    "value": sessions["partners"],
                },
                {
                    "key": "paid_to_partners",
                    "label": "Paid to partners",
                    "value": str(rules.money(money["sessions"] or ZERO)),
                    "unit": "money",
                    "headline": True,
                },
                {
                    "key": "expenses_paid",
                    "label": "Expenses repaid",
                    "value": str(rules.money(money["expenses"] or ZERO)),
                    "unit": "money",
                },
            ]
        }
    }


# --- Pages ----------------------------------------------------------------------------------


def current_rates(day: datetime.date) -> dict:
    """The rates on `day` (each model's order is newest first), kept until a rate changes:
    most payments pages show one."""

    def compute() -> dict:
        return {
            "sessional": SessionalRate.objects.filter(effective_from__lte=day).first(),
            "mileage": MileageRate.objects.filter(effective_from__lte=day).first(),
        }

    return counts.remember(f"payments-rates:{day.isoformat()}", [SessionalRate, MileageRate], compute)


def partners_for_sessions(today: datetime.date):
    """Patient Partners a session may be recorded for: those in post, and those whose tenure
    ended in the last year (a late record). The service checks the session's own date."""
    return (
        Person.objects.filter(
            erased_at__isnull=True,
            patient_partner__started_on__lte=today,
            patient_partner__tenure_ends_on__gte=today - datetime.timedelta(days=365),
        )
        .select_related("patient_partner")
        .order_by("last_name", "first_name", "id")
    )


class Payee(NamedTuple):
    """Who a payments page (their payments, their statement) is about, as it names them."""

    pk: int
    display_name: str
    is_partner: bool


@compiled_once
def _payee(person_id: int) -> QuerySet:
    return Person.objects.filter(pk=person_id).values(*NAME_FIELDS, "patient_partner")


def payee(pk: int) -> Payee | None:
    """The person with this id as their payments pages show them, or None: read by SQL
    worked out once, where loading the whole person cost more than the page's tables."""
    found = _payee(pk)
    if not found:
        return None
    row = found[0]
    return Payee(pk, display_name(*(row[f] for f in NAME_FIELDS)), row["patient_partner"] is not None)


@dataclass
class PersonSummary:
    tax_year: tuple[datetime.date, datetime.date]
    tax_year_total: Decimal
    month_paid_sessions: int
    monthly_cap: int | None
    method: str
    method_label: str
    # Newest first: (applies from, choice, note, recorded at, recorded by), for _choice_rows.jinja.
    choices: list[tuple] = field(default_factory=list)


@compiled_once
def _summary_figures(person_id: int, *, start: datetime.date, end: datetime.date, month: datetime.date):
    """The taxable total between the dates and the paid sessions in the month, one query."""
    taxable = LedgerEntry.objects.filter(
        person=OuterRef("pk"), taxable=True, occurred_on__gte=start, occurred_on__lte=end
    )
    paid = _paid_sessions_in_month(month).filter(person=OuterRef("pk"))
    return Person.objects.filter(pk=person_id).values(
        total=Subquery(taxable.order_by().values("person").annotate(total=Sum("amount")).values("total")),
        paid=Subquery(paid.order_by().values("person").annotate(n=Count("id")).values("n")),
    )


@compiled_once
def _person_choices(person_id: int, *, limit: int) -> QuerySet:
    return PaymentChoice.objects.filter(person_id=person_id).values(
        "effective_from", "method", "note", "recorded_at", *(f"recorded_by__{f}" for f in STAFF_NAME_FIELDS)
    )[:limit]


def person_summary(person: Person | Payee, today: datetime.date | None = None) -> PersonSummary:
    """What the person page's payments panel shows, in two queries (the rate is kept): the
    figures' SQL is worked out once a day, as building it costs more than running it."""
    today = today or timezone.localdate()
    start, end = rules.tax_year(today)
    figures = _summary_figures(person.pk, start=start, end=end, month=rules.month_start(today))
    total, paid = (figures[0]["total"], figures[0]["paid"] or 0) if figures else (None, 0)
    rate = current_rates(today)["sessional"]
    choices = _person_choices(person.pk, limit=20)
    current = next((c for c in choices if c["effective_from"] <= today), None)
    method = current["method"] if current else PaymentMethod.PAID
    return PersonSummary(
        tax_year=(start, end),
        tax_year_total=rules.money(total or ZERO),
        month_paid_sessions=paid,
        monthly_cap=rate.monthly_cap if rate else None,
        method=method,
        method_label=PaymentMethod(method).label,
        choices=[
            (
                c["effective_from"],
                PaymentMethod(c["method"]).label,
                c["note"],
                c["recorded_at"],
                staff_display_name(*(c[f"recorded_by__{f}"] for f in STAFF_NAME_FIELDS), empty="None"),
            )
            for c in choices
        ],
    )


def _with_names(relation: str) -> list[str]:
    return [f"{relation}__{name}" for name in NAME_FIELDS]


@compiled_once
def _person_sessions(person_id: int, *, limit: int) -> QuerySet:
    return Session.objects.filter(person_id=person_id).values(*SESSION_ROW_VALUES)[:limit]


@compiled_once
def _person_claims(person_id: int, *, limit: int) -> QuerySet:
    return ExpenseClaim.objects.filter(person_id=person_id).values(*CLAIM_ROW_VALUES)[:limit]


def sessions_for_person(person: Person | Payee, limit: int = 50) -> list[tuple]:
    """Rows of SESSION_ROW_VALUES, newest first (the SQL worked out once)."""
    return [tuple(row.values()) for row in _person_sessions(person.pk, limit=limit)]


def claims_for_person(person: Person | Payee, limit: int = 50) -> list[tuple]:
    """Rows of CLAIM_ROW_VALUES, newest first (the SQL worked out once)."""
    return [tuple(row.values()) for row in _person_claims(person.pk, limit=limit)]


def session_for_page(pk: int) -> Session:
    return Session.objects.select_related(
        "person", "recorded_by", "cancelled_by", "involvement_request", "activity"
    ).get(pk=pk)


def session_history(session: Session) -> list[LedgerEntry]:
    return list(session.entries.order_by("created_at", "id").select_related("created_by"))


def claims_for_list(status: str = ""):
    """Rows for tables.claim_rows, with the claimant's name."""
    claims = ExpenseClaim.objects.values_list(*CLAIM_ROW_VALUES, *_with_names("person")).order_by(
        "-recorded_at", "-id"
    )
    if status:
        claims = claims.filter(status=status)
    return claims


@compiled_without_id
def _newest_claims(*, status: str, limit: int) -> QuerySet:
    return claims_for_list(status)[:limit]


def newest_claims(status: str, limit: int) -> list[tuple]:
    """The first `limit` rows of claims_for_list(status) (the SQL worked out once)."""
    return [tuple(row.values()) for row in _newest_claims(status=status, limit=limit)]


def claim_for_page(pk: int) -> ExpenseClaim:
    return (
        ExpenseClaim.objects.select_related("person", "recorded_by", "decided_by")
        .prefetch_related("lines", "receipts")
        .get(pk=pk)
    )


def claim_history(claim: ExpenseClaim) -> list[LedgerEntry]:
    return list(claim.entries.order_by("created_at", "id").select_related("created_by"))


@compiled_without_id
def _recent_sessions(*, limit: int) -> QuerySet:
    # Newest first by id: the primary key's index, where recorded_at has none.
    return Session.objects.values(*SESSION_ROW_VALUES, *_with_names("person")).order_by("-id")[:limit]


def recent_sessions(limit: int = 20) -> list[tuple]:
    """Rows for tables.session_rows, with the partner's name (the SQL worked out once)."""
    return [tuple(row.values()) for row in _recent_sessions(limit=limit)]


def payments_subject_access(person: Person) -> dict:
    """A person's sessions, payment choices, claims and payments, for a subject access
    request; nothing when there are none."""
    sessions = [
        {
            "held_on": s.held_on.isoformat(),
            "type": s.get_kind_display(),
            "minutes": s.minutes,
            "amount": str(s.amount),
            "cancelled": s.is_cancelled,
        }
        for s in Session.objects.filter(person=person).order_by("held_on", "id")
    ]
    choices = [
        {"from": c.effective_from.isoformat(), "choice": c.get_method_display(), "note": c.note}
        for c in PaymentChoice.objects.filter(person=person).order_by("effective_from", "id")
    ]
    claims = [
        {
            "recorded_at": c.recorded_at.isoformat(),
            "description": c.description,
            "status": c.get_status_display(),
            "total": str(c.total),
            "lines": [
                {
                    "date": line.incurred_on.isoformat(),
                    "type": line.get_kind_display(),
                    "amount": str(line.amount),
                }
                for line in c.lines.all()
            ],
        }
        for c in ExpenseClaim.objects.filter(person=person).prefetch_related("lines").order_by("recorded_at")
    ]
    payments = [
        {"date": e.occurred_on.isoformat(), "description": e.description, "amount": str(e.amount)}
        for e in LedgerEntry.objects.filter(person=person).order_by("occurred_on", "id")
    ]
    found = {
        "sessions": sessions,
        "payment_choices": choices,
        "expense_claims": claims,
        "payments": payments,
    }
    return {name: rows for name, rows in found.items() if rows}


# --- Months and the finance export ----------------------------------------------------------


def month_payees(period: datetime.date) -> list[tuple[int, int]]:
    """Everyone paid in the month, by name as the month's page lists them, each with their
    number of entries. Kept until a ledger entry or a person changes: ordering a month's
    entries by their payees' names directly walks the whole People Bank by name."""
    period = rules.month_start(period)

    def compute() -> list[tuple[int, int]]:
        entries = dict(
            LedgerEntry.objects.filter(period=period)
            .values_list("person_id")
            .annotate(n=Count("id"))
            .values_list("person_id", "n")
        )
        by_name = Person.objects.filter(pk__in=list(entries)).order_by("last_name", "first_name", "id")
        return [(pk, entries[pk]) for pk in by_name.values_list("pk", flat=True)]

    return counts.remember(f"payments-month-payees:{period:%Y-%m}", [LedgerEntry, Person], compute)


def month_entries(period: datetime.date, offset: int, limit: int) -> list[tuple]:
    """The month's entries from `offset`, by payee's name, then date: read only for the
    payees on the page (their place in the month comes from `month_payees`). Each is
    (payee's id, date, description, amount, the period of the entry it corrects or None,
    then the payee's NAME_FIELDS)."""
    payees, before, start = [], 0, None
    for person_id, n in month_payees(period):
        if before + n > offset:
            start = offset - before if start is None else start
            payees.append(person_id)
        before += n
        if before >= offset + limit:
            break
    if not payees:
        return []
    # Padded to the page's length with ids no one has, so that every page of every month
    # is the same statement, compiled (and prepared) once.
    padded = (*payees, *range(-1, -1 - (limit - len(payees)), -1)) if len(payees) < limit else tuple(payees)
    rows = _month_entries(period=Varying(rules.month_start(period)), payees=Varying(padded))
    return [tuple(row[column] for column in _MONTH_ENTRY_COLUMNS) for row in rows][start : start + limit]


_MONTH_ENTRY_COLUMNS = (
    "person_id",
    "occurred_on",
    "description",
    "amount",
    "reverses__period",
    *_with_names("person"),
)


@functools.partial(compiled_varying, prepare=False)
def _month_entries(*, period, payees) -> QuerySet:
    return (
        LedgerEntry.objects.filter(period=period, person_id__in=payees)
        .order_by("person__last_name", "person__first_name", "person_id", "occurred_on", "id")
        .values(*_MONTH_ENTRY_COLUMNS)
    )


def month_totals(period: datetime.date) -> dict:
    """Kept until a ledger entry changes: a month holds thousands of entries."""
    period = rules.month_start(period)

    def compute() -> dict:
        totals = LedgerEntry.objects.filter(period=period).aggregate(
            sessions=Sum("amount", filter=Q(kind=LedgerEntry.Kind.SESSION)),
            expenses=Sum("amount", filter=Q(kind=LedgerEntry.Kind.EXPENSE)),
            rows=Count("id"),
        )
        sessions = rules.money(totals["sessions"] or ZERO)
        expenses = rules.money(totals["expenses"] or ZERO)
        total = sessions + expenses
        return {"sessions": sessions, "expenses": expenses, "total": total, "rows": totals["rows"]}

    return counts.remember(f"payments-month-totals:{period:%Y-%m}", [LedgerEntry], compute)


@compiled_without_id
def _month_export(*, period: datetime.date) -> QuerySet:
    return FinanceExport.objects.filter(period=period).values(
        "exported_at", *(f"exported_by__{f}" for f in STAFF_NAME_FIELDS)
    )


def month_export(period: datetime.date) -> dict | None:
    """When the month's export was made and by whom, for its page; None before it is made.
    Its SQL is worked out once for each month."""
    found = _month_export(period=rules.month_start(period))
    if not found:
        return None
    row = found[0]
    return {
        "exported_at": row["exported_at"],
        "exported_by": staff_display_name(
            *(row[f"exported_by__{f}"] for f in STAFF_NAME_FIELDS), empty="None"
        ),
    }


def month_exported(period: datetime.date) -> bool:
    """Whether the month's export has been sent, for a page to say so; kept until an export
    is made. (Writes ask services.is_exported, under the month's lock.)"""
    period = rules.month_start(period)
    return counts.remember(
        f"payments-month-exported:{period:%Y-%m}",
        [FinanceExport],
        FinanceExport.objects.filter(period=period).exists,
    )


def home_figures(today: datetime.date) -> dict:
    """The payments home's month totals, rates and whether the month is exported, read from
    the cache in one round trip rather than three, and kept until anything they read changes."""
    period = rules.month_start(today)

    def compute() -> dict:
        return {
            "totals": month_totals(period),
            "rates": current_rates(today),
            "exported": month_exported(period),
        }

    read = [LedgerEntry, SessionalRate, MileageRate, FinanceExport]
    return counts.remember(f"payments-home:{today.isoformat()}", read, compute)


def exports_list():
    """Rows for tables.export_rows, newest month first."""
    return FinanceExport.objects.values_list(
        "period", "exported_at", "rows", "total", *(f"exported_by__{f}" for f in STAFF_NAME_FIELDS)
    )


def export_csv(period: datetime.date) -> tuple[str, int, Decimal]:
    """The month as finance imports it: one row per payment, then a totals row. Text cells
    are neutralised so that no spreadsheet runs them as formulas."""
    rows = (
        LedgerEntry.objects.filter(period=rules.month_start(period))
        .order_by("person__last_name", "person__first_name", "person_id", "occurred_on", "id")
        .values_list(
            "person_id",
            "person__first_name",
            "person__last_name",
            "kind",
            "occurred_on",
            "description",
            "method",
            "amount",
        )
    )
    kinds = dict(LedgerEntry.Kind.choices)
    methods = dict(PaymentMethod.choices)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    count, total = 0, ZERO
    for person_id, first, last, kind, day, description, method, amount in rows.iterator(chunk_size=5000):
        writer.writerow(
            [
                payee_reference(person_id),
                formula_safe(f"{first} {last}".strip()),
                kinds[kind],
                day.isoformat(),
                formula_safe(description),
                methods.get(method, method),
                f"{amount:.2f}",
            ]
        )
        count += 1
        total += amount
    writer.writerow(["Total", "", "", "", f"{count} payments", "", f"{total:.2f}"])
    return out.getvalue(), count, total


# --- Statements -----------------------------------------------------------------------------


def _statement_sessions(person_id: int, start: datetime.date, end: datetime.date) -> QuerySet:
    return Session.objects.filter(person_id=person_id, held_on__gte=start, held_on__lte=end).order_by(
        "held_on", "id"
    )


def _statement_claims(person_id: int, start: datetime.date, end: datetime.date) -> QuerySet:
    return ExpenseClaim.objects.filter(
        person_id=person_id, lines__incurred_on__gte=start, lines__incurred_on__lte=end
    ).order_by("recorded_at", "id")


@compiled_once
def _statement_entries(person_id: int, *, start: datetime.date, end: datetime.date) -> QuerySet:
    return (
        LedgerEntry.objects.filter(person_id=person_id, occurred_on__gte=start, occurred_on__lte=end)
        .order_by("occurred_on", "id")
        .values(*STATEMENT_ENTRY_FIELDS)
    )


# The page's tables read values (the SQL worked out once for each period).
@compiled_once
def _statement_session_rows(person_id: int, *, start: datetime.date, end: datetime.date) -> QuerySet:
    return _statement_sessions(person_id, start, end).values(*SESSION_ROW_VALUES)


@compiled_once
def _statement_claim_rows(person_id: int, *, start: datetime.date, end: datetime.date) -> QuerySet:
    return _statement_claims(person_id, start, end).values(*CLAIM_ROW_VALUES).distinct()


def statement(
    person: Person | Payee, start: datetime.date, end: datetime.date, *, lines: bool = True
) -> dict:
    """A partner's sessions, payments and expenses between two dates (inclusive), in four
    queries however many rows there are. With `lines` (the PDF), sessions and claims are
    model instances, each claim with its lines; without (the page), rows of
    SESSION_ROW_VALUES and CLAIM_ROW_VALUES, in three queries."""
    if lines:
        sessions = list(_statement_sessions(person.pk, start, end).only("person_id", *SESSION_ROW_FIELDS))
        claims = list(_statement_claims(person.pk, start, end).prefetch_related("lines").distinct())
        counted = [(s.amount, s.cancelled_at) for s in sessions]
    else:
        rows = _statement_session_rows(person.pk, start=start, end=end)
        sessions = [tuple(row.values()) for row in rows]
        claims = [tuple(row.values()) for row in _statement_claim_rows(person.pk, start=start, end=end)]
        counted = [(row["amount"], row["cancelled_at"]) for row in rows]
    entries = _statement_entries(person.pk, start=start, end=end)
    session_total = sum((e["amount"] for e in entries if e["kind"] == LedgerEntry.Kind.SESSION), ZERO)
    expense_total = sum((e["amount"] for e in entries if e["kind"] == LedgerEntry.Kind.EXPENSE), ZERO)
    return {
        "person": person,
        "start": start,
        "end": end,
        "sessions": sessions,
        "entries": entries,
        "claims": claims,
        "sessions_held": sum(1 for _, cancelled_at in counted if cancelled_at is None),
        # As Session.payable: paid something and not cancelled.
        "sessions_paid": sum(1 for amount, cancelled_at in counted if amount > 0 and cancelled_at is None),
        "session_total": session_total,
        "expense_total": expense_total,
        "total": session_total + expense_total,
        "taxable_total": sum((e["amount"] for e in entries if e["taxable"]), ZERO),
    }
