import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ppe.middleware import SESSION_STARTED_KEY, SESSION_TOUCH_SECONDS, SESSION_TOUCHED_KEY
from tests.conftest import STAFF_PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password}, follow=True)


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        ("PPI team", "Good to see you"),
        ("QI lead", "Your involvement requests"),
        ("Board member", "Patient and public involvement reports"),
    ],
)
def test_staff_land_on_the_page_for_their_role(role, heading):
    UserFactory(username="someone", role=role)
    response = sign_in(Client(), "someone", STAFF_PASSWORD)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert heading in response.content.decode()


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(ppi_user):
    wrong = sign_in(Client(), ppi_user.username, "not the password at all").content.decode()
    unknown = sign_in(Client(), "nobody.here", "not the password at all").content.decode()
    message = "The username or password is not right"
    assert message in wrong and message in unknown
    assert "There is a problem" in wrong


def test_ten_failed_sign_ins_pause_the_username_even_with_the_right_password(ppi_user):
    client = Client()
    for _ in range(10):
        sign_in(client, ppi_user.username, "wrong password, again")
    response = client.post(reverse("login"), {"username": ppi_user.username, "password": STAFF_PASSWORD})
    assert response.status_code == 429
    assert "Sign in is paused" in response.content.decode()


def test_nine_failed_sign_ins_do_not_lock_out(ppi_user):
    client = Client()
    for _ in range(9):
        sign_in(client, ppi_user.username, "wrong password, again")
    response = sign_in(client, ppi_user.username, STAFF_PASSWORD)
    assert response.redirect_chain[-1][0] == reverse("home")


def test_signing_out_ends_the_session(ppi_client):
    assert ppi_client.get(reverse("home")).status_code == 200
    ppi_client.post(reverse("logout"))
    response = ppi_client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_account_switched_off_is_signed_out_at_its_next_request(ppi_client, ppi_user):
    assert ppi_client.get(reverse("home")).status_code == 200
    ppi_user.is_active = False
    ppi_user.save(update_fields=["is_active"])
    response = ppi_client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_new_password_signs_out_other_sessions(ppi_client, ppi_user):
    assert ppi_client.get(reverse("home")).status_code == 200
    ppi_user.set_password("a different long passphrase")
    ppi_user.save()
    response = ppi_client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(ppi_client):
    session = ppi_client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - 12 * 60 * 60 - 1
    session.save()
    response = ppi_client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("login") + "?expired=1"
    assert ppi_client.get(reverse("home")).status_code == 302


def test_an_idle_session_ends_after_thirty_minutes_and_each_visit_renews_it(ppi_client, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    session = ppi_client.session
    session[SESSION_TOUCHED_KEY] = int(time.time()) - SESSION_TOUCH_SECONDS
    session.save()
    # As if the user had been idle for 29 minutes.
    Session.objects.filter(pk=session.session_key).update(expire_date=timezone.now() + timedelta(minutes=1))
    ppi_client.get(reverse("home"))
    renewed = Session.objects.get(pk=session.session_key).expire_date
    assert renewed > timezone.now() + timedelta(minutes=29)


def test_a_session_past_its_idle_limit_is_signed_out(ppi_client):
    session = ppi_client.session
    session.set_expiry(-1)
    session.save()
    response = ppi_client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("short pass", "at least 12 characters"),
        ("password1234", "too common"),
    ],
)
def test_weak_new_passwords_are_refused_with_a_reason(ppi_client, new_password, message):
    response = ppi_client.post(
        reverse("password_change"),
        {"old_password": STAFF_PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_long_passphrase_with_no_symbols_is_accepted(ppi_client, ppi_user):
    phrase = "kettle orchard lantern river"
    response = ppi_client.post(
        reverse("password_change"),
        {"old_password": STAFF_PASSWORD, "new_password1": phrase, "new_password2": phrase},
    )
    assert response.status_code == 302
    ppi_user.refresh_from_db()
    assert ppi_user.check_password(phrase)


def test_password_reset_says_the_same_whether_or_not_the_account_exists(ppi_user):
    known = Client().post(reverse("password_reset"), {"email": ppi_user.email}, follow=True)
    unknown = Client().post(reverse("password_reset"), {"email": "nobody@example.nhs.uk"}, follow=True)
    assert known.content.decode().count("Check your email") == unknown.content.decode().count(
        "Check your email"
    )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [ppi_user.email]
    assert "/accounts/reset/" in mail.outbox[0].body
