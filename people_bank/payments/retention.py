"""What payments give up with time. Receipts (scans that may show addresses, card
numbers, children's names) go after RETENTION_DAYS["payment_receipts"], seven years by
default: the tax year plus the six more HMRC asks for. The ledger, claims and sessions
stay: they are the finance history, and the Board totals count them."""

from __future__ import annotations

import datetime

from ppe import retention


def _delete_old_receipts(cutoff: datetime.datetime) -> int:
    from people_bank.payments.models import Receipt

    removed = 0
    for receipt in Receipt.objects.filter(uploaded_at__lt=cutoff).iterator():
        receipt.file.delete(save=False)
        receipt.delete()
        removed += 1
    return removed


def register_rules() -> None:
    retention.register(
        retention.RetentionRule(
            "expense receipts",
            "payment_receipts",
            _delete_old_receipts,
            "Receipt files for expense claims; the claims and payments themselves are kept.",
        )
    )
