"""Queries compiled once: each call reads its own row, and the SQL is worked out once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people_bank.models import Person
from ppe.compiled import compiled_once, compiled_without_id
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_query_compiled_once_reads_the_row_it_is_given_each_time():
    builds = []

    @compiled_once
    def names(person_id, *, upper=False):
        builds.append((person_id, upper))
        return Person.objects.filter(pk=person_id).values("first_name", "joined_on")

    ann, bob = PersonFactory(first_name="Ann"), PersonFactory(first_name="Bob")
    assert names(0) == []  # compiled (and on PostgreSQL prepared) by the first call
    with CaptureQueriesContext(connection) as captured:
        assert names(ann.pk) == [{"first_name": "Ann", "joined_on": ann.joined_on}]
        assert names(bob.pk) == [{"first_name": "Bob", "joined_on": bob.joined_on}]
        assert names(0) == []
    assert len(captured) == 3 and len(builds) == 1
    names(ann.pk, upper=True)  # other options: compiled again, once
    names(bob.pk, upper=True)
    assert len(builds) == 2


def test_a_query_that_ignores_its_id_is_refused():
    @compiled_once
    def everyone(person_id):
        return Person.objects.values("first_name")

    with pytest.raises(ValueError, match="does not use the id"):
        everyone(1)


def test_options_that_keep_changing_do_not_pile_up(monkeypatch):
    from ppe import compiled

    monkeypatch.setattr(compiled, "KEPT_PER_QUERY", 3)
    builds = []

    @compiled_once
    def on_day(person_id, *, day):
        builds.append(day)
        return Person.objects.filter(pk=person_id, joined_on__lte=day).values("first_name")

    import datetime

    ann = PersonFactory(first_name="Ann", joined_on=datetime.date(2020, 1, 1))
    days = [datetime.date(2024, 1, n) for n in range(1, 6)]
    for day in days:
        assert on_day(ann.pk, day=day) == [{"first_name": "Ann"}]
    assert len(builds) == 5
    on_day(ann.pk, day=days[-1])  # the latest are kept
    assert len(builds) == 5
    on_day(ann.pk, day=days[0])  # the first was let go: at most three are kept
    assert len(builds) == 6


def test_a_query_without_an_id_reads_rows_added_since_it_was_compiled():
    builds = []

    @compiled_without_id
    def named(*, first_name):
        builds.append(first_name)
        return Person.objects.filter(first_name=first_name).order_by("pk").values("pk")

    assert named(first_name="Ann") == []
    ann = PersonFactory(first_name="Ann")
    PersonFactory(first_name="Bob")
    assert named(first_name="Ann") == [{"pk": ann.pk}]
    assert named(first_name="Bob") != []
    assert builds == ["Ann", "Bob"]


def test_objects_compiled_once_come_with_what_they_select_related_and_can_be_saved():
    from involvement_requests.models import InvolvementRequest
    from ppe.compiled import compiled_objects
    from tests.factories import InvolvementRequestFactory

    builds = []

    @compiled_objects
    def with_lead(request_id):
        builds.append(request_id)
        return InvolvementRequest.objects.filter(pk=request_id).select_related("submitted_by", "cmg")

    first, second = InvolvementRequestFactory(title="First"), InvolvementRequestFactory(title="Second")
    assert with_lead(0) == []
    with CaptureQueriesContext(connection) as captured:
        [found] = with_lead(second.pk)
        assert (found.title, found.submitted_by.username) == ("Second", second.submitted_by.username)
        assert found.cmg_id == second.cmg_id and (found.cmg is None) == (second.cmg_id is None)
    assert len(captured) == 1 and len(builds) == 1  # the lead came in the same query
    [found] = with_lead(first.pk)
    found.title = "Renamed"
    found.save()
    assert InvolvementRequest.objects.get(pk=first.pk).title == "Renamed"
    assert len(builds) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_a_compiled_query_is_prepared_once_and_reads_fresh_rows_each_time(settings):
    from django.db.models import CharField, Value

    @compiled_once
    def named(person_id):
        # A constant in the select list: a parameter PostgreSQL cannot type by itself.
        return (
            Person.objects.filter(pk=person_id)
            .annotate(tag=Value("kept", CharField()))
            .values("first_name", "tag")
        )

    ann = PersonFactory(first_name="Ann")
    assert named(ann.pk) == [{"first_name": "Ann", "tag": "kept"}]
    Person.objects.filter(pk=ann.pk).update(first_name="Anne")
    with CaptureQueriesContext(connection) as captured:
        assert named(ann.pk) == [{"first_name": "Anne", "tag": "kept"}]
    assert [q["sql"].split()[0] for q in captured] == ["EXECUTE"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_statement_postgresql_refuses_to_prepare_runs_as_plain_sql_and_spoils_nothing():
    from ppe.compiled import _is_prepared, _Prepared

    refused = _Prepared("ppe_refused", "PREPARE ppe_refused AS SELEC 1", "EXECUTE ppe_refused")
    ann = PersonFactory(first_name="Ann")
    with connection.cursor() as cursor:
        assert _is_prepared(connection, cursor, refused) is False
        assert _is_prepared(connection, cursor, refused) is False  # not tried again
    assert Person.objects.get(pk=ann.pk).first_name == "Ann"  # the transaction still works


def test_varying_values_are_compiled_once_per_shape_and_each_call_reads_its_own():
    from ppe.compiled import Varying, compiled_varying

    builds = []

    @compiled_varying
    def named(*, first_names, status):
        builds.append((first_names, status))
        return (
            Person.objects.filter(first_name__in=first_names, status=status)
            .order_by("first_name")
            .values("first_name")
        )

    for name in ("Ann", "Bob", "Cat"):
        PersonFactory(first_name=name, status="active")
    PersonFactory(first_name="Dan", status="paused")
    assert named(first_names=Varying(("Ann", "Bob")), status="active") == [
        {"first_name": "Ann"},
        {"first_name": "Bob"},
    ]
    assert named(first_names=Varying(("Cat", "Dan")), status="active") == [{"first_name": "Cat"}]
    assert len(builds) == 1  # the same shape: two names, active
    assert named(first_names=Varying(("Dan", "Bob")), status="paused") == [{"first_name": "Dan"}]
    assert named(first_names=Varying(("Cat",)), status="active") == [{"first_name": "Cat"}]
    assert len(builds) == 3  # another status, then one name rather than two
    assert all(name.startswith("ppestandin") for name in builds[0][0])  # never a real value


def test_a_varying_value_the_query_changes_undeclared_is_refused():
    from ppe.compiled import Varying, compiled_varying

    @compiled_varying
    def containing(*, term):
        return Person.objects.filter(first_name__contains=term).values("first_name")

    with pytest.raises(ValueError, match="does not use as declared"):
        containing(term=Varying("nn"))  # __contains wraps it in % signs
    PersonFactory(first_name="Ann")
    pattern = lambda term: f"%{connection.ops.prep_for_like_query(term)}%"  # noqa: E731
    assert containing(term=Varying("nn", as_param=pattern)) == [{"first_name": "Ann"}]
    assert containing(term=Varying("n%", as_param=pattern)) == []  # the % is the letter, not a wildcard
