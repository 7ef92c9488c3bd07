"""What the People Bank's services change, as the PPI team would notice it."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from people_bank import selectors, services
from people_bank.models import (
    ConsentRecord,
    EqualityMonitoring,
    HospitalImprover,
    PatientPartner,
    Person,
    PersonStatusChange,
    TenureReminder,
)
from ppe.models import AuditEvent
from tests.factories import (
    ApplicationFactory,
    ConversationFactory,
    InterestFactory,
    OrganisationFactory,
    PatientPartnerFactory,
    PersonFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_withdrawing_consent_to_be_invited_takes_the_person_out_of_matching_at_once(ppi_user):
    person = PersonFactory(can_be_invited=False)
    services.consent_record(
        person=person, kind="invitations", given=True, method="phone", channels=["email"], by=ppi_user
    )
    assert person in selectors.people_for_matching()

    services.consent_record(person=person, kind="invitations", given=False, method="online", by=ppi_user)

    assert person not in selectors.people_for_matching()
    assert Person.objects.get(pk=person.pk).can_be_invited is False
    history = list(ConsentRecord.objects.filter(person=person).values_list("given", flat=True))
    assert history == [False, True]  # newest first, nothing overwritten


def test_people_who_left_or_are_paused_are_not_offered_for_matching(ppi_user):
    active, paused = PersonFactory(), PersonFactory(status="paused")
    matched = set(selectors.people_for_matching())
    assert active in matched and paused not in matched


def test_a_status_change_is_kept_in_the_history(ppi_user):
    person = services.person_create(by=ppi_user, first_name="Ada", last_name="Obi", joined_on=TODAY())
    services.person_change_status(person=person, to="paused", by=ppi_user, note="Travelling")
    services.person_change_status(person=person, to="active", by=ppi_user)
    moves = list(
        PersonStatusChange.objects.filter(person=person)
        .order_by("id")
        .values_list("from_status", "to_status")
    )
    assert moves == [("", "active"), ("active", "paused"), ("paused", "active")]


def test_a_status_change_someone_else_made_first_is_refused(ppi_user):
    person = PersonFactory()
    stale = Person.objects.get(pk=person.pk)
    services.person_change_status(person=person, to="left", by=ppi_user)
    with pytest.raises(services.PeopleBankError, match="Someone else"):
        services.person_change_status(person=stale, to="paused", by=ppi_user)
    assert Person.objects.get(pk=person.pk).status == "left"


def test_two_people_cannot_share_an_email_whatever_its_case(ppi_user):
    PersonFactory(email="ada@example.com")
    with pytest.raises(services.PeopleBankError):
        services.person_create(
            by=ppi_user, first_name="A", last_name="B", email="ADA@example.com", joined_on=TODAY()
        )
    assert Person.objects.filter(email__iexact="ada@example.com").count() == 1


def test_the_database_itself_refuses_a_second_person_with_the_same_email():
    PersonFactory(email="same@example.com")
    with pytest.raises(IntegrityError):
        Person.objects.create(first_name="X", last_name="Y", email="Same@Example.com", joined_on=TODAY())


def test_logging_a_conversation_moves_last_contact_forward_but_never_back(ppi_user):
    person = PersonFactory()
    recent = timezone.now() - datetime.timedelta(days=2)
    services.conversation_log(
        staff=ppi_user, person=person, happened_at=recent, channel="phone", summary="Caught up"
    )
    services.conversation_log(
        staff=ppi_user,
        person=person,
        happened_at=recent - datetime.timedelta(days=100),
        channel="email",
        summary="Old",
    )
    assert Person.objects.get(pk=person.pk).last_contact_at == recent


def test_a_conversation_with_an_organisation_shows_as_its_last_contact(ppi_user):
    organisation = OrganisationFactory()
    services.conversation_log(
        staff=ppi_user,
        organisation=organisation,
        happened_at=timezone.now(),
        channel="meeting",
        summary="MoU",
    )
    organisation.refresh_from_db()
    assert organisation.last_contact_at is not None


def test_a_conversation_with_no_one_or_in_the_future_is_refused(ppi_user):
    with pytest.raises(services.PeopleBankError):
        services.conversation_log(staff=ppi_user, happened_at=timezone.now(), channel="phone", summary="?")
    with pytest.raises(services.PeopleBankError):
        services.conversation_log(
            staff=ppi_user,
            person=PersonFactory(),
            channel="phone",
            summary="?",
            happened_at=timezone.now() + datetime.timedelta(days=1),
        )


def test_overdue_follow_ups_show_for_their_owner_only(ppi_user, qi_user):
    due = ConversationFactory(
        staff=ppi_user, follow_up="Send details", follow_up_due=TODAY() - datetime.timedelta(days=1)
    )
    ConversationFactory(staff=ppi_user, follow_up="Later", follow_up_due=TODAY() + datetime.timedelta(days=3))
    assert list(selectors.overdue_follow_ups(ppi_user)) == [due]
    assert list(selectors.overdue_follow_ups(qi_user)) == []
    services.follow_up_done(conversation=due, by=ppi_user)
    assert list(selectors.overdue_follow_ups(ppi_user)) == []


def test_a_satisfactory_review_extends_the_tenure_to_six_years(ppi_user):
    partner = services.partner_appoint(
        person=PersonFactory(), started_on=datetime.date(2022, 3, 1), by=ppi_user
    )
    assert partner.tenure_ends_on == datetime.date(2025, 3, 1)
    services.partner_record_review(
        partner=partner, outcome="satisfactory", reviewed_on=datetime.date(2025, 2, 1), by=ppi_user
    )
    assert PatientPartner.objects.get(pk=partner.pk).tenure_ends_on == datetime.date(2028, 3, 1)


def test_a_review_in_the_future_or_before_the_start_is_refused(ppi_user):
    partner = PatientPartnerFactory()
    with pytest.raises(services.PeopleBankError):
        services.partner_record_review(
            partner=partner,
            outcome="satisfactory",
            reviewed_on=TODAY() + datetime.timedelta(days=1),
            by=ppi_user,
        )
    with pytest.raises(services.PeopleBankError):
        services.partner_record_review(
            partner=partner,
            outcome="satisfactory",
            reviewed_on=partner.started_on - datetime.timedelta(days=1),
            by=ppi_user,
        )


def test_partners_in_tenure_leaves_out_those_whose_tenure_has_ended():
    current = PatientPartnerFactory()
    ended_start = TODAY() - datetime.timedelta(days=4 * 365)
    PatientPartnerFactory(started_on=ended_start)
    assert list(selectors.partners_in_tenure()) == [current]


def _partner_due_in(days: int, **kwargs) -> PatientPartner:
    """A partner whose review falls due in `days` days."""
    from people_bank import rules

    start = rules.add_years(TODAY() + datetime.timedelta(days=days), -3)
    return PatientPartnerFactory(started_on=start, **kwargs)


def test_the_daily_reminder_goes_once_per_threshold_however_often_it_runs():
    _partner_due_in(30)
    first = services.reminders_send(today=TODAY())
    second = services.reminders_send(today=TODAY())
    # A review and the (same-day) tenure end: two reminders, each at the 30-day threshold.
    assert {(r.kind, r.days_before) for r in first} == {("review", 30), ("tenure_end", 30)}
    assert second == []
    assert TenureReminder.objects.count() == 2
    assert len(mail.outbox) == 1
    assert "30 days" in mail.outbox[0].body


def test_reminders_go_again_at_the_next_threshold():
    _partner_due_in(10)
    services.reminders_send(today=TODAY())
    services.reminders_send(today=TODAY() + datetime.timedelta(days=3))  # 7 days left
    assert sorted(TenureReminder.objects.filter(kind="review").values_list("days_before", flat=True)) == [
        7,
        30,
    ]


def test_no_review_reminder_once_the_review_has_been_held():
    _partner_due_in(7, review_outcome="satisfactory")
    kinds = {r.kind for r in services.reminders_send(today=TODAY())}
    assert "review" not in kinds


def test_the_reminder_task_runs_through_celery():
    from people_bank.tasks import send_tenure_reminders

    _partner_due_in(60)
    assert send_tenure_reminders.delay().get() == 2
    assert send_tenure_reminders.delay().get() == 0


def _sign_up(**overrides) -> services.ImproverSignUp:
    values = dict(
        first_name="Grace",
        last_name="Mensah",
        email="grace@example.com",
        phone="",
        postcode="LE1 5WW",
        preferred_contact="email",
        last_service_use_on=TODAY() - datetime.timedelta(days=60),
        invitation_channels=["email"],
    )
    values.update(overrides)
    return services.ImproverSignUp(**values)


def test_a_hospital_improver_sign_up_waits_for_confirmation(ppi_user):
    person = services.improver_sign_up(sign_up=_sign_up(equality={"ethnicity": "black_african"}))
    improver = HospitalImprover.objects.get(person=person)
    assert improver.confirmed_at is None
    assert person.can_be_invited is True
    assert EqualityMonitoring.objects.get(person=person).ethnicity == "black_african"
    assert services.improver_confirm(improver=improver, by=ppi_user) is True
    assert services.improver_confirm(improver=improver, by=ppi_user) is False  # already done


def test_signing_up_again_with_the_same_email_joins_the_existing_person():
    service_a, service_b = ServiceFactory(), ServiceFactory()
    existing = PersonFactory(email="grace@example.com", first_name="Grace", phone="")
    services.improver_sign_up(
        sign_up=_sign_up(email="Grace@Example.com", phone="07700900123", services=[service_a])
    )
    services.improver_sign_up(sign_up=_sign_up(services=[service_b], interests=[InterestFactory()]))
    assert Person.objects.filter(email__iexact="grace@example.com").count() == 1
    existing.refresh_from_db()
    assert existing.phone == "07700900123"  # a blank filled in
    assert set(existing.services.all()) == {service_a, service_b}
    assert HospitalImprover.objects.filter(person=existing).count() == 1


def test_a_sign_up_after_more_than_18_months_is_refused_and_nothing_is_saved():
    with pytest.raises(services.PeopleBankError, match="18 months"):
        services.improver_sign_up(
            sign_up=_sign_up(last_service_use_on=TODAY() - datetime.timedelta(days=600))
        )
    assert not Person.objects.exists()


def test_equality_answers_are_audited_without_their_values(ppi_user):
    person = PersonFactory()
    services.equality_save(person=person, answers={"religion": "sikh"}, by=ppi_user)
    event = AuditEvent.objects.get(detail="equality")
    assert event.subject_id == str(person.pk) and event.action == "change"
    assert "sikh" not in str(event.__dict__)


def test_erasure_anonymises_the_person_but_keeps_the_row_for_counts(ppi_user):
    person = PersonFactory(first_name="Zainab", email="z@example.com", phone="07700900111")
    EqualityMonitoring.objects.create(person=person, religion="muslim")
    ConversationFactory(person=person, summary="Talked about her daughter's care")
    services.person_erase(person=person, by=ppi_user)
    person.refresh_from_db()
    assert person.erased_at is not None and person.status == "left"
    assert (person.first_name, person.email, person.phone) == ("Erased", "", "")
    assert person.display_name == "Erased person"
    assert not EqualityMonitoring.objects.filter(person=person).exists()
    assert person.conversations.get().summary == "(erased)"
    assert Person.objects.count() == 1
    assert "zainab" not in person.search_text
    assert person not in selectors.people_for_matching()
    assert AuditEvent.objects.filter(action="erase", subject_id=str(person.pk)).exists()


def test_appointing_an_applicant_makes_them_a_patient_partner(ppi_user):
    application = ApplicationFactory()
    for step in ("shortlisted", "interviewed", "appointed"):
        services.application_move(application=application, to=step, by=ppi_user)
    assert PatientPartner.objects.filter(person=application.person).exists()
    steps = list(application.status_changes.order_by("id").values_list("to_status", "by"))
    assert [s for s, _ in steps] == ["shortlisted", "interviewed", "appointed"]
    assert all(by == ppi_user.pk for _, by in steps)


def test_an_application_cannot_skip_the_interview(ppi_user):
    application = ApplicationFactory()
    with pytest.raises(services.PeopleBankError):
        services.application_move(application=application, to="appointed", by=ppi_user)
    assert not PatientPartner.objects.exists()
