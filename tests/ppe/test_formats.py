"""Dates written in Python read as the templates' date filter writes them."""

import datetime

from django.template import engines
from django.utils import timezone

from ppe.formats import day_month, long_date, short_date


def _filter(value, format_: str) -> str:
    return engines["django"].from_string(f'{{{{ value|date:"{format_}" }}}}').render({"value": value})


def test_dates_and_moments_are_written_as_the_date_filter_writes_them():
    late_on_a_summer_evening = timezone.make_aware(datetime.datetime(2026, 6, 30, 23, 30))
    just_after_midnight_utc = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)
    for value in (datetime.date(2026, 9, 4), late_on_a_summer_evening, just_after_midnight_utc):
        assert long_date(value) == _filter(value, "j F Y")
        assert short_date(value) == _filter(value, "j M Y")
        assert day_month(value) == _filter(value, "j M")
    assert long_date(just_after_midnight_utc) == "1 July 2026"  # the Trust's local day


def test_the_long_date_filter_writes_nothing_for_no_date():
    template = engines["django"].from_string('{{ value|long_date|default:"Never" }}')
    assert template.render({"value": None}) == "Never"
    assert template.render({"value": datetime.date(2026, 12, 4)}) == "4 December 2026"


def test_every_month_is_named_as_the_date_filter_names_it():
    from ppe.formats import month_year

    for month in range(1, 13):
        day = datetime.date(2026, month, 28)
        assert (short_date(day), long_date(day)) == (_filter(day, "j M Y"), _filter(day, "j F Y"))
        assert month_year(day) == _filter(day, "F Y")
