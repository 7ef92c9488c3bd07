"""Values written as the templates' filters write them, for tables whose cells are made in
Python: a lookup by the template engine costs more than the rest of a cell, and a table
makes several on each of its rows."""

import datetime
from functools import lru_cache

from django.conf import settings
from django.utils import timezone, translation
from django.utils.dates import MONTHS, MONTHS_3


def start_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment of `day`, local time: where a range of whole days starts and ends."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def local(value: datetime.datetime) -> datetime.datetime:
    """A moment in the Trust's time (TIME_ZONE). No other zone is ever activated, so this
    skips timezone.localtime's per-call lookup of the active one: a table calls it per row."""
    return value.astimezone(timezone.get_default_timezone())


@lru_cache(maxsize=1)
def _month_names() -> tuple[list[str], list[str]]:
    """The months' names and short names, indexed by month number, in the site's one language
    (LANGUAGE_CODE: nothing activates another). A name is a lazy translation, and asking for
    the active language again on each row of a table (a context-local lookup, ~3 µs) costs
    more than the rest of the date."""
    numbers = range(1, 13)
    with translation.override(settings.LANGUAGE_CODE):
        return [""] + [str(MONTHS[n]) for n in numbers], [""] + [str(MONTHS_3[n]).title() for n in numbers]


def short_date(value: datetime.date | datetime.datetime) -> str:
    """What `{{ value|date:"j M Y" }}` writes (4 Dec 2026); a moment in local time."""
    if isinstance(value, datetime.datetime):
        value = local(value)
    return f"{value.day} {_month_names()[1][value.month]} {value.year}"


def day_month(value: datetime.date | datetime.datetime) -> str:
    """What `{{ value|date:"j M" }}` writes (4 Dec); a moment in local time."""
    if isinstance(value, datetime.datetime):
        value = local(value)
    return f"{value.day} {_month_names()[1][value.month]}"


def long_date(value: datetime.date | datetime.datetime) -> str:
    """What `{{ value|date:"j F Y" }}` writes (4 December 2026); a moment in local time."""
    if isinstance(value, datetime.datetime):
        value = local(value)
    return f"{value.day} {_month_names()[0][value.month]} {value.year}"


def month_year(value: datetime.date | datetime.datetime) -> str:
    """What `{{ value|date:"F Y" }}` writes (December 2026); a moment in local time."""
    if isinstance(value, datetime.datetime):
        value = local(value)
    return f"{_month_names()[0][value.month]} {value.year}"
