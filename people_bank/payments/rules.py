"""Pure rules of payments: values in, values out, no database.

The cap: a Patient Partner is paid for at most `cap` sessions in a calendar month; later
sessions that month are recorded but not payable. The tax year runs 6 April to 5 April.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
TAX_YEAR_START = (4, 6)  # 6 April

# The first bytes of each receipt type we accept: the content decides, never the name.
RECEIPT_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
RECEIPT_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def money(value) -> Decimal:
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    first = month_start(day)
    return (first + datetime.timedelta(days=32)).replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return next_month(day) - datetime.timedelta(days=1)


def tax_year(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The UK tax year holding `day`: 6 April to the next 5 April, both inclusive."""
    start = datetime.date(day.year, *TAX_YEAR_START)
    if day < start:
        start = start.replace(year=day.year - 1)
    return start, start.replace(year=start.year + 1) - datetime.timedelta(days=1)


def within_cap(sessions_already_within_cap: int, cap: int) -> bool:
    """Whether one more session this month is payable, given how many already are."""
    return sessions_already_within_cap < cap


def mileage_amount(miles: Decimal, rate_per_mile: Decimal) -> Decimal:
    return money(Decimal(miles) * Decimal(rate_per_mile))


def receipt_type(head: bytes) -> str | None:
    """The receipt's content type from its first bytes, or None if it is not one we take."""
    for signature, content_type in RECEIPT_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def period_label(period: datetime.date) -> str:
    return f"{period:%B %Y}"


def parse_period(text: str) -> datetime.date | None:
    """'2026-03' -> 1 March 2026; anything else -> None."""
    try:
        year, month = (int(part) for part in str(text).split("-"))
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return None
