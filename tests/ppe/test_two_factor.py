import base64
import hashlib
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ppe import totp
from ppe.models import SecurityPolicy, TwoFactorDevice
from tests.conftest import STAFF_PASSWORD

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("when", "expected"),
    [(59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"), (2000000000, "69279037")],
)
def test_codes_match_the_rfc_6238_test_vectors(when, expected):
    assert totp.code_for_step(RFC_SECRET, totp.step_at(when), digits=8, digest=hashlib.sha1) == expected


def test_a_code_is_accepted_within_one_step_of_clock_drift_and_only_once():
    secret = totp.new_secret()
    now = 1_800_000_000
    code = totp.code_for_step(secret, totp.step_at(now))
    step = totp.matching_step(secret, code, when=now + 30)
    assert step == totp.step_at(now)
    assert totp.matching_step(secret, code, when=now, last_used_step=step) is None
    assert totp.matching_step(secret, code, when=now + 90) is None
    assert totp.matching_step(secret, "12345", when=now) is None


def _device_for(user) -> TwoFactorDevice:
    return TwoFactorDevice.objects.create(user=user, secret=totp.new_secret(), confirmed_at=timezone.now())


def _current_code(device) -> str:
    return totp.code_for_step(device.secret, totp.step_at(time.time()))


@pytest.mark.django_db
def test_with_an_authenticator_the_password_alone_does_not_sign_in(ppi_user):
    device = _device_for(ppi_user)
    client = Client()
    response = client.post(reverse("login"), {"username": ppi_user.username, "password": STAFF_PASSWORD})
    assert response.url == reverse("two_factor_verify")
    assert client.get(reverse("home")).status_code == 302

    wrong = client.post(
        reverse("two_factor_verify"), {"code": "000000" if _current_code(device) != "000000" else "111111"}
    )
    assert "The code is not right" in wrong.content.decode()

    right = client.post(reverse("two_factor_verify"), {"code": _current_code(device)})
    assert right.status_code == 302
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_the_same_code_cannot_sign_in_twice(ppi_user):
    device = _device_for(ppi_user)
    code = _current_code(device)
    first = Client()
    first.post(reverse("login"), {"username": ppi_user.username, "password": STAFF_PASSWORD})
    assert first.post(reverse("two_factor_verify"), {"code": code}).status_code == 302
    second = Client()
    second.post(reverse("login"), {"username": ppi_user.username, "password": STAFF_PASSWORD})
    response = second.post(reverse("two_factor_verify"), {"code": code})
    assert response.status_code == 200
    assert second.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_five_wrong_codes_send_you_back_to_sign_in(ppi_user):
    device = _device_for(ppi_user)
    wrong = "000000" if _current_code(device) != "000000" else "111111"
    client = Client()
    client.post(reverse("login"), {"username": ppi_user.username, "password": STAFF_PASSWORD})
    for _ in range(4):
        assert client.post(reverse("two_factor_verify"), {"code": wrong}).status_code == 200
    response = client.post(reverse("two_factor_verify"), {"code": wrong})
    assert response.url == reverse("login")
    assert client.post(reverse("two_factor_verify"), {"code": _current_code(device)}).url == reverse("login")


@pytest.mark.django_db
def test_a_letters_code_gets_a_clear_message(ppi_user):
    _device_for(ppi_user)
    client = Client()
    client.post(reverse("login"), {"username": ppi_user.username, "password": STAFF_PASSWORD})
    response = client.post(reverse("two_factor_verify"), {"code": "abcdef"})
    assert "Enter the 6-digit code" in response.content.decode()


@pytest.mark.django_db
def test_setting_up_needs_a_code_from_the_app(ppi_client, ppi_user):
    page = ppi_client.get(reverse("two_factor_setup"))
    secret = page.context["secret"].replace(" ", "")
    bad = ppi_client.post(reverse("two_factor_setup"), {"code": "123"})
    assert "Enter the 6-digit code" in bad.content.decode()
    assert not TwoFactorDevice.objects.filter(user=ppi_user).exists()
    code = totp.code_for_step(secret, totp.step_at(time.time()))
    assert ppi_client.post(reverse("two_factor_setup"), {"code": code}).status_code == 302
    assert TwoFactorDevice.objects.get(user=ppi_user).secret == secret


@pytest.mark.django_db
def test_when_the_team_requires_it_a_member_without_it_must_set_it_up_first(ppi_client, qi_client):
    SecurityPolicy.objects.update_or_create(id=1, defaults={"require_two_factor_for_ppi_team": True})
    response = ppi_client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("two_factor_setup")
    assert ppi_client.get(reverse("two_factor_setup")).status_code == 200
    # The rule is the PPI team's for its own members only.
    assert qi_client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_a_required_authenticator_cannot_be_turned_off(ppi_client, ppi_user):
    _device_for(ppi_user)
    SecurityPolicy.objects.update_or_create(id=1, defaults={"require_two_factor_for_ppi_team": True})
    ppi_client.post(reverse("two_factor_disable"))
    assert TwoFactorDevice.objects.filter(user=ppi_user).exists()


@pytest.mark.django_db
def test_the_ppi_team_can_require_two_factor_and_sees_who_lacks_it(ppi_client, ppi_user):
    _device_for(ppi_user)
    response = ppi_client.post(reverse("security_policy"), {"require_two_factor_for_ppi_team": "on"})
    assert response.status_code == 302
    assert SecurityPolicy.current().require_two_factor_for_ppi_team is True


@pytest.mark.django_db
def test_a_member_with_an_authenticator_costs_no_extra_query_when_it_is_required(ppi_client, ppi_user):
    """Who is signed in, their roles and their two-factor state come in one query (ppe.auth),
    so the team's rule adds no query to any page."""
    url = reverse("people_bank:person_list")
    ppi_client.get(url)
    with CaptureQueriesContext(connection) as without_rule:
        assert ppi_client.get(url).status_code == 200
    _device_for(ppi_user)
    SecurityPolicy.objects.update_or_create(id=1, defaults={"require_two_factor_for_ppi_team": True})
    with CaptureQueriesContext(connection) as with_rule:
        assert ppi_client.get(url).status_code == 200
    assert len(with_rule) == len(without_rule)


@pytest.mark.django_db
def test_the_rule_and_a_new_authenticator_apply_on_the_next_request(ppi_client, ppi_user):
    SecurityPolicy.objects.update_or_create(id=1, defaults={"require_two_factor_for_ppi_team": True})
    assert ppi_client.get(reverse("home")).url == reverse("two_factor_setup")
    _device_for(ppi_user)
    assert ppi_client.get(reverse("home")).status_code == 200
    SecurityPolicy.objects.filter(id=1).update(require_two_factor_for_ppi_team=False)
    TwoFactorDevice.objects.filter(user=ppi_user).delete()
    assert ppi_client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_who_is_signed_in_is_read_by_a_statement_prepared_once_per_connection(ppi_client, ppi_user):
    """On PostgreSQL the sign-in statement is planned once per connection (ppe.auth), yet
    its rows are read afresh: a role taken away applies at the next request, also after the
    connection is replaced."""
    if connection.vendor != "postgresql" or connection.settings_dict.get("CONN_MAX_AGE") == 0:
        pytest.skip("prepared only on PostgreSQL with connections kept between requests")
    url = reverse("people_bank:person_list")
    assert ppi_client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as read:
        assert ppi_client.get(url).status_code == 200
    assert read.captured_queries[0]["sql"].startswith("EXECUTE ppe_signed_in_user(")
    assert not any(query["sql"].startswith("PREPARE") for query in read.captured_queries)
    ppi_user.groups.clear()
    assert ppi_client.get(url).status_code == 403
    del connection._ppe_prepared  # as a new connection would find it
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    with CaptureQueriesContext(connection) as read:
        assert ppi_client.get(url).status_code == 403
    # Prepared in a savepoint (ppe.compiled), so a refusal would spoil nothing.
    statements = [q["sql"] for q in read.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert statements[0].startswith("PREPARE ppe_signed_in_user (bigint) AS")
    assert statements[1].startswith("EXECUTE ppe_signed_in_user(")
