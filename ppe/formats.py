"""Values written as the templates' filters write them, for tables whose cells are made in
Python: a lookup by the template engine costs more than the rest of a cell, and a table
makes several on each of its rows."""

import datetime

from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3


def local(value: datetime.datetime) -> datetime.datetime:
    """A moment in the Trust's time (TIME_ZONE). No other zone is ever activated, so this
    skips timezone.localtime's per-call lookup of the active one: a table calls it per row."""
    return value.astimezone(timezone.get_default_timezone())


def short_date(value: datetime.date | datetime.datetime) -> str:
    """What `{{ value|date:"j M Y" }}` writes (4 Dec 2026); a moment in local time."""
    if isinstance(value, datetime.datetime):
        value = local(value)
    return f"{value.day} {MONTHS_3[value.month].title()} {value.year}"


def long_date(value: datetime.date | datetime.datetime) -> str:
    """What `{{ value|date:"j F Y" }}` writes (4 December 2026); a moment in local time."""
    if isinstance(value, datetime.datetime):
        value = local(value)
    return f"{value.day} {MONTHS[value.month]} {value.year}"


def month_year(value: datetime.date | datetime.datetime) -> str:
    """What `{{ value|date:"F Y" }}` writes (December 2026); a moment in local time."""
    if isinstance(value, datetime.datetime):
        value = local(value)
    return f"{MONTHS[value.month]} {value.year}"
