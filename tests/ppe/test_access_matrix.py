"""Every named URL × every role, against the one table in tests/access_matrix.py."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_matrix import IGNORED_NAMESPACES, LOGIN, MATRIX, ROLES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def named_urls(patterns=None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            if inner in IGNORED_NAMESPACES:
                continue
            prefix = f"{namespace}{inner}:" if inner else namespace
            names |= named_urls(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_named_url_declares_its_access():
    declared = set(MATRIX)
    routed = named_urls()
    assert routed - declared == set(), "add these URLs to tests/access_matrix.py"
    assert declared - routed == set(), "these lines in tests/access_matrix.py name no URL"


@pytest.fixture
def ctx(role_users, other_qi_user):
    return {**role_users, "other_qi": other_qi_user}


def client_as(role: str, ctx) -> Client:
    client = Client()
    if role != "anon":
        client.force_login(ctx[role])
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_role_gets_the_declared_status(url_name, role, ctx):
    rule = MATRIX[url_name]
    url = reverse(url_name, kwargs=rule.kwargs(ctx) if rule.kwargs else None)
    response = client_as(role, ctx).get(url)
    expected = rule.expected(role)
    if expected == LOGIN:
        assert response.status_code == 302, f"{url_name} should send {role} to sign in"
        assert response.url.startswith(reverse("login")), response.url
    else:
        assert response.status_code == expected, f"{url_name} as {role}"


def test_a_user_with_no_role_cannot_open_staff_pages():
    client = Client()
    client.force_login(UserFactory(username="no.role"))
    assert client.get(reverse("home")).status_code == 403
