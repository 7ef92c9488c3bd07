"""The People list from SQL compiled once per combination of filters: the same people, in
the same order, as the filters' own queryset gives, for every filter and values that change."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from people_bank import selectors
from people_bank.filters import PersonFilter
from people_bank.models import Day, Person
from tests.factories import (
    ConversationFactory,
    HospitalImproverFactory,
    InterestFactory,
    PatientPartnerFactory,
    PersonFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    services = [ServiceFactory() for _ in range(3)]
    interests = [InterestFactory() for _ in range(2)]
    names = ["Patel", "Okafor", "Nowak", "Patelli", "O'Brien", "Smith_Jones", "100% Kent", "Back\\slash"]
    now = timezone.now()
    people = []
    for n, last in enumerate(names * 2):
        person = PersonFactory(
            first_name=f"Alex{n}",
            last_name=last,
            status=["active", "paused"][n % 2],
            online=n % 3 != 0,
            face_to_face=n % 2 == 0,
            days=[Day.choices[n % 5][0]],
            can_be_invited=n % 4 != 0,
        )
        person.services.set(services[: 1 + n % 3])
        person.interests.set(interests[n % 2 :])
        if n % 3 == 0:
            PatientPartnerFactory(person=person)
        if n % 2 == 0:
            HospitalImproverFactory(person=person)
        if n % 5:
            ConversationFactory(person=person, happened_at=now - datetime.timedelta(days=40 * n))
        people.append(person)
    return services, interests


QUERIES = [
    "",
    "q=patel",
    "q=PATEL  ",
    "q=pa",
    "q=%25",
    "q=_",
    "q=%5C",
    "q=smith_j",
    "status=active&role=improver",
    "role=both&sort=-joined",
    "role=awaiting",
    "role=partner&sort=last_contact",
    "availability=online&day=mon&invitable=true",
    "invitable=false&last_contact=stale",
    "last_contact=recent&sort=-last_contact",
    "review_due=90",
]


@pytest.mark.parametrize("query", QUERIES)
def test_every_filter_lists_the_same_people_as_its_own_queryset(bank, query):
    services, interests = bank
    for extra in (
        "",
        f"&services={services[0].pk}",
        f"&services={services[1].pk}&services={services[2].pk}&interests={interests[1].pk}",
    ):
        data = QueryDict(query + extra)
        people = PersonFilter(data, queryset=Person.objects.all())
        assert people.is_valid()
        for offset in (0, 3):
            expected = list(selectors.people_page(people.qs, offset, 5))
            assert people.page_rows(offset, 5) == expected, (query + extra, offset)


def test_values_that_change_reuse_the_compiled_query_and_still_find_their_own_people(bank):
    services, _ = bank
    found = {}
    for service in services:
        people = PersonFilter(QueryDict(f"services={service.pk}&q=alex1"), queryset=Person.objects.all())
        assert people.is_valid()
        found[service.pk] = {row["id"] for row in people.page_rows(0, 50)}
        expected = {p.pk for p in Person.objects.filter(services=service, search_text__contains="alex1")}
        assert found[service.pk] == expected
    assert len({frozenset(ids) for ids in found.values()}) > 1  # the services do pick different people
