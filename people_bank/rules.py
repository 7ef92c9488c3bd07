"""Pure rules of the People Bank: values in, values out, no database.

Tenure: a Patient Partner is reviewed three years after starting; a satisfactory review
extends the tenure to six years, any other outcome ends it at three. Never beyond six.

Disclosure: NHS Digital's rule for small numbers, applied wherever an equality aggregate
leaves the PPI team: 0 stays 0, 1 to 7 shows as "*", larger counts are rounded to the
nearest 5, and percentages are worked out from the rounded counts.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

REVIEW_AFTER_YEARS = 3
FIRST_TERM_YEARS = 3
MAX_TENURE_YEARS = 6
SATISFACTORY = "satisfactory"

IMPROVER_SERVICE_USE_MONTHS = 18
REMINDER_DAYS = (60, 30, 7)
SMALL_NUMBER_LIMIT = 7


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 exists in every month


def review_due(started_on: datetime.date) -> datetime.date:
    return add_years(started_on, REVIEW_AFTER_YEARS)


def tenure_end(started_on: datetime.date, review_outcome: str | None) -> datetime.date:
    years = MAX_TENURE_YEARS if review_outcome == SATISFACTORY else FIRST_TERM_YEARS
    return add_years(started_on, min(years, MAX_TENURE_YEARS))


def tenure_in_force(started_on: datetime.date, review_outcome: str | None, on: datetime.date) -> bool:
    return started_on <= on < tenure_end(started_on, review_outcome)


def service_use_recent_enough(last_use: datetime.date, today: datetime.date) -> bool:
    """Hospital Improvers are current or recent patients: a service used in the last 18 months."""
    return last_use >= add_months(today, -IMPROVER_SERVICE_USE_MONTHS)


def reminder_threshold(due_on: datetime.date, today: datetime.date) -> int | None:
    """The reminder (60, 30 or 7 days before) that is due today or was missed, if any.

    The smallest threshold already reached wins, so a task that did not run for a few days
    sends the most urgent reminder, not three at once."""
    days_left = (due_on - today).days
    if days_left < 0:
        return None
    reached = [days for days in REMINDER_DAYS if days_left <= days]
    return min(reached) if reached else None


def suppress(count: int) -> str:
    """A count as it may be published: "0", "*" for 1 to 7, otherwise rounded to the nearest 5."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    if count == 0:
        return "0"
    if count <= SMALL_NUMBER_LIMIT:
        return "*"
    return str(rounded_count(count))


def rounded_count(count: int) -> int:
    """The count used for publication: 0, 0 for suppressed small numbers, else nearest 5."""
    if count <= SMALL_NUMBER_LIMIT:
        return 0
    return int((Decimal(count) / 5).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 5


def suppressed_percentages(counts: Mapping[str, int], places: int = 0) -> dict[str, str]:
    """Each category's share, worked out from the rounded counts (never the raw ones).

    Categories whose count is suppressed show "*"; an empty total gives "0" everywhere."""
    rounded = {key: rounded_count(value) for key, value in counts.items()}
    total = sum(rounded.values())
    quantum = Decimal(1).scaleb(-places)
    shares = {}
    for key, value in counts.items():
        if 0 < value <= SMALL_NUMBER_LIMIT:
            shares[key] = "*"
        elif total == 0:
            shares[key] = "0"
        else:
            share = (Decimal(rounded[key]) * 100 / total).quantize(quantum, rounding=ROUND_HALF_UP)
            shares[key] = str(share)
    return shares


def under_represented(share: Decimal, reference: Decimal, tolerance: Decimal = Decimal("0.8")) -> bool:
    """A group is under-represented when its share of the bank is below 80% of its share
    of the reference population (a common rule of thumb; the tolerance is a parameter)."""
    return reference > 0 and share < reference * tolerance
