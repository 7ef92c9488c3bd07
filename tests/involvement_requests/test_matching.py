"""The match page: who the People Bank suggests for an accepted request, and why."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from involvement_requests import selectors
from involvement_requests.models import InvolvementRequest, Status
from people_bank import services as people_services
from people_bank.models import ConsentRecord, EqualityMonitoring, Person
from ppe.models import AuditEvent
from tests.factories import (
    InterestFactory,
    InvitationFactory,
    PatientPartnerFactory,
    PersonFactory,
    ServiceFactory,
    confirmed_improver,
    partner_in_tenure,
    rung,
)

pytestmark = pytest.mark.django_db


def match_url(request) -> str:
    return reverse("involvement_requests:match", args=[request.pk])


def suggested(client, request, query: str = "") -> list[int]:
    response = client.get(match_url(request) + query)
    assert response.status_code == 200
    return [row.person.pk for row in response.context["rows"]]


@pytest.fixture
def cardiology(accepted):
    service = ServiceFactory(name="Cardiology")
    accepted.services_wanted.add(service)
    return service


def test_people_with_the_service_experience_come_first_with_their_reasons(ppi_client, accepted, cardiology):
    discharge = InterestFactory(name="Discharge")
    accepted.interests_wanted.add(discharge)
    plain = confirmed_improver(first_name="Plain")
    fits = confirmed_improver(first_name="Fits")
    fits.services.add(cardiology)
    fits.interests.add(discharge)

    response = ppi_client.get(match_url(accepted))

    rows = response.context["rows"]
    assert [row.person.pk for row in rows] == [fits.pk, plain.pk]
    page = response.content.decode()
    assert "Experience of Cardiology" in page
    assert "Cares about discharge" in page
    assert "Has agreed to be invited" in page


def test_availability_chosen_on_the_page_changes_the_order(ppi_client, accepted):
    in_person = confirmed_improver(face_to_face=True, days="mon")
    online = confirmed_improver(online=True, days="tue,thu")
    assert suggested(ppi_client, accepted, "?taking_part=online&days=tue") == [online.pk, in_person.pk]
    page = ppi_client.get(match_url(accepted) + "?taking_part=online&days=tue").content.decode()
    assert "Can take part online" in page and "Free on Tuesday" in page
    assert "Cannot take part online" in page


def test_nonsense_in_the_address_is_treated_as_no_preference(ppi_client, accepted):
    person = confirmed_improver()
    assert suggested(ppi_client, accepted, "?taking_part=<script>&days=xyz&days=") == [person.pk]


def test_people_who_withdrew_consent_paused_or_left_never_appear(ppi_client, ppi_user, accepted):
    stays = confirmed_improver()
    withdrew, paused, left = confirmed_improver(), confirmed_improver(), confirmed_improver()
    people_services.consent_record(
        person=withdrew, kind=ConsentRecord.Kind.INVITATIONS, given=False, method="phone", by=ppi_user
    )
    people_services.person_change_status(person=paused, to=Person.Status.PAUSED, by=ppi_user)
    people_services.person_change_status(person=left, to=Person.Status.LEFT, by=ppi_user)
    erased = confirmed_improver()
    people_services.person_erase(person=erased, by=ppi_user)

    assert suggested(ppi_client, accepted) == [stays.pk]


def test_unconfirmed_improvers_and_people_with_no_role_do_not_appear(ppi_client, accepted):
    from tests.factories import HospitalImproverFactory

    HospitalImproverFactory()  # signed up, not yet confirmed by the PPI team
    PersonFactory()  # e.g. an organisation's contact
    assert suggested(ppi_client, accepted) == []


def test_partners_appear_only_on_a_rung_that_allows_them(ppi_client, accepted):
    partner = partner_in_tenure()
    assert suggested(ppi_client, accepted) == [partner.pk]
    page = ppi_client.get(match_url(accepted)).content.decode()
    assert "Allocate" in page and "as Patient Partner" in page

    InvolvementRequest.objects.filter(pk=accepted.pk).update(planned_rung=rung(2))
    assert suggested(ppi_client, accepted) == []
    assert (
        "Patient Partners are not allocated on this rung"
        in ppi_client.get(match_url(accepted)).content.decode()
    )


def test_a_partner_whose_tenure_has_ended_does_not_appear(ppi_client, accepted):
    today = timezone.localdate()
    ended = PatientPartnerFactory(
        started_on=today - datetime.timedelta(days=3 * 365 + 10),
        review_outcome="unsatisfactory",
    )
    assert ended.tenure_ends_on <= today
    in_tenure = partner_in_tenure()
    assert suggested(ppi_client, accepted) == [in_tenure.pk]


def test_people_already_invited_are_not_suggested_again(ppi_client, accepted):
    invited = confirmed_improver()
    InvitationFactory(request=accepted, person=invited)
    fresh = confirmed_improver()
    assert suggested(ppi_client, accepted) == [fresh.pk]


def test_the_same_few_people_are_not_always_first(ppi_client, accepted, qi_user):
    from tests.factories import InvolvementRequestFactory

    busy, rested = confirmed_improver(), confirmed_improver()
    for _ in range(2):
        other = InvolvementRequestFactory(submitted_by=qi_user, complete=True, status=Status.ACCEPTED)
        InvitationFactory(request=other, person=busy)
    assert suggested(ppi_client, accepted) == [rested.pk, busy.pk]
    assert (
        "Asked to take part 2 times in the last 6 months"
        in ppi_client.get(match_url(accepted)).content.decode()
    )


def _equality(person, **answers):
    EqualityMonitoring.objects.create(person=person, **answers)


def test_widening_the_groups_diversity_ranks_higher_and_no_answer_is_shown(ppi_client, accepted):
    # Fixed names: a random surname such as White would read as an equality answer below.
    already = confirmed_improver(first_name="Ann", last_name="Ashby")
    _equality(already, sex="female", age_band="65_74", ethnicity="white_british")
    InvitationFactory(request=accepted, person=already)
    same = confirmed_improver(first_name="Bea", last_name="Brook")
    _equality(same, sex="female", age_band="65_74", ethnicity="white_british")
    different = confirmed_improver(first_name="Cal", last_name="Carter")
    _equality(different, sex="male", age_band="18_24", ethnicity="asian_indian")
    objects = confirmed_improver(first_name="Dot", last_name="Dale")
    _equality(
        objects, sex="male", age_band="18_24", ethnicity="black_african", objects_to_monitoring_use=True
    )

    response = ppi_client.get(match_url(accepted))

    order = [row.person.pk for row in response.context["rows"]]
    assert order[0] == different.pk
    assert set(order[1:]) == {same.pk, objects.pk}
    page = response.content.decode()
    assert page.count("Would widen the diversity of the group") == 1
    for label in ("Male", "Female", "18 to 24", "Indian", "White", "African", "65 to 74"):
        assert label not in page


def test_viewing_the_match_page_is_audited(ppi_client, accepted):
    ppi_client.get(match_url(accepted))
    assert AuditEvent.objects.filter(
        action="view",
        subject_id=str(accepted.pk),
        detail="match page",
        subject_type="involvement_requests.involvementrequest",
    ).exists()


def test_a_request_not_yet_accepted_has_no_match_page(ppi_client, in_assessment):
    response = ppi_client.get(match_url(in_assessment), follow=True)
    assert response.redirect_chain[-1][0] == in_assessment.get_absolute_url()
    assert "cannot have people matched" in response.content.decode()


def test_the_detail_page_links_the_ppi_team_to_matching_and_people(ppi_client, qi_client, accepted):
    page = ppi_client.get(accepted.get_absolute_url()).content.decode()
    assert match_url(accepted) in page
    assert reverse("involvement_requests:people", args=[accepted.pk]) in page
    own = qi_client.get(accepted.get_absolute_url()).content.decode()
    assert match_url(accepted) not in own


def _bank(count: int, services) -> None:
    for n in range(count):
        person = confirmed_improver() if n % 2 else partner_in_tenure()
        person.services.add(*services)
        _equality(person, sex="female" if n % 3 else "male")


def _queries_for_match(client, request) -> int:
    client.get(match_url(request))  # warm the per-user caches (roles, security policy)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(match_url(request) + "?taking_part=online&days=mon")
    assert response.status_code == 200
    return len(captured), len(response.context["rows"])


def test_the_match_page_runs_the_same_queries_for_5_or_50_people(ppi_client, accepted, cardiology):
    InvitationFactory(request=accepted, person=confirmed_improver())
    _bank(5, [cardiology])
    few, shown_few = _queries_for_match(ppi_client, accepted)
    _bank(45, [cardiology])
    many, shown_many = _queries_for_match(ppi_client, accepted)
    assert (shown_few, shown_many) == (5, 50)
    assert few == many


def test_a_partner_with_six_paid_sessions_this_month_is_ranked_down_and_told_why(
    ppi_client, ppi_user, accepted
):
    from people_bank.payments import services as payments

    busy, free = partner_in_tenure(), partner_in_tenure()
    today = timezone.localdate()
    for day in range(6):
        payments.session_record(
            person=busy,
            held_on=today.replace(day=1) + datetime.timedelta(days=day % max(1, today.day)),
            minutes=120,
            kind="project_group",
            by=ppi_user,
        )
    assert selectors.paid_sessions_this_month([busy.pk, free.pk], today) == {busy.pk: 6, free.pk: 0}
    assert suggested(ppi_client, accepted) == [free.pk, busy.pk]
    page = ppi_client.get(match_url(accepted)).content.decode()
    assert "Already has 6 paid sessions this month: another would not be paid" in page


def test_the_databases_cut_of_the_pool_scores_exactly_as_the_ranking_rules_do():
    """The pool is ordered in SQL (selectors._base_points_sql); it must give the points
    matching.base_points gives for every mix of counts, ways of taking part and days."""
    import itertools

    from involvement_requests import matching

    people = [
        (services, interests, online, face_to_face, days, load)
        for services, interests, load in itertools.product(range(5), range(5), range(4))
        for online, face_to_face in itertools.product([False, True], repeat=2)
        for days in ["", "mon", "tue,thu", "mon,tue,wed,thu,fri,sat,sun"]
    ]
    choices = [
        {},
        {"online": True},
        {"face_to_face": True, "days": frozenset({"mon"})},
        {"online": True, "face_to_face": True, "days": frozenset({"tue", "thu", "sun"})},
    ]
    for choice in choices:
        wanted = matching.Wanted(on=timezone.localdate(), **choice)
        points, params = selectors._base_points_sql(wanted)
        rows = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(people))
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH person (services, interests, online, face_to_face, days, recent_load)"  # noqa: S608
                f" AS (VALUES {rows}) SELECT {points} FROM person",
                [*itertools.chain.from_iterable(people), *params],
            )
            from_sql = [row[0] for row in cursor.fetchall()]
        expected = [
            matching.base_points(
                wanted,
                services=services,
                interests=interests,
                online=online,
                face_to_face=face_to_face,
                days=frozenset(days.split(",")) - {""},
                recent_load=load,
            )
            for services, interests, online, face_to_face, days, load in people
        ]
        assert from_sql == expected, choice


def test_the_pool_keeps_the_best_scored_people_and_breaks_ties_by_the_older_record(accepted, cardiology):
    discharge = InterestFactory(name="Discharge")
    accepted.interests_wanted.add(discharge)
    plain = [confirmed_improver(first_name=f"Plain{n}") for n in range(3)]
    service_only = confirmed_improver(first_name="Service")
    service_only.services.add(cardiology)
    both = confirmed_improver(first_name="Both")
    both.services.add(cardiology)
    both.interests.add(discharge)
    busy = confirmed_improver(first_name="Busy")
    busy.services.add(cardiology)
    busy.interests.add(discharge)
    InvitationFactory(person=busy)

    wanted = selectors.wanted_for(accepted)
    ids, load = selectors._pool(accepted, wanted, 4)

    # Both 3+2+2, service 3+2, busy 3+2-2, plain 2 each (the oldest plain first).
    assert ids == [both.pk, service_only.pk, busy.pk, plain[0].pk]
    assert load == {busy.pk: 1}
