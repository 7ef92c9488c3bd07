"""Empty forms drawn once and copied (ppe.templatetags.kept_forms): each copy is what crispy
would draw, with the request's own CSRF token and a new submission key."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from people_bank.payments.forms import ExportForm, StatementForm
from ppe.middleware import SUBMISSION_FIELD
from tests.factories import PatientPartnerFactory

pytestmark = pytest.mark.django_db

KEPT = Template("{% load kept_forms %}{% kept_crispy form %}")
CRISPY = Template("{% load crispy_forms_tags %}{% crispy form %}")
MONTHS = [datetime.date(2026, 10, 1), datetime.date(2026, 9, 1)]


def _draw(template, form, csrf="this-requests-csrf"):
    return template.render(Context({"form": form, "csrf_token": csrf}))


def _without_submission_key(html: str) -> str:
    return re.sub(rf'name="{SUBMISSION_FIELD}" value="[^"]*"', "", html)


def test_a_kept_form_is_what_crispy_draws_with_this_requests_token_and_a_new_key():
    drawn = _draw(CRISPY, ExportForm(months=MONTHS))
    first = _draw(KEPT, ExportForm(months=MONTHS), csrf="first-token")
    second = _draw(KEPT, ExportForm(months=MONTHS), csrf="second-token")
    assert _without_submission_key(first) == _without_submission_key(drawn).replace(
        "this-requests-csrf", "first-token"
    )
    assert 'value="second-token"' in second and "first-token" not in second
    keys = [re.search(rf'name="{SUBMISSION_FIELD}" value="([^"]+)"', html)[1] for html in (first, second)]
    assert keys[0] != keys[1]


def test_a_form_with_other_choices_or_first_values_is_drawn_again():
    assert "September 2026" not in _draw(KEPT, ExportForm(months=MONTHS[:1]))
    assert "September 2026" in _draw(KEPT, ExportForm(months=MONTHS))
    june = _draw(
        KEPT, StatementForm(initial={"start": datetime.date(2026, 6, 1), "end": datetime.date(2026, 6, 30)})
    )
    july = _draw(
        KEPT, StatementForm(initial={"start": datetime.date(2026, 7, 1), "end": datetime.date(2026, 7, 31)})
    )
    assert 'name="start_1" value="6"' in june and 'name="start_1" value="7"' in july


def test_a_form_sent_back_with_mistakes_shows_them():
    wrong = StatementForm(
        {"start_0": "1", "start_1": "7", "start_2": "2026", "end_0": "1", "end_1": "6", "end_2": "2026"}
    )
    assert not wrong.is_valid()
    html = KEPT.render(Context({"form": wrong, "csrf_token": "t", "request": RequestFactory().get("/")}))
    assert "The end date must be the same as or after the start date" in html


def test_the_statement_page_still_answers_a_bad_period_with_the_error(ppi_client):
    person = PatientPartnerFactory(started_on=timezone.localdate() - datetime.timedelta(days=30)).person
    url = reverse("people_bank:payments:statement", args=[person.pk])
    query = {"start_0": "2", "start_1": "7", "start_2": "2026", "end_0": "1", "end_1": "7", "end_2": "2026"}
    response = ppi_client.get(url, query)
    assert response.status_code == 400
    assert "The end date must be the same as or after the start date" in response.content.decode()
