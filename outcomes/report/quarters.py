"""Quarters of the NHS financial year: Q1 is April to June, Q4 is January to March.

A `Quarter` is a plain value. Its URL form is "2026-Q1" (the year the financial year
starts); people read it as "2026-27 Q1".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_SLUG = re.compile(r"^(\d{4})-Q([1-4])$")
# The months each quarter starts in, as (month, offset from the financial year's start year).
_STARTS = {1: (4, 0), 2: (7, 0), 3: (10, 0), 4: (1, 1)}


class QuarterError(ValueError):
    """A quarter that cannot be used, with a message to show as it is."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int  # the calendar year the financial year starts in: 2026 for 2026-27
    number: int  # 1..4

    def __post_init__(self):
        if self.number not in _STARTS:
            raise QuarterError("A quarter is numbered 1 to 4.")
        if not 2000 <= self.year <= 2998:
            raise QuarterError("Choose a financial year from 2000-01 to 2998-99.")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _SLUG.match((text or "").strip().upper())
        if not match:
            raise QuarterError(f"“{text}” is not a quarter. Write it as a year and quarter, like 2026-Q1.")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @classmethod
    def last_ended(cls, today: date) -> Quarter:
        return cls.containing(today).previous()

    @property
    def start(self) -> date:
        month, offset = _STARTS[self.number]
        return date(self.year + offset, month, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter (inclusive)."""
        return self.next().start - timedelta(days=1)

    @property
    def slug(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d} Q{self.number}"

    @property
    def months(self) -> str:
        return f"{self.start:%B} to {self.end:%B %Y}"

    def previous(self) -> Quarter:
        return Quarter(self.year, self.number - 1) if self.number > 1 else Quarter(self.year - 1, 4)

    def next(self) -> Quarter:
        return Quarter(self.year, self.number + 1) if self.number < 4 else Quarter(self.year + 1, 1)

    def has_ended(self, today: date) -> bool:
        return today > self.end

    def require_ended(self, today: date) -> Quarter:
        if not self.has_ended(today):
            first_day = self.end + timedelta(days=1)
            raise QuarterError(
                f"{self.label} has not ended yet: a report can be made from {first_day:%-d %B %Y}."
            )
        return self

    def __str__(self) -> str:
        return self.label


def parse_ended(text: str, today: date) -> Quarter:
    """A quarter typed in a form or a URL, refused if malformed or not yet over."""
    return Quarter.parse(text).require_ended(today)


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month = (h + leap - 7 * m + 114) // 31
    day = (h + leap - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _bank_holidays_near_quarter_starts(year: int) -> set[date]:
    """The England and Wales bank holidays that can fall in the first days of a quarter:
    New Year's Day (or its substitute) and Good Friday / Easter Monday around 1 April.
    Later holidays (May, August, Christmas) never touch a quarter's first week."""
    new_year = date(year, 1, 1)
    while new_year.weekday() >= 5:
        new_year += timedelta(days=1)
    easter = easter_sunday(year)
    return {new_year, easter - timedelta(days=2), easter + timedelta(days=1)}


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays_near_quarter_starts(day.year)


def first_working_day_after(quarter: Quarter) -> date:
    day = quarter.end + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
