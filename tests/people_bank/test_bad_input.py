"""Every staff form refuses bad input with a message at the field and in the summary,
a 400 and nothing written."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from people_bank.models import (
    Agreement,
    Application,
    ConsentRecord,
    EqualityMonitoring,
    Organisation,
    OrganisationContact,
    PatientPartner,
    Person,
    RecruitmentRound,
    ReferencePopulation,
    TrainingRecord,
)
from tests.factories import ApplicationFactory, OrganisationFactory, PatientPartnerFactory, PersonFactory
from tests.people_bank.form_data import nhs_date

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
TOMORROW = lambda: TODAY() + datetime.timedelta(days=1)  # noqa: E731


def _case(url_name, kwargs, data, message, unchanged):
    return url_name, kwargs, data, message, unchanged


CASES = [
    _case(
        "person_status",
        "person",
        {"status": "active"},
        "cannot be moved",
        lambda: Person.objects.filter(status="active").count() == 1,
    ),
    _case(
        "consent",
        "person",
        {"kind": "invitations", "given": "yes", "method": "phone"},
        "Select how they may be invited",
        lambda: not ConsentRecord.objects.exists(),
    ),
    _case(
        "consent",
        "person",
        {"kind": "telepathy", "given": "yes", "method": "phone"},
        "Select a valid choice",
        lambda: not ConsentRecord.objects.exists(),
    ),
    _case(
        "equality",
        "person",
        {"ethnicity": "martian"},
        "Select a valid choice",
        lambda: not EqualityMonitoring.objects.exists(),
    ),
    _case(
        "partner_appoint",
        "person",
        {"started_on_0": "31", "started_on_1": "2", "started_on_2": "2024"},
        "must be a real date",
        lambda: not PatientPartner.objects.exists(),
    ),
    _case(
        "partner_review",
        "partner",
        {"outcome": "satisfactory", **nhs_date("reviewed_on", TOMORROW())},
        "must be today or in the past",
        lambda: PatientPartner.objects.get().review_outcome == "pending",
    ),
    _case(
        "training_add",
        "partner",
        {
            "course": "Induction",
            **nhs_date("completed_on", TODAY()),
            **nhs_date("expires_on", TODAY() - datetime.timedelta(days=5)),
        },
        "must be after the date completed",
        lambda: not TrainingRecord.objects.exists(),
    ),
    _case(
        "organisation_create",
        None,
        {"name": "Existing Org", "kind": "charity"},
        "already an organisation with this name",
        lambda: Organisation.objects.count() == 1,
    ),
    _case(
        "contact_add",
        "organisation",
        {"name": "Sam", "email": "not-an-email"},
        "Enter a valid email address",
        lambda: not OrganisationContact.objects.exists(),
    ),
    _case(
        "agreement_add",
        "organisation",
        {
            "title": "MoU",
            **nhs_date("starts_on", TODAY()),
            **nhs_date("ends_on", TODAY() - datetime.timedelta(days=1)),
        },
        "must be the same as or after the start date",
        lambda: not Agreement.objects.exists(),
    ),
    _case(
        "round_create",
        None,
        {
            "title": "Round",
            "role_description": "x",
            **nhs_date("opens_on", TODAY()),
            **nhs_date("closes_on", TODAY() - datetime.timedelta(days=1)),
        },
        "closing date must be the same as or after",
        lambda: not RecruitmentRound.objects.exists(),
    ),
    _case(
        "reference_edit",
        None,
        {"characteristic": "sex", "category": "martian", "percent": "10"},
        "Enter one of",
        lambda: not ReferencePopulation.objects.exists(),
    ),
    _case(
        "reference_edit",
        None,
        {"characteristic": "sex", "category": "female", "percent": "140"},
        "Enter a share between 0 and 100",
        lambda: not ReferencePopulation.objects.exists(),
    ),
    _case(
        "application_detail",
        "application",
        {"to": "appointed"},
        "cannot move to that step",
        lambda: Application.objects.get().status == "submitted",
    ),
]


@pytest.mark.parametrize(
    ("url_name", "kwargs", "data", "message", "unchanged"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_bad_input_is_explained_and_nothing_is_written(
    ppi_client, url_name, kwargs, data, message, unchanged
):
    OrganisationFactory(name="Existing Org")
    objects = {
        "person": lambda: PersonFactory(),
        "partner": lambda: PatientPartnerFactory().person,
        "organisation": lambda: Organisation.objects.get(),
        "application": lambda: ApplicationFactory(),
    }
    args = [objects[kwargs]().pk] if kwargs else []
    response = ppi_client.post(reverse(f"people_bank:{url_name}", args=args), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "There is a problem" in html
    assert unchanged()


def test_setting_a_reference_share_again_replaces_it(ppi_client):
    url = reverse("people_bank:reference_edit")
    for percent in ("30", "35.5"):
        response = ppi_client.post(url, {"characteristic": "sex", "category": "female", "percent": percent})
        assert response.status_code == 302
    assert str(ReferencePopulation.objects.get().percent) == "35.50"
