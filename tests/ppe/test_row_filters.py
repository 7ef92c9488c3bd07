"""The filters the payments and outcomes row templates use write what Django's wrote."""

import datetime
from decimal import Decimal

import pytest
from django.template import engines
from django.utils import timezone

from ppe.formats import month_year
from ppe.rows import environment, money


def _django(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_a_month_is_written_as_the_date_filter_writes_it():
    for value in (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
        timezone.make_aware(datetime.datetime(2026, 6, 30, 23, 30)),
        datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC),  # 1 July in London
    ):
        assert month_year(value) == _django('{{ v|date:"F Y" }}', v=value)
    assert environment().from_string("{{ v|month_year }}").render(v=datetime.date(2026, 3, 1)) == "March 2026"


@pytest.mark.parametrize(("amount", "written"), [("4", "4.00"), ("12.5", "12.50"), ("-20.00", "-20.00")])
def test_money_has_two_decimal_places(amount, written):
    assert money(Decimal(amount)) == written
    assert environment().from_string("£{{ v|money }}").render(v=Decimal(amount)) == f"£{written}"
