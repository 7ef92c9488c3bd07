"""Allocating Patient Partners to a request: what is refused, and what the request shows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from involvement_requests import services
from involvement_requests.models import Allocation, InvolvementRequest, RequestStatusChange, Status
from people_bank import services as people_services
from people_bank.models import ConsentRecord, EqualityMonitoring, Person
from ppe.models import AuditEvent
from tests.factories import (
    AllocationFactory,
    InvitationFactory,
    PatientPartnerFactory,
    confirmed_improver,
    partner_in_tenure,
    rung,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def allocate(request, person, by, *, role="project_group", ends_on=TODAY):
    return services.allocation_create(
        request=request, person=person, role=role, starts_on=TODAY, ends_on=ends_on, by=by
    )


def allocate_url(request) -> str:
    return reverse("involvement_requests:allocate", args=[request.pk])


def form_data(person, **overrides) -> dict:
    start, end = TODAY, TODAY + datetime.timedelta(days=120)
    data = {
        "person": person.pk,
        "role": "project_group",
        "starts_on_0": start.day,
        "starts_on_1": start.month,
        "starts_on_2": start.year,
        "ends_on_0": end.day,
        "ends_on_1": end.month,
        "ends_on_2": end.year,
    }
    return {**data, **overrides}


def test_allocating_a_partner_moves_an_accepted_request_to_people_allocated(
    ppi_client, accepted, django_capture_on_commit_callbacks
):
    partner = partner_in_tenure(first_name="Aisha")
    with django_capture_on_commit_callbacks(execute=True):
        response = ppi_client.post(allocate_url(accepted), form_data(partner))
    assert response.status_code == 302
    allocation = Allocation.objects.get(request=accepted)
    assert (allocation.person, allocation.role, allocation.starts_on) == (partner, "project_group", TODAY)
    accepted.refresh_from_db()
    assert accepted.status == Status.PEOPLE_ALLOCATED
    change = RequestStatusChange.objects.filter(request=accepted).last()
    assert (change.to_status, change.note) == (
        Status.PEOPLE_ALLOCATED,
        "Patient Partner on the project group allocated.",
    )
    assert AuditEvent.objects.filter(
        action="create", detail="allocation", subject_id=str(allocation.pk)
    ).exists()


def test_a_second_partner_leaves_the_status_as_it_is(ppi_user, accepted):
    allocate(accepted, partner_in_tenure(), ppi_user)
    allocate(accepted, partner_in_tenure(), ppi_user, role="reviewer")
    accepted.refresh_from_db()
    assert accepted.status == Status.PEOPLE_ALLOCATED
    assert accepted.status_changes.filter(to_status=Status.PEOPLE_ALLOCATED).count() == 1


def _refused(client, request, data) -> str:
    before = (Allocation.objects.count(), RequestStatusChange.objects.count())
    response = client.post(allocate_url(request), data)
    assert response.status_code == 400
    assert (Allocation.objects.count(), RequestStatusChange.objects.count()) == before
    assert InvolvementRequest.objects.get(pk=request.pk).status == request.status
    return response.content.decode()


def test_allocation_is_refused_when_the_rung_does_not_allow_partners(ppi_client, accepted):
    InvolvementRequest.objects.filter(pk=accepted.pk).update(planned_rung=rung(2))
    page = _refused(ppi_client, accepted, form_data(partner_in_tenure()))
    assert "Patient Partners are not allocated on Consulting: invite Hospital Improvers instead." in page


def test_allocation_is_refused_when_the_tenure_has_ended(ppi_client, ppi_user, accepted):
    ended = PatientPartnerFactory(
        started_on=TODAY - datetime.timedelta(days=3 * 365 + 10), review_outcome="unsatisfactory"
    )
    with pytest.raises(services.RequestError, match="tenure as a Patient Partner ended on"):
        allocate(accepted, ended.person, ppi_user)
    # The form does not even offer them.
    page = _refused(ppi_client, accepted, form_data(ended.person))
    assert "Select a Patient Partner who is active, in tenure and agreed to be invited" in page


def test_allocation_past_the_end_of_tenure_is_refused(ppi_user, accepted):
    partner = PatientPartnerFactory()
    with pytest.raises(services.RequestError, match="must end before"):
        allocate(accepted, partner.person, ppi_user, ends_on=partner.tenure_ends_on)


def test_dates_out_of_order_are_refused(ppi_client, accepted):
    yesterday = TODAY - datetime.timedelta(days=1)
    data = form_data(
        partner_in_tenure(), ends_on_0=yesterday.day, ends_on_1=yesterday.month, ends_on_2=yesterday.year
    )
    assert "The end date must be the same as or after the start date" in _refused(ppi_client, accepted, data)


def test_missing_and_impossible_answers_are_named(ppi_client, accepted):
    page = _refused(
        ppi_client,
        accepted,
        {"person": "", "role": "", "starts_on_0": "31", "starts_on_1": "2", "starts_on_2": "2026"},
    )
    assert "Select the Patient Partner to allocate" in page
    assert "Select the role" in page
    assert "From must be a real date" in page
    assert "Enter to" in page


def test_a_tampered_person_or_role_is_refused(ppi_client, accepted):
    assert "Select a Patient Partner who is" in _refused(
        ppi_client, accepted, {**form_data(partner_in_tenure()), "person": "999999"}
    )
    assert "Select one of the roles" in _refused(
        ppi_client, accepted, form_data(partner_in_tenure(), role="chair")
    )
    improver = confirmed_improver()
    assert "Select a Patient Partner who is" in _refused(ppi_client, accepted, form_data(improver))


def test_the_same_partner_cannot_be_allocated_twice(ppi_client, ppi_user, accepted):
    partner = partner_in_tenure(first_name="Bea", last_name="Jones")
    allocate(accepted, partner, ppi_user)
    page = _refused(ppi_client, accepted, form_data(partner))
    assert "Bea Jones is already allocated to this request." in page


def test_withdrawn_consent_and_paused_partners_are_refused_by_the_service(ppi_user, accepted):
    withdrew, paused = partner_in_tenure(), partner_in_tenure()
    people_services.consent_record(
        person=withdrew, kind=ConsentRecord.Kind.INVITATIONS, given=False, method="phone", by=ppi_user
    )
    people_services.person_change_status(person=paused, to=Person.Status.PAUSED, by=ppi_user)
    for person, why in ((withdrew, "has not agreed to be invited"), (paused, "is paused")):
        with pytest.raises(services.RequestError, match=why):
            allocate(accepted, person, ppi_user)
    assert not Allocation.objects.exists()


def test_a_request_not_yet_accepted_takes_no_allocations(ppi_client, ppi_user, in_assessment):
    with pytest.raises(services.RequestError, match="cannot have people allocated or invited"):
        allocate(in_assessment, partner_in_tenure(), ppi_user)
    assert ppi_client.get(allocate_url(in_assessment)).status_code == 302


def test_a_qi_lead_cannot_allocate_even_on_their_own_request(qi_user, qi_client, accepted):
    with pytest.raises(services.NotAllowed):
        allocate(accepted, partner_in_tenure(), qi_user)
    assert qi_client.post(allocate_url(accepted), form_data(partner_in_tenure())).status_code == 403
    assert not Allocation.objects.exists()


def test_the_qi_lead_sees_first_names_and_roles_only_never_equality(qi_client, accepted):
    partner = partner_in_tenure(first_name="Grace", last_name="Okafor", email="grace@example.com")
    EqualityMonitoring.objects.create(person=partner, ethnicity="black_african", sex="female")
    AllocationFactory(request=accepted, person=partner)
    improver = confirmed_improver(first_name="Tomasz", last_name="Nowak")
    InvitationFactory(request=accepted, person=improver, status="accepted", responded_at=timezone.now())
    declined = confirmed_improver(first_name="Declan")
    InvitationFactory(request=accepted, person=declined, status="declined", responded_at=timezone.now())

    page = qi_client.get(accepted.get_absolute_url()).content.decode()

    assert "People working with you" in page
    assert "Grace" in page and "Patient Partner on the project group" in page
    assert "Tomasz" in page and "Hospital Improver" in page
    for hidden in ("Okafor", "Nowak", "grace@example.com", "Declan", "African", "Female"):
        assert hidden not in page


def test_another_qi_leads_request_shows_them_nothing(other_qi_user, accepted):
    from django.test import Client

    AllocationFactory(request=accepted, person=partner_in_tenure(first_name="Grace"))
    client = Client()
    client.force_login(other_qi_user)
    assert client.get(accepted.get_absolute_url()).status_code == 404


def test_the_people_page_lists_allocations_and_is_audited(ppi_client, accepted):
    AllocationFactory(request=accepted, person=partner_in_tenure(first_name="Grace", last_name="Okafor"))
    response = ppi_client.get(reverse("involvement_requests:people", args=[accepted.pk]))
    assert "Grace Okafor" in response.content.decode()
    assert AuditEvent.objects.filter(
        detail="allocations and invitations", subject_id=str(accepted.pk)
    ).exists()


def test_allocation_dates_and_uniqueness_hold_in_the_database_too(accepted):
    from django.db import IntegrityError, transaction

    partner = partner_in_tenure()
    with pytest.raises(IntegrityError), transaction.atomic():
        AllocationFactory(request=accepted, person=partner, ends_on=TODAY - datetime.timedelta(days=1))
    AllocationFactory(request=accepted, person=partner)
    with pytest.raises(IntegrityError), transaction.atomic():
        AllocationFactory(request=accepted, person=partner)


def test_the_request_page_lists_co_leads_services_issues_and_people_each_in_order(qi_client, accepted):
    from tests.factories import (
        ClinicalManagementGroupFactory,
        InterestFactory,
        ServiceFactory,
        UserFactory,
    )

    # Co-leads in the order they were added; one with no name shows their username.
    accepted.co_leads.add(UserFactory(first_name="Zara", last_name="Hale"))
    accepted.co_leads.add(UserFactory(first_name="", last_name=""))
    surgery, medicine = (
        ClinicalManagementGroupFactory(name="Surgery"),
        ClinicalManagementGroupFactory(name="Medicine"),
    )
    accepted.services_wanted.add(
        ServiceFactory(name="Theatres", cmg=surgery), ServiceFactory(name="Wards", cmg=medicine)
    )
    accepted.interests_wanted.add(InterestFactory(name="Travel"), InterestFactory(name="Access"))
    today = timezone.localdate()
    AllocationFactory(
        request=accepted,
        person=partner_in_tenure(first_name="Later"),
        starts_on=today + datetime.timedelta(days=9),
    )
    AllocationFactory(request=accepted, person=partner_in_tenure(first_name="Sooner"), starts_on=today)
    InvitationFactory(
        request=accepted,
        person=confirmed_improver(first_name="Ida"),
        status="accepted",
        responded_at=timezone.now(),
    )

    page = qi_client.get(accepted.get_absolute_url()).content.decode()

    lead_username = accepted.co_leads.get(first_name="").username
    assert f"Zara Hale, {lead_username}" in page
    # Services by their CMG's name, then their own; issues by name.
    assert "Wards, Theatres" in page and "Access, Travel" in page
    assert page.index("Sooner") < page.index("Later") < page.index("Ida")
