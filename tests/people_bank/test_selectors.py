"""Aggregates others build on: equality counts, representation, Board figures."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from people_bank import selectors, services
from people_bank.models import EqualityMonitoring, ReferencePopulation
from tests.factories import (
    ApplicationFactory,
    HospitalImproverFactory,
    OrganisationFactory,
    PatientPartnerFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def _answers(person, objects=False, **answers):
    return EqualityMonitoring.objects.create(person=person, objects_to_monitoring_use=objects, **answers)


def test_someone_who_objects_to_monitoring_use_drops_out_of_every_aggregate():
    counted, objector = PersonFactory(), PersonFactory()
    _answers(counted, ethnicity="white_irish")
    _answers(objector, objects=True, ethnicity="white_roma")
    counts = selectors.equality_profile_counts()
    assert counts["ethnicity"] == {"white_irish": 1}
    assert counts["sex"] == {"not_answered": 1}
    assert selectors.equality_profile_counts([objector.pk])["ethnicity"] == {}


def test_published_counts_follow_the_small_number_rule():
    for _ in range(9):
        _answers(PersonFactory(), carer="yes")
    _answers(PersonFactory(), carer="no")
    assert selectors.equality_published_counts()["carer"] == {"yes": "10", "no": "*"}


def test_the_representation_page_calls_out_groups_below_their_reference_share():
    ReferencePopulation.objects.create(characteristic="sex", category="female", percent=Decimal("50"))
    ReferencePopulation.objects.create(characteristic="sex", category="male", percent=Decimal("50"))
    for _ in range(9):
        _answers(PersonFactory(), sex="female")
    _answers(PersonFactory(), sex="male")
    _answers(PersonFactory(), sex="prefer_not_to_say")
    rows = {row.category: row for row in selectors.representation()["sex"]}
    assert rows["female"].share == Decimal("90.0") and not rows["female"].under_represented
    assert rows["male"].share == Decimal("10.0") and rows["male"].under_represented


def test_the_recruitment_funnel_shows_where_applicants_stop(ppi_user):
    stays, stops = ApplicationFactory(), ApplicationFactory()
    _answers(stays.person, disability="no")
    _answers(stops.person, disability="yes")
    services.application_move(application=stays, to="shortlisted", by=ppi_user)
    services.application_move(application=stops, to="not_appointed", by=ppi_user)
    funnel = selectors.recruitment_funnel()
    assert funnel["Applied"]["disability"] == {"no": 1, "yes": 1}
    assert funnel["Shortlisted"]["disability"] == {"no": 1}


def test_board_figures_count_partners_improvers_and_movement_in_the_period(ppi_user):
    end = timezone.localdate()
    start = end - datetime.timedelta(days=90)
    PatientPartnerFactory(started_on=end - datetime.timedelta(days=500))
    PatientPartnerFactory(started_on=end - datetime.timedelta(days=4 * 365))  # tenure ended
    for _ in range(3):
        HospitalImproverFactory(
            confirmed_at=timezone.now() - datetime.timedelta(days=400), confirmed_by=ppi_user
        )
    HospitalImproverFactory()  # not confirmed
    PersonFactory(joined_on=end - datetime.timedelta(days=10))
    OrganisationFactory()
    figures = selectors.people_bank_figures(start, end)
    assert figures["partners"] == 1
    assert (
        figures["improvers"] == 3 and figures["improver_target"] == 40 and not figures["improver_target_met"]
    )
    assert figures["joiners"] == 1
    assert figures["organisations"] == 1


def test_matching_never_reads_equality_answers():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _answers(PersonFactory(), ethnicity="white_irish")
    with CaptureQueriesContext(connection) as queries:
        list(selectors.people_for_matching())
    assert not any("equalitymonitoring" in q["sql"] for q in queries.captured_queries)


def test_a_qi_lead_sees_only_name_role_and_how_to_get_in_touch():
    partner = PatientPartnerFactory(person__first_name="Rosa", person__preferred_contact="phone")
    _answers(partner.person, religion="christian")
    [row] = selectors.people_for_request_page([partner.person_id])
    assert row["roles"] == ["Patient Partner"]
    assert row["preferred_contact"] == "Phone" and row["contact"] == partner.person.phone
    assert set(row) == {"id", "name", "roles", "preferred_contact", "contact"}


def test_the_whole_bank_counts_follow_every_change_to_equality_answers(ppi_user):
    from people_bank import services as people_services
    from people_bank.selectors import equality_profile_counts
    from tests.factories import PersonFactory

    first, second = PersonFactory(), PersonFactory()
    people_services.equality_save(person=first, answers={"carer": "yes"}, by=ppi_user)
    assert equality_profile_counts()["carer"] == {"yes": 1}  # now cached
    people_services.equality_save(person=second, answers={"carer": "yes"}, by=ppi_user)
    assert equality_profile_counts()["carer"] == {"yes": 2}
    people_services.equality_save(person=first, answers={"carer": "no"}, by=ppi_user)
    assert equality_profile_counts()["carer"] == {"yes": 1, "no": 1}
    people_services.person_erase(person=second, by=ppi_user)
    assert equality_profile_counts()["carer"] == {"no": 1}


def test_the_home_panel_counts_everything_due_and_lists_the_five_soonest(ppi_client):
    import datetime

    from django.utils import timezone

    from people_bank import selectors
    from tests.factories import PatientPartnerFactory

    today = timezone.localdate()
    for days in (40, 10, 70, 5, 25, 60, 15):
        PatientPartnerFactory(review_due_on=today + datetime.timedelta(days=days))
    PatientPartnerFactory(review_due_on=today + datetime.timedelta(days=200))  # not yet
    everything = selectors.reviews_and_tenure_ends_due()
    assert selectors.reviews_and_tenure_ends_due_count() == len(everything) == 7
    soonest = selectors.reviews_and_tenure_ends_due(limit=5)
    assert [row["days_left"] for row in soonest] == [5, 10, 15, 25, 40]
    assert soonest == everything[:5]
    page = ppi_client.get("/").content.decode()
    assert "7 reviews or tenure ends in the next 90 days" in page


def test_a_persons_timeline_puts_all_four_kinds_together_newest_first():
    from people_bank.models import ApplicationStatusChange, ConsentRecord, PersonStatusChange
    from tests.factories import ApplicationFactory, ConversationFactory, PersonFactory, UserFactory

    now = timezone.now()
    person = PersonFactory()
    ann = UserFactory(first_name="Ann", last_name="Lee")
    bob = UserFactory(username="bob.k", first_name="", last_name="")
    ConversationFactory(
        person=person,
        staff=ann,
        happened_at=now - datetime.timedelta(days=4),
        channel="phone",
        summary="Talked about parking",
        insight="Signs are confusing",
        follow_up="Send the map",
        follow_up_due=timezone.localdate(),
    )
    joined = PersonStatusChange.objects.create(person=person, from_status="", to_status="active", by=bob)
    paused = PersonStatusChange.objects.create(
        person=person, from_status="active", to_status="paused", note="Busy"
    )
    consent = ConsentRecord.objects.create(
        person=person, kind="invitations", given=False, method="phone", recorded_by=ann
    )
    application = ApplicationFactory(person=person, round__title="Autumn round")
    applied = ApplicationStatusChange.objects.create(application=application, to_status="shortlisted", by=ann)
    for row, days in ((joined, 3), (paused, 2), (applied, 0)):
        type(row).objects.filter(pk=row.pk).update(at=now - datetime.timedelta(days=days))
    ConsentRecord.objects.filter(pk=consent.pk).update(recorded_at=now - datetime.timedelta(days=1))

    timeline = selectors.person_timeline(person)

    assert [(e.kind, e.title, e.body, e.by) for e in timeline] == [
        ("application", "Application to Autumn round: Shortlisted", "", "Ann Lee"),
        ("consent", "Consent: withdrew consent to be invited to take part", "Phone", "Ann Lee"),
        ("status", "Status: Paused", "Busy", ""),
        ("status", "Joined as active", "", "bob.k"),
        ("conversation", "Phone conversation", "Talked about parking", "Ann Lee"),
    ]
    conversation = timeline[-1].extra
    assert conversation["insight"] == "Signs are confusing" and conversation["follow_up"] == "Send the map"
    assert conversation["follow_up_due"] == timezone.localdate() and conversation["follow_up_done_at"] is None
    assert len(selectors.person_timeline(person, limit=2)) == 2
