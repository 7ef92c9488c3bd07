"""axe-core (WCAG 2.2 A and AA rules) over every page of the access matrix, as each role
that may open it, in headless Chromium."""

import os

import pytest
from django.urls import reverse

from tests.access_matrix import MATRIX
from tests.browser import CHROMIUM, CHROMIUM_ARGS, axe_violations, session_cookie_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pages_for(role: str) -> list[str]:
    return sorted(name for name, rule in MATRIX.items() if rule.expected(role) == 200 and not rule.not_html)


@pytest.fixture(scope="module")
def chrome():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("role", ["anon", "ppi", "qi", "board"])
def test_pages_have_no_wcag_violations(role, chrome, live_server, role_users, other_qi_user):
    ctx = {**role_users, "other_qi": other_qi_user}
    context = chrome.new_context(bypass_csp=True)
    if role != "anon":
        context.add_cookies([session_cookie_for(ctx[role], live_server.url)])
    page = context.new_page()
    failures = {}
    checked = 0
    for url_name in pages_for(role):
        rule = MATRIX[url_name]
        path = reverse(url_name, kwargs=rule.kwargs(ctx) if rule.kwargs else None)
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, (
            f"{path} as {role}: {response and response.status}"
        )
        violations = axe_violations(page)
        if violations:
            failures[path] = violations
        checked += 1
    context.close()
    assert checked > 0
    assert failures == {}
