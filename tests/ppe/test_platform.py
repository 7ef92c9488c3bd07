"""Headers, health check, deployment settings: what an operator or a browser notices."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_forbids_content_from_other_hosts():
    response = Client().get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_pages_seen_while_signed_in_are_not_stored(ppi_client):
    assert "no-store" in ppi_client.get(reverse("home")).headers["Cache-Control"]


def test_pages_link_only_to_our_own_static_files(ppi_client):
    html = ppi_client.get(reverse("home")).content.decode()
    assert 'href="/static/dist/ppe.css"' in html
    for foreign in ("http://", "https://", "//assets.nhs.uk"):
        assert f'src="{foreign}' not in html and f'href="{foreign}' not in html


def test_healthz_answers_ok_when_the_database_answers():
    response = Client().get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_healthz_says_503_and_names_the_broker_when_it_is_down():
    response = Client().get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("failed")


def test_deploy_check_is_clean_with_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "ppe.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "ppi.example.nhs.uk",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ppe.settings.production", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_database_outage_is_a_503_that_says_so(rf):
    from django.db import OperationalError

    from ppe.views import server_error

    try:
        raise OperationalError("could not connect to server")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "cannot reach its database" in response.content.decode()


def _header(html: str) -> str:
    return html[html.index("<header") : html.index("</header>")]


def test_the_header_names_who_is_signed_in_and_marks_their_section(ppi_client, ppi_user, board_client):
    people = _header(ppi_client.get(reverse("people_bank:person_list")).content.decode())
    assert ppi_user.get_full_name() in people
    assert 'aria-current="page"' in people.split(">People<")[0].rsplit("<li", 1)[1]
    assert people.count('aria-current="page"') == 1
    home = _header(ppi_client.get(reverse("home")).content.decode())
    assert 'aria-current="page"' in home.split(">Home<")[0].rsplit("<li", 1)[1]
    assert "People" in home and "Audit log" in home
    # The same header, kept, is not someone else's: a Board member sees their own name and menu.
    board = _header(board_client.get(reverse("home")).content.decode())
    assert ppi_user.get_full_name() not in board and "People" not in board and "Audit log" not in board


def test_each_page_signs_out_with_its_own_csrf_token(ppi_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ppi_user)
    first = _header(client.get(reverse("home")).content.decode())
    second = _header(client.get(reverse("home")).content.decode())
    token = second.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert first != second  # the token is masked afresh on every page
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302  # signed out
