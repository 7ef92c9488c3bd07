"""The public Hospital Improver sign-up and Patient Partner application: no login, bad
input explained, spam and duplicates handled, nothing revealed about who is known."""

import datetime

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from people_bank.models import Application, EqualityMonitoring, HospitalImprover, Person
from tests.factories import PersonFactory, RecruitmentRoundFactory, ServiceFactory
from tests.people_bank.form_data import nhs_date

pytestmark = pytest.mark.django_db
URL = reverse("people_bank:improver_sign_up")


def good_answers(**overrides) -> dict:
    service = ServiceFactory()
    data = {
        "first_name": "Grace",
        "last_name": "Mensah",
        "email": "grace@example.com",
        "phone": "",
        "postcode": "le1 5ww",
        "preferred_contact": "email",
        "services": [service.pk],
        **nhs_date("last_service_use_on", timezone.localdate() - datetime.timedelta(days=90)),
        "code_of_conduct": "on",
        "hold_data": "on",
        "invitation_channels": ["email"],
        "ethnicity": "asian_indian",
        "website": "",
    }
    data.update(overrides)
    return data


def test_a_member_of_the_public_can_sign_up_without_an_account():
    client = Client()
    assert client.get(URL).status_code == 200
    response = client.post(URL, good_answers())
    assert response.status_code == 302 and response.url == reverse("people_bank:improver_thanks")
    person = Person.objects.get(email="grace@example.com")
    assert person.postcode == "LE1 5WW"
    assert HospitalImprover.objects.get(person=person).confirmed_at is None
    assert EqualityMonitoring.objects.get(person=person).ethnicity == "asian_indian"


def test_services_are_listed_under_their_clinical_management_group():
    from tests.factories import ClinicalManagementGroupFactory

    cancer, women = (
        ClinicalManagementGroupFactory(name="Cancer"),
        ClinicalManagementGroupFactory(name="Women's"),
    )
    ServiceFactory(name="Oncology", cmg=cancer)
    ServiceFactory(name="Maternity", cmg=women)
    ServiceFactory(name="Breast Care", cmg=cancer)
    page = Client().get(URL).content.decode()
    headings = [
        page.index('class="ppe-choice-group">Cancer<'),
        page.index('class="ppe-choice-group">Women&#x27;s<'),
    ]
    places = [page.index(f">{name}</label>") for name in ("Breast Care", "Oncology", "Maternity")]
    assert headings[0] < places[0] < places[1] < headings[1] < places[2]


def test_the_sign_up_page_works_on_a_phone_screen():
    html = Client().get(URL).content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert 'autocomplete="email"' in html and 'type="tel"' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "grace@", "Enter an email address in the correct format"),
        ("phone", "call me", "Enter a phone number"),
        ("postcode", "XYZ", "Enter a real postcode"),
        ("first_name", "", "Enter first name"),
    ],
)
def test_malformed_details_are_explained_at_the_field_and_in_the_summary(field, value, message):
    response = Client().post(URL, good_answers(**{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count(message) >= 2  # in the error summary and at the field
    assert "There is a problem" in html
    assert not Person.objects.exists()


def test_a_last_service_use_in_the_future_is_refused():
    answers = good_answers(
        **nhs_date("last_service_use_on", timezone.localdate() + datetime.timedelta(days=5))
    )
    response = Client().post(URL, answers)
    assert response.status_code == 400
    assert "must be today or in the past" in response.content.decode()
    assert not Person.objects.exists()


def test_a_last_service_use_over_18_months_ago_is_refused_with_a_plain_explanation():
    answers = good_answers(
        **nhs_date("last_service_use_on", timezone.localdate() - datetime.timedelta(days=600))
    )
    response = Client().post(URL, answers)
    assert response.status_code == 400
    assert "in the last 18 months" in response.content.decode()
    assert not Person.objects.exists()


def test_a_sign_up_without_agreeing_to_the_code_of_conduct_is_refused():
    answers = good_answers()
    del answers["code_of_conduct"]
    response = Client().post(URL, answers)
    assert response.status_code == 400
    assert "Agree to the code of conduct" in response.content.decode()


def test_email_preferred_but_not_given_is_explained():
    response = Client().post(URL, good_answers(email="", phone="07700900982"))
    assert response.status_code == 400
    assert "as email is the preferred way" in response.content.decode()


def test_signing_up_twice_with_the_same_email_merges_and_says_nothing_different():
    existing = PersonFactory(email="grace@example.com", first_name="Grace")
    first = Client().post(URL, good_answers(email="GRACE@example.com"))
    fresh = Client().post(URL, good_answers(email="new.person@example.com"))
    assert first.status_code == fresh.status_code == 302 and first.url == fresh.url
    assert Person.objects.filter(email__iexact="grace@example.com").count() == 1
    assert HospitalImprover.objects.filter(person=existing).exists()


def test_a_robot_filling_the_hidden_box_is_thanked_and_ignored():
    response = Client().post(URL, good_answers(website="http://spam.example"))
    assert response.status_code == 302
    assert not Person.objects.exists()


@override_settings(PEOPLE_BANK_PUBLIC_FORM_LIMIT=3)
def test_too_many_posts_from_one_address_are_turned_away():
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [client.post(URL, good_answers(email=f"p{i}@example.com")).status_code for i in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert Person.objects.count() == 3
    # Someone else, at another address, is not affected.
    assert (
        Client(REMOTE_ADDR="203.0.113.10").post(URL, good_answers(email="x@example.com")).status_code == 302
    )


def test_the_online_patient_partner_application_joins_an_existing_hospital_improver():
    recruitment = RecruitmentRoundFactory()
    improver = PersonFactory(email="grace@example.com")
    url = reverse("people_bank:partner_apply", args=[recruitment.pk])
    data = {
        "first_name": "Grace",
        "last_name": "M",
        "email": "grace@example.com",
        "why": "To help",
        "website": "",
    }
    response = Client().post(url, data)
    assert response.status_code == 302
    assert Application.objects.get().person == improver
    # Applying twice: still thanked, still one application.
    assert Client().post(url, data).status_code == 302
    assert Application.objects.count() == 1


def test_a_closed_recruitment_round_cannot_be_applied_to():
    closed = RecruitmentRoundFactory(
        opens_on=timezone.localdate() - datetime.timedelta(days=60),
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert Client().get(reverse("people_bank:partner_apply", args=[closed.pk])).status_code == 404
