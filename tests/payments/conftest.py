import datetime

import pytest
from django.utils import timezone

from people_bank.payments import services
from tests.factories import PatientPartnerFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


@pytest.fixture
def partner(db):
    """A Patient Partner in post for the last two years."""
    return PatientPartnerFactory(started_on=timezone.localdate() - datetime.timedelta(days=730)).person


@pytest.fixture
def colleague(db):
    return UserFactory(username="ppi.colleague", role="PPI team")


def last_month_day(day: int = 10) -> datetime.date:
    first = timezone.localdate().replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=day)


def record(person, by, held_on=None, **values):
    values = {"minutes": 90, "kind": "project_group", **values}
    return services.session_record(person=person, held_on=held_on or last_month_day(), by=by, **values)


def approved_claim(person, *, recorded_by, approved_by, amount: str, day=None, kind="public_transport"):
    """A one-line claim, recorded by one member of staff and approved by another."""
    line = {
        "kind": kind,
        "incurred_on": day or last_month_day(3),
        "description": "",
        "miles": None,
        "amount": amount,
    }
    claim = services.claim_create(person=person, description="Travel", line=line, by=recorded_by)
    return services.claim_approve(claim=claim, by=approved_by)
