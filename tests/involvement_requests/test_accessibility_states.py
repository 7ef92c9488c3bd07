"""axe-core over states the access matrix does not reach: a long paginated queue, the
request form showing every missing answer, and a request with its score and history."""

import os

import pytest
from django.urls import reverse

from involvement_requests import services
from involvement_requests.models import Status
from tests.browser import CHROMIUM, CHROMIUM_ARGS, axe_violations, session_cookie_for
from tests.factories import InvolvementRequestFactory, UserFactory, default_ladder, rung

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_busy_pages_and_error_states_have_no_wcag_violations(live_server):
    from playwright.sync_api import sync_playwright

    default_ladder()
    ppi = UserFactory(username="axe.ppi", role="PPI team")
    lead = UserFactory(username="axe.qi", role="QI lead")
    for _ in range(30):
        InvolvementRequestFactory(submitted_by=lead, complete=True, status=Status.SUBMITTED)
    scored = InvolvementRequestFactory(submitted_by=lead, complete=True)
    services.request_submit(request=scored, by=lead)
    services.request_start_assessment(request=scored, by=ppi)
    services.assessment_save(
        request=scored,
        by=ppi,
        relevance=2,
        patient_focus=3,
        timing="during",
        equality=1,
        recommended_rung=rung(5),
    )

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        failures = {}
        for user, paths, form_path in (
            (
                ppi,
                [
                    reverse("involvement_requests:queue") + "?queue=all&page=2",
                    reverse("involvement_requests:queue")
                    + "?queue=all&status=submitted&rung="
                    + str(rung(5).pk),
                    reverse("involvement_requests:detail", args=[scored.pk]),
                ],
                None,
            ),
            (
                lead,
                [reverse("involvement_requests:detail", args=[scored.pk])],
                reverse("involvement_requests:create"),
            ),
        ):
            context = browser.new_context(bypass_csp=True)
            context.add_cookies([session_cookie_for(user, live_server.url)])
            page = context.new_page()
            for path in paths:
                assert page.goto(live_server.url + path).status == 200
                if violations := axe_violations(page):
                    failures[path] = violations
            if form_path:
                page.goto(live_server.url + form_path)
                page.fill("#id_title", "Half a request")
                page.click("button[name=submit_request]")
                assert page.locator(".nhsuk-error-summary").count() == 1
                if violations := axe_violations(page):
                    failures[form_path + " (errors)"] = violations
            context.close()
        browser.close()
    assert failures == {}
