"""A valid form saves what was typed and reads it back unchanged, whatever the text:
accents, other scripts, right-to-left marks, markup, formula-like text and long answers.
The page that shows it back escapes it."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.html_forms import post_forms

pytestmark = pytest.mark.django_db

# What people really type, and what an attacker would: no NUL (Django refuses it, with a
# message) and no surrounding spaces (forms strip them, as users expect).
TEXT = st.one_of(
    st.sampled_from(
        [
            "Siân O'Neill-Ní Bhriain",
            "محمد الأحمد",
            "\u202eevil\u202c name",
            "<script>alert('ppe')</script>",
            '=HYPERLINK("http://example.com","click")',
            "Zoë & Chloé <b>bold</b>",
            "王小明",
        ]
    ),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
        min_size=1,
        max_size=80,
    ),
).map(str.strip).filter(bool)

EXAMPLES = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def _send(client: Client, url: str, values: dict) -> tuple:
    form = post_forms(client.get(url).content.decode())[-1]
    payload = {}
    for name, field in form.fields.items():
        if field.kind in {"checkbox", "radio"}:
            continue
        payload[name] = field.value
    payload.update(values)
    response = client.post(form.action or url, payload)
    return response, payload


def _date(name: str, day: datetime.date) -> dict:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_a_person_saves_and_reads_back_unchanged(ppi_user):
    from people_bank.models import Person

    client = Client()
    client.force_login(ppi_user)
    url = reverse("people_bank:person_create")

    @EXAMPLES
    @given(first=TEXT, last=TEXT, notes=TEXT, number=st.integers(min_value=0, max_value=10**9))
    def send(first, last, notes, number):
        values = {
            "first_name": first[:100],
            "last_name": last[:100],
            "access_notes": notes,
            "email": f"round.trip.{number}@example.com",
            "preferred_contact": "email",
            **_date("joined_on", datetime.date(2025, 4, 7)),
        }
        response, _ = _send(client, url, values)
        assert response.status_code == 302, response.content.decode()[:3000]
        person = Person.objects.get(email=values["email"])
        assert (person.first_name, person.last_name, person.access_notes) == (
            values["first_name"],
            values["last_name"],
            notes,
        )
        page = client.get(response.url).content.decode()
        assert "<script>alert" not in page
        Person.objects.filter(pk=person.pk).delete()

    send()


def test_a_request_draft_saves_and_reads_back_unchanged(qi_user):
    from involvement_requests.models import InvolvementRequest
    from tests.factories import default_ladder

    default_ladder()
    client = Client()
    client.force_login(qi_user)
    url = reverse("involvement_requests:create")

    @EXAMPLES
    @given(title=TEXT, summary=TEXT, intelligence=TEXT)
    def send(title, summary, intelligence):
        values = {"title": title[:200], "summary": summary, "intelligence": intelligence}
        response, _ = _send(client, url, values)
        assert response.status_code == 302, response.content.decode()[:3000]
        saved = InvolvementRequest.objects.latest("pk")
        assert (saved.title, saved.summary, saved.intelligence) == (values["title"], summary, intelligence)
        page = client.get(response.url).content.decode()
        assert "<script>alert" not in page
        saved.delete()

    send()


def test_an_organisation_saves_and_reads_back_unchanged(ppi_user):
    from people_bank.models import Organisation

    client = Client()
    client.force_login(ppi_user)
    url = reverse("people_bank:organisation_create")

    @EXAMPLES
    @given(name=TEXT, communities=TEXT, area=TEXT)
    def send(name, communities, area):
        Organisation.objects.all().delete()
        values = {"name": name[:200], "communities": communities, "area": area[:100], "kind": "charity"}
        response, _ = _send(client, url, values)
        assert response.status_code == 302, response.content.decode()[:3000]
        saved = Organisation.objects.get()
        assert (saved.name, saved.communities, saved.area) == (values["name"], communities, values["area"])
        assert "<script>alert" not in client.get(response.url).content.decode()

    send()
