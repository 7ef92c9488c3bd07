"""django-filter FilterSets for the People Bank lists.

Every filter reads an indexed column or an EXISTS on an indexed join table, never a join
that multiplies rows (so no DISTINCT over 100,000 people)."""

from __future__ import annotations

import datetime
import functools

import django_filters
from django import forms
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from people_bank.models import Day, Interest, Organisation, PatientPartner, Person, Service
from ppe.compiled import Varying, compiled_varying
from ppe.filters import KeptChoicesFilterSet
from ppe.formats import start_of_day

SIX_MONTHS = datetime.timedelta(days=183)
TRIGRAM_MIN = 3  # a trigram index cannot help with a search shorter than three letters


def search_term(value: str) -> str:
    """What a search box's text is looked for as: lower case, single spaces."""
    return " ".join(value.lower().split())


def _text(queryset, name, value):
    term = search_term(value)
    if not term:
        return queryset
    # One lower-cased column: `LIKE '%term%'` that a trigram GIN index answers on PostgreSQL.
    return queryset.filter(search_text__contains=term)


def contains_pattern(term: str) -> str:
    """The LIKE pattern a `__contains` lookup sends for `term` (its own wildcards escaped)."""
    return f"%{connection.ops.prep_for_like_query(term)}%"


def _chosen(value) -> bool:
    """Whether a multiple choice control has options chosen. None chosen is the field's
    queryset.none(), and asking a queryset whether it is empty compiles and runs it."""
    return not value.query.is_empty() if isinstance(value, QuerySet) else bool(value)


class NHSFilterSet(KeptChoicesFilterSet):
    """Filter controls drawn with the design system's classes. Filters that count time back
    from today take `today` from here: the day the list was asked for."""

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    @classmethod
    def prepare_fields(cls, fields):
        for field in fields.values():
            widget = field.widget
            css = "nhsuk-select" if isinstance(widget, forms.Select) else "nhsuk-input"
            widget.attrs["class"] = f"{css} ppe-filter-control"


class PersonFilter(NHSFilterSet):
    q = django_filters.CharFilter(label="Name, email, phone or postcode", method="filter_text")
    role = django_filters.ChoiceFilter(
        label="Role",
        empty_label="Any role",
        choices=[
            ("partner", "Patient Partner"),
            ("improver", "Hospital Improver"),
            ("both", "Both"),
            ("awaiting", "Improver awaiting confirmation"),
        ],
        method="filter_role",
    )
    status = django_filters.ChoiceFilter(choices=Person.Status.choices, empty_label="Any status")
    services = django_filters.ModelMultipleChoiceFilter(
        queryset=Service.objects.filter(is_active=True),
        method="filter_services",
        label="Services",
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    interests = django_filters.ModelMultipleChoiceFilter(
        queryset=Interest.objects.filter(is_active=True),
        method="filter_interests",
        label="Issues they care about",
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    availability = django_filters.ChoiceFilter(
        label="Can take part",
        empty_label="Any way",
        choices=[("online", "Online"), ("face_to_face", "Face to face")],
        method="filter_availability",
    )
    day = django_filters.ChoiceFilter(
        choices=Day.choices, empty_label="Any day", method="filter_day", label="Day"
    )
    invitable = django_filters.BooleanFilter(
        field_name="can_be_invited",
        label="Can be invited",
        widget=forms.Select(choices=[("", "Either"), ("true", "Yes"), ("false", "No")]),
    )
    review_due = django_filters.ChoiceFilter(
        label="Review or tenure end",
        empty_label="Any time",
        choices=[("90", "In the next 90 days")],
        method="filter_review_due",
    )
    last_contact = django_filters.ChoiceFilter(
        label="Last contact",
        empty_label="Any time",
        choices=[("stale", "No contact for 6 months or more"), ("recent", "In the last 6 months")],
        method="filter_last_contact",
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        empty_label=None,
        method="filter_sort",
        choices=[
            ("name", "Name"),
            ("-last_contact", "Most recent contact"),
            ("last_contact", "Longest without contact"),
            ("-joined", "Newest first"),
        ],
    )

    class Meta:
        model = Person
        fields = []

    def filter_text(self, queryset, name, value):
        return _text(queryset, name, value)

    def filter_role(self, queryset, name, value):
        if value == "partner":
            return queryset.filter(patient_partner__isnull=False)
        if value == "improver":
            return queryset.filter(hospital_improver__isnull=False)
        if value == "both":
            return queryset.filter(patient_partner__isnull=False, hospital_improver__isnull=False)
        if value == "awaiting":
            return queryset.filter(
                hospital_improver__isnull=False, hospital_improver__confirmed_at__isnull=True
            )
        return queryset

    def filter_services(self, queryset, name, value):
        if not _chosen(value):
            return queryset
        link = Person.services.through.objects.filter(person_id=OuterRef("pk"), service__in=value)
        return queryset.filter(Exists(link))

    def filter_interests(self, queryset, name, value):
        if not _chosen(value):
            return queryset
        link = Person.interests.through.objects.filter(person_id=OuterRef("pk"), interest__in=value)
        return queryset.filter(Exists(link))

    def filter_availability(self, queryset, name, value):
        return queryset.filter(**{value: True}) if value in ("online", "face_to_face") else queryset

    def filter_day(self, queryset, name, value):
        return queryset.filter(days__contains=value)

    def filter_review_due(self, queryset, name, value):
        today = self.today
        until = today + datetime.timedelta(days=int(value))
        due = PatientPartner.objects.filter(person_id=OuterRef("pk")).filter(
            review_due_on__range=(today, until), review_outcome=PatientPartner.Review.PENDING
        ) | PatientPartner.objects.filter(person_id=OuterRef("pk"), tenure_ends_on__range=(today, until))
        return queryset.filter(Exists(due))

    def filter_last_contact(self, queryset, name, value):
        # From the start of the day six months ago: the same people all day long.
        cutoff = start_of_day(self.today - SIX_MONTHS)
        if value == "stale":
            return queryset.filter(Q(last_contact_at__lt=cutoff) | Q(last_contact_at__isnull=True))
        return queryset.filter(last_contact_at__gte=cutoff)

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset

    # Each order matches an index (person_name_idx, person_last_contact_idx, person_joined_idx).
    ORDERS = {
        "name": ["last_name", "first_name", "id"],
        "-last_contact": [F("last_contact_at").desc(nulls_last=True), "-id"],
        "last_contact": [F("last_contact_at").asc(nulls_first=True), "id"],
        "-joined": ["-joined_on", "-id"],
    }

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return self.narrow(queryset, data, searching=self.searching(data))

    @staticmethod
    def searching(data: dict) -> bool:
        """Whether the list is a search the trigram index should answer."""
        return (data.get("sort") or "name") == "name" and len(search_term(data.get("q") or "")) >= TRIGRAM_MIN

    def narrow(self, queryset, data: dict, *, searching: bool):
        """The people `data` (cleaned values, by filter) chooses, in the order it asks for."""
        queryset = self.filtered_by(queryset, data)
        if searching:
            # Searching: let PostgreSQL find the few matches through the trigram index and
            # sort them, rather than walk the whole name index testing each row. Ordering
            # by an expression no index covers is what steers it there.
            return queryset.order_by(Lower("last_name"), Lower("first_name"), "id")
        return queryset.order_by(*self.ORDERS.get(data.get("sort") or "name", self.ORDERS["name"]))

    def page_rows(self, offset: int, count: int) -> list[dict]:
        """`count` rows from `offset` of the list the (valid) form asks for, as
        `selectors.people_page` gives them, from SQL compiled once per combination of
        filters: building and compiling the query took longer than running it. The search
        term and the services and issues chosen are what vary; the rest are choices."""
        data = self.form.cleaned_data
        options = {}
        for name, value in data.items():
            if name == "q":
                term = search_term(value or "")
                options[name] = Varying(term, as_param=contains_pattern) if term else ""
            elif name in ("services", "interests"):
                ids = tuple(sorted({row.pk for row in value})) if _chosen(value) else ()
                options[name] = Varying(ids) if ids else ()
            else:
                options[name] = value
        return _people_rows(
            today=self.today, offset=offset, count=count, searching=self.searching(data), **options
        )


@functools.partial(compiled_varying, kept_shapes=64)
def _people_rows(*, today, offset, count, searching, **data) -> QuerySet:
    from people_bank import selectors

    people = PersonFilter(today=today).narrow(Person.objects.all(), data, searching=searching)
    return selectors.people_page(people, offset, count)


class OrganisationFilter(NHSFilterSet):
    q = django_filters.CharFilter(label="Name, area, conditions or communities", method="filter_text")
    kind = django_filters.ChoiceFilter(
        choices=Organisation.Kind.choices, empty_label="Any type", label="Type"
    )
    role = django_filters.ChoiceFilter(
        label="Role they play",
        empty_label="Any role",
        choices=[
            ("is_service_provider", "Service provider"),
            ("is_lobby", "Lobby"),
            ("is_advocate", "Patients' advocate"),
            ("is_conduit", "Conduit to patients' voices"),
        ],
        method="filter_role",
    )
    last_contact = django_filters.ChoiceFilter(
        label="Last contact",
        empty_label="Any time",
        choices=[("stale", "No contact for 6 months or more"), ("recent", "In the last 6 months")],
        method="filter_last_contact",
    )

    class Meta:
        model = Organisation
        fields = []

    def filter_text(self, queryset, name, value):
        return _text(queryset, name, value)

    def filter_role(self, queryset, name, value):
        return queryset.filter(**{value: True})

    filter_last_contact = PersonFilter.filter_last_contact
