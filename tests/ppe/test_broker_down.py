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
    # The email the move owes its submitter is kept to resend, not lost.
    from ppe.models import PendingTask

    assert list(PendingTask.objects.values_list("task", flat=True)) == [
        "involvement_requests.tasks.notify_status_change"
    ]


def test_work_kept_while_redis_was_down_goes_out_when_it_is_back(
    ppi_client, qi_user, mailoutbox, django_capture_on_commit_callbacks
):
    from ppe.models import PendingTask
    from ppe.queue import resend_pending
    from tests.factories import InvolvementRequestFactory

    request = InvolvementRequestFactory(complete=True, status=Status.SUBMITTED, submitted_by=qi_user)
    move = reverse("involvement_requests:move", args=[request.pk, "start-assessment"])
    saved = (app.conf.task_always_eager, app.conf.broker_url, app._pool, app.amqp._producer_pool)
    app.conf.task_always_eager = False
    app.conf.broker_url = DOWN
    app._pool = app.amqp._producer_pool = None
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert ppi_client.post(move, {"status": "submitted"}).status_code == 302
        assert resend_pending() == 0  # still down: the task waits
        assert PendingTask.objects.get().attempts == 1
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app._pool, app.amqp._producer_pool = saved
    assert mailoutbox == []

    # Redis is back (here: tasks run in-process as they are sent): the email goes.
    assert resend_pending() == 1
    assert PendingTask.objects.count() == 0
    assert [message.to for message in mailoutbox] == [[qi_user.email]]
    assert request.title in mailoutbox[0].subject + mailoutbox[0].body


def test_health_check_counts_work_waiting_for_the_broker(client):
    from ppe.models import PendingTask

    PendingTask.objects.create(task="ppe.tasks.ping", args=["x"])
    assert client.get(reverse("healthz")).json()["tasks_waiting_for_broker"] == 1
