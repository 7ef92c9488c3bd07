"""Every POST form on every page of the access matrix, sent hostile input by Hypothesis, as
a role allowed to open it: no input makes a 500, and nothing sent comes back unescaped."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access_matrix import MATRIX
from tests.html_forms import post_forms

pytestmark = pytest.mark.django_db

MARKER = "<script>alert('ppe')</script>"
HOSTILE_TEXT = st.one_of(
    st.just(""),
    st.just(MARKER),
    st.just('=HYPERLINK("http://example.com")'),
    st.just("\u202eevil\u202c name"),
    st.just("x" * 20_000),
    st.just("\x00\x07\x1b[31m control"),
    st.text(max_size=60),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
# Forms whose POST ends the session or signs someone in: sending them would change what the
# rest of the example tests.
SKIP = {"logout", "login", "password_reset_confirm", "two_factor_verify"}


def _role_for(rule) -> str | None:
    for role in ("ppi", "qi", "anon", "board"):
        if rule.expected(role) == 200:
            return role
    return None


def _pages():
    for name, rule in sorted(MATRIX.items()):
        if name in SKIP or rule.not_html:
            continue
        role = _role_for(rule)
        if role:
            yield name, role


def _value(field, draw):
    if field.kind in {"select", "radio"} and field.options:
        return draw(st.one_of(st.sampled_from(field.options), HOSTILE_TEXT))
    if field.kind == "checkbox":
        return draw(st.lists(st.sampled_from(field.options), unique=True))
    if field.kind == "hidden":
        return draw(st.one_of(st.just(field.value), HOSTILE_TEXT))
    if field.kind == "file":
        return ""
    return draw(HOSTILE_TEXT)


@pytest.mark.parametrize(("url_name", "role"), list(_pages()))
def test_hostile_input_never_breaks_a_form(url_name, role, role_users, other_qi_user):
    ctx = {**role_users, "other_qi": other_qi_user}
    rule = MATRIX[url_name]
    url = reverse(url_name, kwargs=rule.kwargs(ctx) if rule.kwargs else None)
    client = Client()
    if role != "anon":
        client.force_login(ctx[role])
    forms = post_forms(client.get(url).content.decode())
    if not forms:
        pytest.skip(f"{url_name} has no POST form")

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.data())
    def send(data):
        for form in forms:
            payload = {name: _value(field, data.draw) for name, field in form.fields.items()}
            payload.pop("csrfmiddlewaretoken", None)
            payload.pop("_submission", None)
            response = client.post(form.action or url, payload)
            assert response.status_code < 500, (url_name, payload)
            if response.get("Content-Type", "").startswith("text/html"):
                assert MARKER not in response.content.decode()

    send()
