"""Two members of staff record sessions for the same partner at the same moment, on two
real database connections: the cap still holds, exactly six are paid."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from people_bank.payments import services
from people_bank.payments.models import LedgerEntry, Session, SessionalRate
from tests.factories import PatientPartnerFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("two real connections racing need PostgreSQL; SQLite runs one writer at a time")


def test_two_staff_entering_sessions_at_once_leave_exactly_six_payable():
    # transaction=True empties the tables, the migration's rates with them.
    SessionalRate.objects.get_or_create(
        effective_from=datetime.date(2020, 4, 6), defaults={"amount": Decimal("20.00"), "monthly_cap": 6}
    )
    today = timezone.localdate()
    partner = PatientPartnerFactory(started_on=today - datetime.timedelta(days=400)).person
    staff = [UserFactory(username=f"race.ppi{i}", role="PPI team") for i in range(2)]
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def enter(user, days):
        try:
            barrier.wait(timeout=10)
            for day in days:
                services.session_record(
                    person=partner, held_on=month.replace(day=day), minutes=60, kind="event", by=user
                )
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=enter, args=(staff[0], range(1, 7))),
        threading.Thread(target=enter, args=(staff[1], range(7, 13))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert Session.objects.filter(person=partner).count() == 12
    assert Session.objects.filter(person=partner, amount__gt=0).count() == 6
    assert LedgerEntry.objects.filter(person=partner).count() == 6
