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


def _race(*targets) -> list[BaseException]:
    barrier = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def run(target):
        try:
            barrier.wait(timeout=10)
            target()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_two_staff_approving_one_claim_at_once_pay_it_once():
    from people_bank.payments.models import ExpenseClaim

    first, second = (UserFactory(username=f"race.approver{i}", role="PPI team") for i in range(2))
    recorder = UserFactory(username="race.recorder", role="PPI team")
    partner = PatientPartnerFactory().person
    claim = services.claim_create(
        person=partner,
        description="Parking",
        line={
            "kind": "parking",
            "incurred_on": timezone.localdate(),
            "description": "",
            "miles": None,
            "amount": "5",
        },
        by=recorder,
    )
    errors = _race(
        lambda: services.claim_approve(claim=ExpenseClaim.objects.get(pk=claim.pk), by=first),
        lambda: services.claim_approve(claim=ExpenseClaim.objects.get(pk=claim.pk), by=second),
    )
    assert len(errors) == 1 and isinstance(errors[0], services.PaymentsError)
    assert LedgerEntry.objects.filter(claim=claim).count() == 1


def test_a_session_recorded_while_its_month_is_exported_is_in_that_export_or_the_next_month():
    from people_bank.payments.models import FinanceExport

    SessionalRate.objects.get_or_create(
        effective_from=datetime.date(2020, 4, 6), defaults={"amount": Decimal("20.00"), "monthly_cap": 6}
    )
    today = timezone.localdate()
    partner = PatientPartnerFactory(started_on=today - datetime.timedelta(days=400)).person
    user = UserFactory(username="race.exporter", role="PPI team")
    held_on = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=15)
    errors = _race(
        lambda: services.month_export(period=held_on, by=user),
        lambda: services.session_record(person=partner, held_on=held_on, minutes=60, kind="event", by=user),
    )
    assert errors == []
    entry = LedgerEntry.objects.get(person=partner)
    export = FinanceExport.objects.get(period=held_on.replace(day=1))
    if entry.period == export.period:
        assert export.rows == 1 and f"PPI-{partner.pk:06d}" in export.csv
    else:
        assert entry.period == today.replace(day=1) and export.rows == 0
