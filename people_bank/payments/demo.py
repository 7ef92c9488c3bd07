"""Demo payments: two years of sessions for the demo Patient Partners, with the cap, a few
who decline payment or take vouchers, expense claims at every step, and every month but the
last two exported. Bulk-inserted, so `seed_demo --scale bench` makes 50,000 sessions and
20,000 claims in well under a minute."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from people_bank.models import PatientPartner
from people_bank.payments import rules
from people_bank.payments.models import (
    ExpenseClaim,
    ExpenseLine,
    FinanceExport,
    LedgerEntry,
    PaymentChoice,
    PaymentMethod,
    Receipt,
    Session,
    SessionalRate,
)
from people_bank.payments.selectors import export_csv
from ppe.bulk import insert_rows, reserve_ids

BATCH = 5000
DAYS_BACK = 730
DEMO_RECEIPTS = 20
MILEAGE_RATE = Decimal("0.45")
DESCRIPTIONS = [
    "Discharge project group",
    "Quality and Safety Committee",
    "Patient Experience Group",
    "Community Conversation",
    "15 Steps assurance visit",
    "Recruitment interview panel",
    "Induction training",
    "Outpatient letters co-design workshop",
]
KINDS = ["project_group", "board", "event", "assurance_visit", "interview_panel", "training"]
CLAIM_REASONS = [
    "Bus fare and parking",
    "Mileage to the meeting",
    "Childcare while attending",
    "Printing papers",
]


def seed_payments(*, rng, sizes, staff, log) -> None:
    count = sizes.get("sessions", 0)
    if not count or Session.objects.exists():
        return
    today = timezone.localdate()
    partners = [
        p
        for p in PatientPartner.objects.all().only("person_id", "started_on", "tenure_ends_on")
        if _window(p, today) is not None
    ]
    if not partners:
        log("  payments: no Patient Partners in post: skipped")
        return
    rate = SessionalRate.objects.order_by("-effective_from").first()
    amount, cap = (rate.amount, rate.monthly_cap) if rate else (Decimal("20.00"), 6)
    methods = _seed_choices(rng, partners, staff)
    sessions = _seed_sessions(rng, count, partners, methods, amount, cap, staff, today)
    claims = _seed_claims(rng, sizes.get("claims", count * 2 // 5), partners, staff, today)
    _export_old_months(today, staff)
    log(f"  payments: {sessions} sessions, {claims} expense claims")


def _window(partner, today) -> tuple[datetime.date, datetime.date] | None:
    start = max(partner.started_on, today - datetime.timedelta(days=DAYS_BACK))
    end = min(partner.tenure_ends_on, today - datetime.timedelta(days=1))
    return (start, end) if start <= end else None


def _random_day(rng, window) -> datetime.date:
    start, end = window
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def _seed_choices(rng, partners, staff) -> dict[int, str]:
    methods, choices = {}, []
    for partner in partners:
        roll = rng.random()
        method = PaymentMethod.DECLINED if roll < 0.08 else PaymentMethod.VOUCHERS if roll < 0.13 else None
        if method:
            methods[partner.person_id] = method
            choices.append(
                (partner.person_id, method, partner.started_on, "Told us at induction", rng.choice(staff).pk)
            )
    insert_rows(PaymentChoice, ["person_id", "method", "effective_from", "note", "recorded_by_id"], choices)
    return methods


def _seed_sessions(rng, count, partners, methods, amount, cap, staff, today) -> int:
    windows = {p.person_id: _window(p, today) for p in partners}
    staff_ids = [user.pk for user in staff]
    labels = dict(Session.Kind.choices)
    # Most work falls to a keen few, so some partners reach the cap in busy months.
    weights = [rng.random() ** 2 + 0.05 for _ in partners]
    picks = rng.choices([p.person_id for p in partners], weights=weights, k=count)
    in_month: dict[tuple[int, datetime.date], int] = defaultdict(int)
    sessions, entries = [], []
    for pk, person_id in zip(reserve_ids(Session, count), picks, strict=True):
        held_on = _random_day(rng, windows[person_id])
        month = rules.month_start(held_on)
        within = in_month[person_id, month] < cap
        in_month[person_id, month] += within
        method = methods.get(person_id, PaymentMethod.PAID)
        paid = amount if within and method != PaymentMethod.DECLINED else Decimal("0.00")
        kind, recorder = rng.choice(KINDS), rng.choice(staff_ids)
        minutes = rng.choice([60, 90, 120, 150, 180])
        description = rng.choice(DESCRIPTIONS)
        sessions.append((pk, person_id, held_on, minutes, kind, description, within, method, paid, recorder))
        if paid > 0:
            text = f"{labels[kind]} session on {held_on:%d %B %Y}"
            entries.append(
                (person_id, LedgerEntry.Kind.SESSION, pk, month, held_on, paid, method, True, text, recorder)
            )
    fields = [
        "id",
        "person_id",
        "held_on",
        "minutes",
        "kind",
        "description",
        "within_cap",
        "method",
        "amount",
    ]
    insert_rows(Session, [*fields, "recorded_by_id"], sessions)
    fields = ["person_id", "kind", "session_id", "period", "occurred_on", "amount", "method", "taxable"]
    insert_rows(LedgerEntry, [*fields, "description", "created_by_id"], entries)
    return len(sessions)


def _seed_claims(rng, count, partners, staff, today) -> int:
    windows = {p.person_id: _window(p, today) for p in partners}
    kinds = list(ExpenseLine.Kind.values)
    ids = reserve_ids(ExpenseClaim, count)
    claims, lines, entries = [], [], []
    for pk in ids:
        person_id = rng.choice(partners).person_id
        day = _random_day(rng, windows[person_id])
        age = (today - day).days
        status = (
            ExpenseClaim.Status.SUBMITTED
            if age < 20 and rng.random() < 0.7
            else rng.choices(
                [ExpenseClaim.Status.PAID, ExpenseClaim.Status.APPROVED, ExpenseClaim.Status.REJECTED],
                weights=[85, 5 if age < 60 else 0, 10],
            )[0]
        )
        total = Decimal("0.00")
        for _ in range(rng.choice([1, 1, 2, 3])):
            kind = rng.choice(kinds)
            miles = rate = None
            if kind == ExpenseLine.Kind.MILEAGE:
                miles, rate = Decimal(rng.randint(20, 400)) / 10, MILEAGE_RATE
                spent = rules.mileage_amount(miles, MILEAGE_RATE)
            else:
                spent = Decimal(rng.randint(150, 4500)) / 100
            total += spent
            lines.append((pk, kind, day, "", miles, rate, spent))
        decided = status != ExpenseClaim.Status.SUBMITTED
        decided_at = timezone.make_aware(
            datetime.datetime.combine(
                min(day + datetime.timedelta(days=rng.randint(2, 12)), today), datetime.time(11)
            )
        )
        recorder, decider = rng.sample(staff, 2) if len(staff) > 1 else (staff[0], staff[0])
        description = rng.choice(CLAIM_REASONS)
        claims.append(
            (
                pk,
                person_id,
                description,
                status,
                total,
                recorder.pk,
                decider.pk if decided else None,
                decided_at if decided else None,
                "No receipt for the parking" if status == ExpenseClaim.Status.REJECTED else "",
                (decided_at.date() + datetime.timedelta(days=7))
                if status == ExpenseClaim.Status.PAID
                else None,
            )
        )
        if status in (ExpenseClaim.Status.APPROVED, ExpenseClaim.Status.PAID):
            # Every line of a claim is dated on the claim's day.
            period = rules.month_start(decided_at.date())
            entries.append(
                (person_id, LedgerEntry.Kind.EXPENSE, pk, period, day, total, False, description, decider.pk)
            )
    fields = ["id", "person_id", "description", "status", "total", "recorded_by_id", "decided_by_id"]
    insert_rows(ExpenseClaim, [*fields, "decided_at", "reason", "paid_on"], claims)
    fields = ["claim_id", "kind", "incurred_on", "description", "miles", "rate_per_mile", "amount"]
    insert_rows(ExpenseLine, fields, lines)
    fields = ["person_id", "kind", "claim_id", "period", "occurred_on", "amount", "taxable"]
    insert_rows(LedgerEntry, [*fields, "description", "created_by_id"], entries)
    if count <= 1000:
        _demo_receipts(ExpenseClaim.objects.filter(pk__in=ids[:DEMO_RECEIPTS]).order_by("pk"), staff)
    return len(claims)


def _demo_receipts(claims, staff) -> None:
    for index, claim in enumerate(claims):
        receipt = Receipt(
            claim=claim,
            token=f"demo{index:028d}",
            content_type="application/pdf",
            extension="pdf",
            size=0,
            original_name="receipt.pdf",
            uploaded_by=staff[0],
        )
        content = b"%PDF-1.4\n% demo receipt: an invented bus ticket\n%%EOF\n"
        receipt.size = len(content)
        receipt.file.save("receipt.pdf", ContentFile(content), save=False)
        receipt.save()


def _export_old_months(today, staff) -> None:
    """Every month before last month has gone to finance, as it would have in real life."""
    first = LedgerEntry.objects.order_by("period").values_list("period", flat=True).first()
    if first is None:
        return
    last_exported = rules.month_start(rules.month_start(today) - datetime.timedelta(days=32))
    period = first
    while period < last_exported:
        text, rows, total = export_csv(period)
        FinanceExport.objects.create(period=period, exported_by=staff[0], rows=rows, total=total, csv=text)
        period = rules.next_month(period)
