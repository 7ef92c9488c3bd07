import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ppe import retention
from ppe.tasks import apply_retention

pytestmark = pytest.mark.django_db


def test_sign_in_records_go_once_their_time_is_up_and_not_before(ppi_user, settings):
    Client().post(reverse("login"), {"username": ppi_user.username, "password": "a wrong password"})
    assert AccessAttempt.objects.count() == 1
    days = settings.RETENTION_DAYS["sign_in_records"]

    not_yet = retention.apply_all(now=timezone.now() + datetime.timedelta(days=days - 1))
    assert not_yet["sign-in records"] == 0
    assert AccessAttempt.objects.count() == 1

    later = retention.apply_all(now=timezone.now() + datetime.timedelta(days=days + 1))
    assert later["sign-in records"] == 1
    assert AccessAttempt.objects.count() == 0


def test_the_nightly_task_applies_every_registered_rule():
    result = apply_retention.delay().get()
    assert set(result) == {rule.name for rule in retention.rules()}


def test_a_rule_must_name_a_configured_period():
    with pytest.raises(KeyError):
        retention.register(retention.RetentionRule("x", "no_such_setting", lambda cutoff: 0))
