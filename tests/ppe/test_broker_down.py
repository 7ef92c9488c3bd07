"""Redis down: what the user saved is kept and the page says so plainly, never a 500."""

import pytest
from django.urls import reverse

from involvement_requests.models import InvolvementRequest, Status
from ppe.celery import app
from ppe.queue import enqueue
from ppe.tasks import ping

pytestmark = pytest.mark.django_db

# Nothing listens on port 1.
DOWN = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_down():
    # Celery keeps its connection pool for the broker it first met: start a new one.
    saved = (app.conf.task_always_eager, app.conf.broker_url, app._pool, app.amqp._producer_pool)
    app.conf.task_always_eager = False
    app.conf.broker_url = DOWN
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app._pool, app.amqp._producer_pool = saved


def test_queueing_with_the_broker_down_says_so_and_does_not_raise(broker_down):
    assert enqueue(ping, "hello") is False


def test_a_request_moved_while_redis_is_down_is_saved_and_the_page_works(
    broker_down, ppi_client, django_capture_on_commit_callbacks
):
    from tests.factories import InvolvementRequestFactory

    request = InvolvementRequestFactory(complete=True, status=Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        response = ppi_client.post(
            reverse("involvement_requests:move", args=[request.pk, "start-assessment"]),
            {"status": "submitted"},
        )
    assert response.status_code == 302
    assert InvolvementRequest.objects.get(pk=request.pk).status == Status.IN_ASSESSMENT
