"""The filtered queue from SQL compiled once per combination of filters: the same requests,
in the same order and with the same total, as the filters' own queryset gives."""

import datetime
import itertools

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from involvement_requests import selectors
from involvement_requests.filters import RequestFilter
from involvement_requests.models import Status
from tests import factories
from tests.factories import rung

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests_made():
    lead = factories.UserFactory(role="QI lead")
    cmgs = [factories.ClinicalManagementGroupFactory() for _ in range(2)]
    priorities = [factories.QualityPriorityFactory() for _ in range(2)]
    statuses = itertools.cycle([Status.SUBMITTED, Status.IN_ASSESSMENT, Status.ACTIVE, Status.MORE_INFO])
    start = timezone.make_aware(datetime.datetime(2026, 5, 30, 21, 0))
    for n in range(24):
        factories.InvolvementRequestFactory(
            submitted_by=lead,
            title=f"Request {n}",
            status=next(statuses),
            cmg=cmgs[n % 2],
            priority=priorities[n // 12],
            proposed_rung=rung(2 + n % 4),
            planned_rung=rung(6) if n % 5 == 0 else None,
            last_submitted_at=start + datetime.timedelta(hours=5 * n),
        )
    return cmgs, priorities


def _expected(filterset, start, size):
    queryset = filterset.qs
    ids = queryset.values_list("pk", flat=True)[start : start + size]
    rows = selectors.request_rows(queryset, ids)
    return rows, queryset.count() if rows else 0  # past the end: no rows, and no count read


def test_every_combination_of_filters_gives_the_rows_and_total_of_its_own_queryset(requests_made):
    cmgs, priorities = requests_made
    queries = [
        "status=active",
        f"cmg={cmgs[0].pk}",
        f"cmg={cmgs[1].pk}",  # the same filters with another value: the same SQL, other rows
        f"cmg={cmgs[1].pk}&priority={priorities[0].pk}",
        f"rung={rung(4).pk}",
        f"rung={rung(6).pk}&status=active",
        "submitted_from=2026-05-31",
        "submitted_from=2026-06-02",
        "submitted_to=2026-06-01",
        "submitted_from=2026-06-01&submitted_to=2026-06-02",
        f"cmg={cmgs[1].pk}&submitted_from=2026-06-03&status=submitted",
        "status=withdrawn",  # none at all
    ]
    for query, queue in itertools.product(queries, ["all", "new", "in_assessment", "overdue"]):
        filterset = RequestFilter(QueryDict(query), queryset=selectors.queue(queue))
        assert filterset.is_valid(), filterset.form.errors
        for start in (0, 2):
            assert filterset.page_rows(queue, start, 3) == _expected(filterset, start, 3), (
                query,
                queue,
                start,
            )


def test_the_filtered_queue_pages_on_and_a_page_past_its_end_shows_the_last(ppi_client, requests_made):
    cmgs, _ = requests_made
    url = reverse("involvement_requests:queue") + f"?queue=all&cmg={cmgs[0].pk}"
    first = ppi_client.get(url).content.decode()
    assert "Request 0<" in first and "Request 1<" not in first
    past = ppi_client.get(url + "&page=9")
    assert past.status_code == 200
    assert "Request 22<" in past.content.decode()  # the last of the twelve on that CMG


def test_the_overdue_queue_moves_with_the_clock(ppi_client, settings):
    lead = factories.UserFactory(role="QI lead")
    now = timezone.now()
    for days in (3, 9, 20):
        factories.InvolvementRequestFactory(
            submitted_by=lead,
            title=f"Waiting {days} days",
            status=Status.SUBMITTED,
            last_submitted_at=now - datetime.timedelta(days=days),
        )
    url = reverse("involvement_requests:queue") + "?queue=overdue"
    settings.REQUESTS_ASSESSMENT_DUE_DAYS = 10
    page = ppi_client.get(url).content.decode()
    assert "Waiting 20 days" in page and "Waiting 9 days" not in page
    settings.REQUESTS_ASSESSMENT_DUE_DAYS = 5  # the same SQL, another moment to count from
    page = ppi_client.get(url).content.decode()
    assert "Waiting 20 days" in page and "Waiting 9 days" in page and "Waiting 3 days" not in page
