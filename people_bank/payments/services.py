"""Every write to sessions, payments and expenses: `<entity>_<action>(*, ..., by)`.

The monthly cap lives in `session_record`, under a row lock on the person, so two members
of staff recording sessions for one partner at the same moment cannot both take the sixth
place. Money already exported is never edited: a correction is a reversing entry.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from people_bank.models import Person
from people_bank.payments import rules
from people_bank.payments.models import (
    ExpenseClaim,
    ExpenseLine,
    FinanceExport,
    LedgerEntry,
    MileageRate,
    PaymentChoice,
    PaymentMethod,
    Receipt,
    Session,
    SessionalRate,
)
from ppe import audit

MAX_SESSION_MINUTES = 12 * 60
ADVISORY_NAMESPACE = 5205  # first key of the PostgreSQL advisory locks on a month


class PaymentsError(Exception):
    """A payments rule said no; the message is for the user."""


# --- Rates and choices ----------------------------------------------------------------------


def sessional_rate_on(day: datetime.date) -> SessionalRate:
    rate = SessionalRate.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if rate is None:
        raise PaymentsError(f"There is no sessional rate for {day:%d %B %Y}. Add one on the rates page.")
    return rate


def mileage_rate_on(day: datetime.date) -> MileageRate:
    rate = MileageRate.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if rate is None:
        raise PaymentsError(f"There is no mileage rate for {day:%d %B %Y}. Add one on the rates page.")
    return rate


def payment_method_on(person_id: int, day: datetime.date) -> str:
    choice = (
        PaymentChoice.objects.filter(person_id=person_id, effective_from__lte=day)
        .order_by("-effective_from", "-id")
        .values_list("method", flat=True)
        .first()
    )
    return choice or PaymentMethod.PAID


@transaction.atomic
def sessional_rate_add(*, effective_from, amount: Decimal, monthly_cap: int, by) -> SessionalRate:
    _check_amount(amount)
    if monthly_cap < 1:
        raise PaymentsError("The monthly cap must be at least 1")
    try:
        with transaction.atomic():
            rate = SessionalRate.objects.create(
                effective_from=effective_from,
                amount=rules.money(amount),
                monthly_cap=monthly_cap,
                created_by=by,
            )
    except IntegrityError:
        raise PaymentsError("There is already a sessional rate from that date") from None
    audit.record(None, "create", rate, user=by)
    return rate


@transaction.atomic
def mileage_rate_add(*, effective_from, amount: Decimal, by) -> MileageRate:
    _check_amount(amount)
    try:
        with transaction.atomic():
            rate = MileageRate.objects.create(
                effective_from=effective_from, amount=rules.money(amount), created_by=by
            )
    except IntegrityError:
        raise PaymentsError("There is already a mileage rate from that date") from None
    audit.record(None, "create", rate, user=by)
    return rate


@transaction.atomic
def payment_choice_record(
    *, person: Person, method: str, effective_from, note: str = "", by
) -> PaymentChoice:
    if method not in PaymentMethod.values:
        raise PaymentsError("Select how they would like to be paid")
    choice = PaymentChoice.objects.create(
        person=person, method=method, effective_from=effective_from, note=note, recorded_by=by
    )
    audit.record(None, "create", choice, user=by, detail="payment choice")
    return choice


# --- Months and the ledger ------------------------------------------------------------------


def _lock_month(period: datetime.date, *, exclusive: bool) -> None:
    """Writers of a month's entries share its lock; the export takes it alone, so an entry
    is either in the export or sees the month locked. SQLite runs one writer at a time."""
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [ADVISORY_NAMESPACE, period.year * 100 + period.month])


def is_exported(period: datetime.date) -> bool:
    return FinanceExport.objects.filter(period=rules.month_start(period)).exists()


def open_period(day: datetime.date) -> datetime.date:
    """The first month, from `day`'s on, whose finance export has not been sent; locked
    (shared) until the transaction ends so that no export can slip in between."""
    period = rules.month_start(day)
    exported = set(FinanceExport.objects.filter(period__gte=period).values_list("period", flat=True))
    while True:
        _lock_month(period, exclusive=False)
        if period not in exported and not is_exported(period):
            return period
        period = rules.next_month(period)


def _add_entry(**values) -> LedgerEntry:
    values["period"] = open_period(values.pop("from_day"))
    return LedgerEntry.objects.create(**values)


def _reverse_entries(entries, *, by, why: str) -> list[LedgerEntry]:
    reversals = []
    for entry in entries:
        if hasattr(entry, "reversed_by") or entry.reverses_id:
            continue
        reversals.append(
            _add_entry(
                from_day=entry.period,
                person_id=entry.person_id,
                kind=entry.kind,
                session_id=entry.session_id,
                claim_id=entry.claim_id,
                occurred_on=entry.occurred_on,
                amount=-entry.amount,
                method=entry.method,
                taxable=entry.taxable,
                description=f"Correction: {why}"[:300],
                reverses=entry,
                created_by=by,
            )
        )
    return reversals


def _refuse_if_exported(periods, what: str) -> None:
    locked = FinanceExport.objects.filter(period__in={rules.month_start(p) for p in periods}).order_by(
        "period"
    )
    first = locked.first()
    if first is not None:
        raise PaymentsError(
            f"The finance export for {rules.period_label(first.period)} has been sent, so {what} can no "
            "longer be changed. Record a correction instead: it is paid in the next open month."
        )


# --- Sessions -------------------------------------------------------------------------------


def _check_partner(person: Person, day: datetime.date) -> None:
    partner = getattr(person, "patient_partner", None)
    if person.erased_at or partner is None:
        raise PaymentsError(
            f"{person.display_name} is not a Patient Partner: sessions are paid to partners only"
        )
    if day < partner.started_on:
        raise PaymentsError(
            f"{person.display_name}'s tenure as a Patient Partner started on {partner.started_on:%d %B %Y}"
        )
    if day > partner.tenure_ends_on:
        raise PaymentsError(
            f"{person.display_name}'s tenure as a Patient Partner ended on {partner.tenure_ends_on:%d %B %Y}"
        )


def _check_day(day: datetime.date, label: str) -> None:
    if day > timezone.localdate():
        raise PaymentsError(f"{label} must be today or in the past")


def _check_amount(amount) -> None:
    if amount is None or Decimal(amount) <= 0:
        raise PaymentsError("The amount must be more than £0")


@transaction.atomic
def session_record(
    *,
    person: Person,
    held_on: datetime.date,
    minutes: int,
    kind: str,
    description: str = "",
    involvement_request=None,
    activity=None,
    by,
) -> Session:
    """Record one session. Whether it is paid is decided here, and only here."""
    _check_day(held_on, "The date of the session")
    if not 0 < minutes <= MAX_SESSION_MINUTES:
        raise PaymentsError(f"The length must be between 1 and {MAX_SESSION_MINUTES} minutes")
    if kind not in Session.Kind.values:
        raise PaymentsError("Select the type of session")
    # The lock that makes the cap hold: a second recorder for this partner waits here
    # until the first commits, then counts the first one's session too.
    person = (
        Person.objects.select_for_update(of=("self",)).select_related("patient_partner").get(pk=person.pk)
    )
    _check_partner(person, held_on)
    rate = sessional_rate_on(held_on)
    month = rules.month_start(held_on)
    already = Session.objects.filter(
        person=person,
        held_on__gte=month,
        held_on__lt=rules.next_month(month),
        within_cap=True,
        cancelled_at__isnull=True,
    ).count()
    within = rules.within_cap(already, rate.monthly_cap)
    method = payment_method_on(person.pk, held_on)
    amount = rate.amount if within and method != PaymentMethod.DECLINED else Decimal("0.00")
    session = Session.objects.create(
        person=person,
        held_on=held_on,
        minutes=minutes,
        kind=kind,
        description=description,
        involvement_request=involvement_request,
        activity=activity,
        within_cap=within,
        method=method,
        amount=amount,
        recorded_by=by,
    )
    if amount > 0:
        _add_entry(
            from_day=held_on,
            person=person,
            kind=LedgerEntry.Kind.SESSION,
            session=session,
            occurred_on=held_on,
            amount=amount,
            method=method,
            taxable=True,
            description=f"{session.get_kind_display()} session on {held_on:%d %B %Y}",
            created_by=by,
        )
    audit.record(None, "create", session, user=by)
    return session


@transaction.atomic
def sessions_record_bulk(*, people, by, **values) -> list[Session]:
    """One meeting, several partners: all recorded, or (on any refusal) none."""
    # A fixed order, so two bulk entries lock the same partners in the same order.
    return [session_record(person=person, by=by, **values) for person in sorted(people, key=lambda p: p.pk)]


@transaction.atomic
def session_update(
    *,
    session: Session,
    minutes: int,
    kind: str,
    description: str = "",
    involvement_request=None,
    activity=None,
    by,
) -> Session:
    """Change what does not touch money. A new date or person is a cancel and a new session."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise PaymentsError("This session was cancelled and can no longer be changed")
    _refuse_if_exported([session.held_on, *session.entries.values_list("period", flat=True)], "this session")
    if not 0 < minutes <= MAX_SESSION_MINUTES:
        raise PaymentsError(f"The length must be between 1 and {MAX_SESSION_MINUTES} minutes")
    session.minutes, session.kind, session.description = minutes, kind, description
    session.involvement_request = involvement_request
    session.activity = activity
    session.save(update_fields=["minutes", "kind", "description", "involvement_request", "activity"])
    audit.record(None, "change", session, user=by)
    return session


@transaction.atomic
def session_cancel(*, session: Session, reason: str, by) -> Session:
    """Cancel a session recorded in error. Any payment for it is reversed, in its own month
    if that has not been exported, else in the next open month."""
    if not reason.strip():
        raise PaymentsError("Enter why the session is being cancelled")
    Person.objects.select_for_update().filter(pk=session.person_id).first()
    changed = Session.objects.filter(pk=session.pk, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now(), cancelled_by=by, cancel_reason=reason[:300]
    )
    if not changed:
        raise PaymentsError("This session has already been cancelled")
    entries = LedgerEntry.objects.filter(session=session, reverses__isnull=True).select_related("reversed_by")
    _reverse_entries(list(entries), by=by, why=f"session on {session.held_on:%d %B %Y} cancelled")
    session.refresh_from_db()
    audit.record(None, "change", session, user=by, detail="cancelled")
    return session


# --- Expenses -------------------------------------------------------------------------------


def _check_claimant(person: Person) -> None:
    if person.erased_at:
        raise PaymentsError("This person has been erased: no new claims can be made for them")


def _line_values(*, kind: str, incurred_on, description: str, miles, amount) -> dict:
    _check_day(incurred_on, "The date of the expense")
    if kind not in ExpenseLine.Kind.values:
        raise PaymentsError("Select the type of expense")
    values = {"kind": kind, "incurred_on": incurred_on, "description": description[:200]}
    if kind == ExpenseLine.Kind.MILEAGE:
        if miles is None or Decimal(miles) <= 0:
            raise PaymentsError("Enter the number of miles, more than 0")
        rate = mileage_rate_on(incurred_on)
        values.update(miles=miles, rate_per_mile=rate.amount, amount=rules.mileage_amount(miles, rate.amount))
    else:
        _check_amount(amount)
        values.update(amount=rules.money(amount))
    return values


def _refresh_total(claim: ExpenseClaim) -> None:
    claim.total = rules.money(claim.lines.aggregate(total=Sum("amount"))["total"] or 0)
    claim.save(update_fields=["total"])


def _claim_for_change(claim: ExpenseClaim) -> ExpenseClaim:
    claim = ExpenseClaim.objects.select_for_update().get(pk=claim.pk)
    _refuse_if_exported(claim.entries.values_list("period", flat=True), "this claim")
    if claim.status != ExpenseClaim.Status.SUBMITTED:
        raise PaymentsError(
            f"This claim is {claim.get_status_display().lower()}: it can no longer be changed"
        )
    return claim


@transaction.atomic
def claim_create(*, person: Person, description: str, line: dict, receipts=(), by) -> ExpenseClaim:
    _check_claimant(person)
    if not description.strip():
        raise PaymentsError("Enter what the claim is for")
    values = _line_values(**line)
    claim = ExpenseClaim.objects.create(person=person, description=description[:200], recorded_by=by)
    ExpenseLine.objects.create(claim=claim, **values)
    _refresh_total(claim)
    for upload in receipts:
        _store_receipt(claim, upload, by=by)
    audit.record(None, "create", claim, user=by)
    return claim


@transaction.atomic
def claim_line_add(*, claim: ExpenseClaim, by, **line) -> ExpenseLine:
    claim = _claim_for_change(claim)
    added = ExpenseLine.objects.create(claim=claim, **_line_values(**line))
    _refresh_total(claim)
    audit.record(None, "change", claim, user=by, detail="line added")
    return added


@transaction.atomic
def claim_line_remove(*, line: ExpenseLine, by) -> None:
    claim = _claim_for_change(line.claim)
    if claim.lines.count() <= 1:
        raise PaymentsError("A claim needs at least one line: reject it instead")
    line.delete()
    _refresh_total(claim)
    audit.record(None, "change", claim, user=by, detail="line removed")


def check_receipt(upload) -> str:
    """The receipt's content type, or a PaymentsError saying what is wrong with it."""
    limit = settings.PAYMENTS_RECEIPT_MAX_BYTES
    if upload.size > limit:
        raise PaymentsError(f"The receipt must be smaller than {limit // (1024 * 1024)} MB")
    if upload.size == 0:
        raise PaymentsError("The receipt is empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = rules.receipt_type(head)
    if content_type is None:
        raise PaymentsError("The receipt must be a PDF, JPEG or PNG file")
    return content_type


def _store_receipt(claim: ExpenseClaim, upload, *, by) -> Receipt:
    content_type = check_receipt(upload)
    receipt = Receipt(
        claim=claim,
        token=secrets.token_hex(16),
        content_type=content_type,
        extension=rules.RECEIPT_EXTENSIONS[content_type],
        size=upload.size,
        original_name=str(getattr(upload, "name", "receipt"))[:200],
        uploaded_by=by,
    )
    receipt.file.save("receipt", ContentFile(upload.read()), save=False)
    try:
        receipt.save()
    except Exception:
        receipt.file.delete(save=False)
        raise
    audit.record(None, "create", receipt, user=by)
    return receipt


@transaction.atomic
def receipt_add(*, claim: ExpenseClaim, upload, by) -> Receipt:
    claim = _claim_for_change(claim)
    return _store_receipt(claim, upload, by=by)


def _decide(claim: ExpenseClaim, *, to: str, by, reason: str = "") -> ExpenseClaim:
    """Move a waiting claim on. The conditional update is what stops a second approval:
    whoever's update finds the claim no longer waiting has nothing to do."""
    changed = ExpenseClaim.objects.filter(pk=claim.pk, status=ExpenseClaim.Status.SUBMITTED).update(
        status=to, decided_by=by, decided_at=timezone.now(), reason=reason[:300]
    )
    if not changed:
        claim.refresh_from_db()
        raise PaymentsError(f"This claim has already been {claim.get_status_display().lower()}")
    claim.refresh_from_db()
    return claim


@transaction.atomic
def claim_approve(*, claim: ExpenseClaim, by) -> ExpenseClaim:
    if settings.PAYMENTS_FORBID_SELF_APPROVAL and claim.recorded_by_id == by.pk:
        raise PaymentsError("You recorded this claim, so someone else in the team must approve it")
    if not claim.lines.exists():
        raise PaymentsError("A claim with no lines cannot be approved")
    claim = _decide(claim, to=ExpenseClaim.Status.APPROVED, by=by)
    last_day = claim.lines.order_by("-incurred_on").values_list("incurred_on", flat=True).first()
    _add_entry(
        from_day=timezone.localdate(),
        person_id=claim.person_id,
        kind=LedgerEntry.Kind.EXPENSE,
        claim=claim,
        occurred_on=last_day,
        amount=claim.total,
        method=PaymentMethod.PAID,
        taxable=False,
        description=f"Expenses: {claim.description}"[:300],
        created_by=by,
    )
    audit.record(None, "change", claim, user=by, detail="approved")
    return claim


@transaction.atomic
def claim_reject(*, claim: ExpenseClaim, reason: str, by) -> ExpenseClaim:
    if not reason.strip():
        raise PaymentsError("Enter the reason for rejecting the claim")
    claim = _decide(claim, to=ExpenseClaim.Status.REJECTED, by=by, reason=reason)
    audit.record(None, "change", claim, user=by, detail="rejected")
    return claim


@transaction.atomic
def claim_mark_paid(*, claim: ExpenseClaim, paid_on: datetime.date, by) -> ExpenseClaim:
    _check_day(paid_on, "The date paid")
    changed = ExpenseClaim.objects.filter(pk=claim.pk, status=ExpenseClaim.Status.APPROVED).update(
        status=ExpenseClaim.Status.PAID, paid_on=paid_on
    )
    if not changed:
        raise PaymentsError("Only an approved claim can be marked as paid")
    claim.refresh_from_db()
    audit.record(None, "change", claim, user=by, detail="paid")
    return claim


@transaction.atomic
def claim_reverse(*, claim: ExpenseClaim, reason: str, by) -> ExpenseClaim:
    """Undo an approved (or paid) claim with a reversing entry; the original stays."""
    if not reason.strip():
        raise PaymentsError("Enter why the claim is being reversed")
    changed = ExpenseClaim.objects.filter(
        pk=claim.pk, status__in=[ExpenseClaim.Status.APPROVED, ExpenseClaim.Status.PAID]
    ).update(status=ExpenseClaim.Status.REVERSED, reason=reason[:300])
    if not changed:
        raise PaymentsError("Only an approved or paid claim can be reversed")
    entries = LedgerEntry.objects.filter(claim=claim, reverses__isnull=True).select_related("reversed_by")
    _reverse_entries(list(entries), by=by, why=f"claim {claim.pk} reversed: {reason}")
    claim.refresh_from_db()
    audit.record(None, "change", claim, user=by, detail="reversed")
    return claim


# --- The finance export ---------------------------------------------------------------------


@transaction.atomic
def month_export(*, period: datetime.date, by) -> FinanceExport:
    """Write the month's CSV and lock the month, both at once."""
    from people_bank.payments.selectors import export_csv

    period = rules.month_start(period)
    if period > rules.month_start(timezone.localdate()):
        raise PaymentsError("A month can be exported once it has started, not before")
    _lock_month(period, exclusive=True)
    if is_exported(period):
        raise PaymentsError(f"{rules.period_label(period)} has already been exported")
    text, rows, total = export_csv(period)
    try:
        with transaction.atomic():
            export = FinanceExport.objects.create(
                period=period, exported_by=by, rows=rows, total=total, csv=text
            )
    except IntegrityError:
        raise PaymentsError(f"{rules.period_label(period)} has already been exported") from None
    audit.record(None, "export", export, user=by, detail=f"finance export {period:%Y-%m}")
    return export
