"""Each request's FilterSet works on its own copies of the declared filters and fields
(ppe.filters copies them more cheaply than django-filter and Django do)."""

import pytest
from django.http import QueryDict

from people_bank.filters import OrganisationFilter, PersonFilter
from people_bank.models import Person
from tests.factories import HospitalImproverFactory, PatientPartnerFactory

pytestmark = pytest.mark.django_db


def test_each_request_filters_with_its_own_values():
    partner = PatientPartnerFactory().person
    improver = HospitalImproverFactory().person

    partners = PersonFilter(QueryDict("role=partner"), queryset=Person.objects.all())
    improvers = PersonFilter(QueryDict("role=improver&sort=-joined"), queryset=Person.objects.all())

    assert list(improvers.qs) == [improver]
    assert list(partners.qs) == [partner]
    for filterset in (partners, improvers):
        for declared in filterset.filters.values():
            assert declared.parent is filterset
    assert partners.filters["role"] is not PersonFilter.base_filters["role"]


def test_changing_one_forms_fields_leaves_the_next_forms_alone():
    first = PersonFilter(QueryDict(""), queryset=Person.objects.all()).form
    first.fields["status"].choices = [("x", "Changed")]
    first.fields["status"].widget.attrs["class"] = "changed"

    second = PersonFilter(QueryDict(""), queryset=Person.objects.all()).form

    assert ("x", "Changed") not in list(second.fields["status"].choices)
    assert ("active", "Active") in [tuple(option) for option in second.fields["status"].choices]
    assert second.fields["status"].widget.attrs["class"] == "nhsuk-select ppe-filter-control"
    assert list(second.fields["status"].widget.choices) == list(second.fields["status"].choices)
    assert "Any type" in str(OrganisationFilter(QueryDict("")).form["kind"])
