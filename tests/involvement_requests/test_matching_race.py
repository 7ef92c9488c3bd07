"""Two answers through one link, or two staff allocating one partner, at the same moment:
exactly one counts."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from involvement_requests import services
from involvement_requests.models import Allocation, Invitation, RequestStatusChange, Status
from tests.factories import InvolvementRequestFactory, UserFactory, invitation_with_link, partner_in_tenure

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("two real connections racing need PostgreSQL")


def race(*actions) -> list[str]:
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action):
        try:
            barrier.wait(timeout=10)
            action()
            outcomes.append("won")
        except services.RequestError:
            outcomes.append("lost")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    return sorted(outcomes)


def test_two_clicks_on_one_link_at_once_record_one_answer():
    lead = UserFactory(username="race.lead", role="QI lead")
    request = InvolvementRequestFactory(submitted_by=lead, complete=True, status=Status.ACCEPTED)
    invitation, token = invitation_with_link(request=request)

    outcomes = race(
        lambda: services.invitation_respond(token=token, accept=True),
        lambda: services.invitation_respond(token=token, accept=False),
    )

    assert outcomes == ["lost", "won"]
    invitation.refresh_from_db()
    assert invitation.status in ("accepted", "declined") and invitation.responded_at is not None
    assert Invitation.objects.filter(pk=invitation.pk, status="invited").count() == 0


def test_two_staff_allocating_the_same_partner_at_once_make_one_allocation():
    lead = UserFactory(username="race.lead2", role="QI lead")
    first = UserFactory(username="race.ppi1", role="PPI team")
    second = UserFactory(username="race.ppi2", role="PPI team")
    request = InvolvementRequestFactory(submitted_by=lead, complete=True, status=Status.ACCEPTED)
    partner = partner_in_tenure()
    today = timezone.localdate()

    def allocate(by):
        return lambda: services.allocation_create(
            request=request, person=partner, role="project_group", starts_on=today, ends_on=today, by=by
        )

    assert race(allocate(first), allocate(second)) == ["lost", "won"]
    assert Allocation.objects.filter(request=request).count() == 1
    assert RequestStatusChange.objects.filter(request=request, to_status=Status.PEOPLE_ALLOCATED).count() == 1
