"""Two PPI team members act on the same request at the same moment: exactly one wins."""

import threading

import pytest
from django.db import connection, connections

from involvement_requests import services
from involvement_requests.models import InvolvementRequest, RequestStatusChange, Status
from tests.factories import InvolvementRequestFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("two real connections racing need PostgreSQL")


def test_two_staff_racing_on_the_same_request_exactly_one_wins():
    lead = UserFactory(username="race.lead", role="QI lead")
    first, second = (
        UserFactory(username="race.one", role="PPI team"),
        UserFactory(username="race.two", role="PPI team"),
    )
    request = InvolvementRequestFactory(submitted_by=lead, complete=True, status=Status.SUBMITTED)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name, user, move):
        try:
            seen = InvolvementRequest.objects.get(pk=request.pk)  # both see "submitted"
            barrier.wait(timeout=10)
            move(request=seen, by=user)
            outcomes[name] = "won"
        except services.SomeoneElseFirst:
            outcomes[name] = "lost"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=("start", first, services.request_start_assessment)),
        threading.Thread(target=act, args=("withdraw", second, services.request_withdraw)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes.values()) == ["lost", "won"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "won")
    final = InvolvementRequest.objects.get(pk=request.pk).status
    assert final == {"start": Status.IN_ASSESSMENT, "withdraw": Status.WITHDRAWN}[winner]
    assert RequestStatusChange.objects.filter(request=request).count() == 1
