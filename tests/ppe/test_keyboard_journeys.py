"""Keyboard-only journeys in headless Chromium: focus always visible, no traps, errors
announced and focused; controls at least 24 by 24 pixels; public forms at 400% zoom."""

import os

import pytest
from django.urls import reverse

from tests.browser import CHROMIUM, CHROMIUM_ARGS, session_cookie_for
from tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FOCUS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
      && style.outlineColor !== 'rgba(0, 0, 0, 0)';
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const filled = style.backgroundColor === 'rgb(255, 235, 59)';  // the NHS focus yellow
  const name = el.name || el.textContent.trim().slice(0, 30);
  return {tag: el.tagName, name: name, visible: ring || shadow || filled};
}"""

SMALL_TARGETS = """() => [...document.querySelectorAll('button, input:not([type=hidden]), select, textarea')]
  .filter(el => el.offsetParent !== null && !el.closest('.ppe-honeypot'))
  .map(el => {
    const box = (el.type === 'checkbox' || el.type === 'radio') ? el.closest('div').getBoundingClientRect()
                                                                  : el.getBoundingClientRect();
    return {name: el.name || el.id, width: box.width, height: box.height};
  })
  .filter(t => t.width < 24 || t.height < 24)"""


@pytest.fixture(scope="module")
def chrome():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def tab_to(page, predicate: str, limit: int = 250) -> list[dict]:
    """Press Tab until the focused element matches; every stop must show its focus."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_VISIBLE)
        if state is None:
            continue
        stops.append(state)
        assert state["visible"], f"focus not visible on {state}"
        if page.evaluate(f"() => {{ const el = document.activeElement; return {predicate}; }}"):
            return stops
    raise AssertionError(f"never reached {predicate}: keyboard trap or missing control; stops {stops[-5:]}")


def test_hospital_improver_signs_up_with_the_keyboard_alone(chrome, live_server):
    service = ServiceFactory(name="Cardiology")
    page = chrome.new_page()
    page.goto(live_server.url + reverse("people_bank:improver_sign_up"))

    tab_to(page, "el.type === 'submit' || (el.tagName === 'BUTTON' && el.textContent.includes('Sign up'))")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator(".nhsuk-error-summary")
    assert summary.is_visible()
    assert page.locator(".nhsuk-error-summary [role=alert]").count() == 1
    assert page.evaluate("() => document.activeElement.classList.contains('nhsuk-error-summary')")

    # Follow the first error link with the keyboard: it lands on the field.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "id_first_name"
    page.keyboard.type("Nia")
    tab_to(page, "el.id === 'id_last_name'")
    page.keyboard.type("Okonkwo")
    tab_to(page, "el.id === 'id_email'")
    page.keyboard.type("nia.okonkwo@example.com")
    tab_to(page, "el.name === 'preferred_contact' && el.value === 'email'")
    page.keyboard.press("Space")
    tab_to(page, f"el.name === 'services' && el.value === '{service.pk}'")
    page.keyboard.press("Space")
    tab_to(page, "el.id === 'id_last_service_use_on_0'")
    page.keyboard.type("1")
    page.keyboard.press("Tab")
    page.keyboard.type("9")
    page.keyboard.press("Tab")
    page.keyboard.type("2026")
    for name in ("code_of_conduct", "hold_data"):
        tab_to(page, f"el.name === '{name}'")
        page.keyboard.press("Space")
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.includes('Sign up')")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + reverse("people_bank:improver_thanks"))
    page.close()


@pytest.mark.parametrize(
    "url_name", ["people_bank:improver_sign_up", "involvement_requests:bulletin", "login"]
)
def test_public_pages_have_large_enough_targets_and_read_at_400_percent_zoom(chrome, live_server, url_name):
    page = chrome.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + reverse(url_name))
    assert page.evaluate(SMALL_TARGETS) == []
    page.close()
    # 400% zoom of a 1280-pixel window is a 320 CSS-pixel page: nothing may need sideways scrolling.
    zoomed = chrome.new_page(viewport={"width": 320, "height": 256})
    zoomed.goto(live_server.url + reverse(url_name))
    overflow = zoomed.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    zoomed.close()


def test_a_qi_lead_reaches_every_control_of_the_request_form_and_hears_the_errors(
    chrome, live_server, qi_user
):
    context = chrome.new_context()
    context.add_cookies([session_cookie_for(qi_user, live_server.url)])
    page = context.new_page()
    page.goto(live_server.url + reverse("involvement_requests:create"))
    assert page.evaluate(SMALL_TARGETS) == []
    stops = tab_to(page, "el.tagName === 'BUTTON' && /submit/i.test(el.textContent + el.name + el.value)")
    assert len(stops) > 10
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".nhsuk-error-summary [role=alert]").count() == 1
    assert page.evaluate("() => document.activeElement.classList.contains('nhsuk-error-summary')")
    context.close()


def test_the_ppi_team_submits_an_expense_claim_with_the_keyboard_alone(chrome, live_server, ppi_user):
    import datetime

    from django.utils import timezone

    from people_bank.payments.models import ExpenseClaim, MileageRate
    from tests.factories import PatientPartnerFactory

    # A transactional test starts with empty tables: the rate the migration loads is gone.
    MileageRate.objects.get_or_create(effective_from=datetime.date(2020, 4, 6), defaults={"amount": "0.45"})
    partner = PatientPartnerFactory(started_on=timezone.localdate() - datetime.timedelta(days=300)).person
    context = chrome.new_context()
    context.add_cookies([session_cookie_for(ppi_user, live_server.url)])
    page = context.new_page()
    page.goto(live_server.url + reverse("people_bank:payments:claim_create", args=[partner.pk]))
    assert page.evaluate(SMALL_TARGETS) == []

    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.includes('Submit claim')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".nhsuk-error-summary [role=alert]").count() == 1
    assert page.evaluate("() => document.activeElement.classList.contains('nhsuk-error-summary')")

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "id_description"
    page.keyboard.type("Travel to the discharge project group")
    tab_to(page, "el.name === 'kind' && el.value === 'mileage'")
    page.keyboard.press("Space")
    day = timezone.localdate() - datetime.timedelta(days=3)
    tab_to(page, "el.id === 'id_incurred_on_0'")
    page.keyboard.type(str(day.day))
    page.keyboard.press("Tab")
    page.keyboard.type(str(day.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(day.year))
    tab_to(page, "el.id === 'id_miles'")
    page.keyboard.type("20")
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.includes('Submit claim')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    claim = ExpenseClaim.objects.get(person=partner)
    assert page.url == live_server.url + reverse("people_bank:payments:claim_detail", args=[claim.pk])
    assert "Claim submitted: £9.00" in page.locator(".nhsuk-notification-banner").inner_text()
    context.close()

