"""A double click or the back button must not save a form twice."""

import threading
import time
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from ppe import totp
from ppe.middleware import SUBMISSION_FIELD
from ppe.models import AuditEvent, TwoFactorDevice

pytestmark = pytest.mark.django_db


def _policy_changes() -> int:
    return AuditEvent.objects.filter(subject_type="ppe.securitypolicy", action="change").count()


def test_every_crispy_form_carries_a_fresh_submission_key(ppi_client):
    first = ppi_client.get(reverse("security_policy")).content.decode()
    second = ppi_client.get(reverse("security_policy")).content.decode()
    assert f'name="{SUBMISSION_FIELD}"' in first
    key = first.split(f'name="{SUBMISSION_FIELD}" value="')[1][:36]
    assert key not in second


def test_a_form_sent_twice_is_saved_once(ppi_client):
    data = {"require_two_factor_for_ppi_team": "on", SUBMISSION_FIELD: str(uuid.uuid4())}
    first = ppi_client.post(reverse("security_policy"), data)
    again = ppi_client.post(reverse("security_policy"), data, follow=True)
    assert first.status_code == 302
    assert again.redirect_chain[0][0] == first.url
    assert "saved once" in again.content.decode()
    assert _policy_changes() == 1


def test_a_form_with_errors_can_be_corrected_and_sent_with_the_same_key(ppi_client, ppi_user):
    key = str(uuid.uuid4())
    secret = ppi_client.get(reverse("two_factor_setup")).context["secret"].replace(" ", "")
    bad = ppi_client.post(reverse("two_factor_setup"), {"code": "12", SUBMISSION_FIELD: key})
    assert bad.status_code == 200
    code = totp.code_for_step(secret, totp.step_at(time.time()))
    good = ppi_client.post(reverse("two_factor_setup"), {"code": code, SUBMISSION_FIELD: key})
    assert good.status_code == 302
    assert TwoFactorDevice.objects.filter(user=ppi_user).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_two_racing_copies_of_one_form_save_once(ppi_user):
    data = {"require_two_factor_for_ppi_team": "on", SUBMISSION_FIELD: str(uuid.uuid4())}
    statuses = []
    start = threading.Barrier(2)

    def send():
        client = Client()
        client.force_login(ppi_user)
        start.wait()
        statuses.append(client.post(reverse("security_policy"), data).status_code)
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses)[0] == 302
    assert _policy_changes() == 1
