"""Figures on requests for the Board report."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from involvement_requests.models import Status
from involvement_requests.selectors import requests_figures
from tests.factories import ClinicalManagementGroupFactory, InvolvementRequestFactory, UserFactory, rung

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def make(count: int, **fields):
    lead = UserFactory(role="QI lead")
    return [InvolvementRequestFactory(submitted_by=lead, **fields) for _ in range(count)]


def test_figures_count_received_assessed_and_decided_by_cmg():
    cardiac, renal = (
        ClinicalManagementGroupFactory(name="Cardiac"),
        ClinicalManagementGroupFactory(name="Renal"),
    )
    day = datetime.date(2026, 5, 1)
    make(
        2,
        cmg=cardiac,
        status=Status.ACCEPTED,
        submitted_at=at(day),
        assessed_at=at(day + datetime.timedelta(days=4)),
        planned_rung=rung(5),
    )
    make(
        1,
        cmg=renal,
        status=Status.DECLINED,
        decline_reason="Out of scope",
        submitted_at=at(day),
        assessed_at=at(day + datetime.timedelta(days=2)),
        planned_rung=rung(2),
    )
    make(1, cmg=renal, status=Status.SUBMITTED, submitted_at=at(day))
    # Outside the quarter: not counted.
    make(3, cmg=renal, status=Status.SUBMITTED, submitted_at=at(datetime.date(2026, 3, 31), 23))
    make(1, cmg=renal, status=Status.DRAFT)

    figures = requests_figures(START, END)
    assert (figures["received"], figures["assessed"], figures["accepted"], figures["declined"]) == (
        4,
        3,
        2,
        1,
    )
    by_cmg = {row["cmg__name"]: row for row in figures["by_cmg"]}
    assert by_cmg["Cardiac"]["accepted"] == 2 and by_cmg["Renal"]["received"] == 2
    assert figures["average_days_to_assessment"] == round((4 + 4 + 2) / 3, 1)
    assert figures["planned_top_share"] == round(100 * 2 / 3, 1)
    assert figures["achieved_top_share"] is None
    assert figures["without_involvement"] == 1
    spread = {row["rung"]: row["planned"] for row in figures["rung_spread"]}
    assert spread["Collaborating / Partnering"] == 2 and spread["Consulting"] == 1


def test_figures_take_a_fixed_number_of_queries():
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            requests_figures(START, END)
        return len(captured)

    make(
        2,
        status=Status.SUBMITTED,
        submitted_at=at(datetime.date(2026, 5, 2)),
        cmg=ClinicalManagementGroupFactory(),
    )
    few = queries()
    for _ in range(5):
        make(
            3,
            status=Status.SUBMITTED,
            submitted_at=at(datetime.date(2026, 5, 2)),
            cmg=ClinicalManagementGroupFactory(),
        )
    assert queries() == few
