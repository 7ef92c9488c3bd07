import datetime
import functools

import django_filters
from django import forms
from django.db.models import Count, Model, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from involvement_requests.models import InvolvementRequest, QualityPriority, Rung, Status
from people_bank.models import ClinicalManagementGroup
from ppe.compiled import Varying, compiled_varying
from ppe.filters import DateBox, KeptChoicesFilterSet
from ppe.formats import start_of_day


class QueueFilterForm(forms.Form):
    """A plain form: {% filter_form %} (includes/filter_form.html) draws it, so a crispy
    helper (NHSFormMixin) would be built on every visit and never used, and every field is
    optional, so its "Enter ..." messages for required fields could never show."""

    # Keeps the chosen queue when filters are applied.
    queue = forms.CharField(widget=forms.HiddenInput, required=False)


class RequestFilter(KeptChoicesFilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(value, label) for value, label in Status.choices if value != Status.DRAFT],
        empty_label="Any status",
    )
    cmg = django_filters.ModelChoiceFilter(
        label="Clinical Management Group",
        queryset=ClinicalManagementGroup.objects.all(),
        empty_label="Any CMG",
    )
    priority = django_filters.ModelChoiceFilter(
        label="Quality Strategy priority", queryset=QualityPriority.objects.all(), empty_label="Any priority"
    )
    rung = django_filters.ModelChoiceFilter(
        label="Rung",
        queryset=Rung.objects.order_by("order"),
        method="filter_rung",
        empty_label="Any rung",
    )
    submitted_from = django_filters.DateFilter(
        label="Submitted on or after", method="filter_submitted_from", widget=DateBox
    )
    submitted_to = django_filters.DateFilter(
        label="Submitted on or before", method="filter_submitted_to", widget=DateBox
    )

    class Meta:
        model = InvolvementRequest
        fields = ["status", "cmg", "priority", "rung", "submitted_from", "submitted_to"]
        form = QueueFilterForm

    def filter_queryset(self, queryset):
        return self.filtered_by(queryset, self._filters_chosen())

    def _filters_chosen(self) -> dict:
        # `queue` rides along in the form to keep the chosen queue; it is not a filter.
        return {name: value for name, value in self.form.cleaned_data.items() if name != "queue"}

    def page_rows(self, queue: str, start: int, size: int) -> tuple[list[dict], int]:
        """`size` rows from `start` of this queue as the (valid) form filters it, as the cells
        of the table, and how many requests it holds (0 past its end, where there are no
        rows to carry the count): from SQL compiled once per combination
        of filters, as building and compiling the queries took longer than running them.
        The CMG, priority, rung and days chosen are what vary, and the time now for the
        queue of overdue assessments."""
        from involvement_requests import selectors

        now = Varying(timezone.now(), as_param=selectors.overdue_before) if queue == "overdue" else None
        options = {"now": now}
        for name, value in self._filters_chosen().items():
            if name == "submitted_from" and value:
                options[name] = Varying(value, as_param=start_of_day)
            elif name == "submitted_to" and value:
                options[name] = Varying(value, as_param=submitted_before)
            elif isinstance(value, Model):
                options[name] = Varying(value)
            else:
                options[name] = value
        rows = _queue_rows(queue=queue, start=start, size=size, **options)
        # Each row carries the count; none past the end (the caller asks again there).
        return selectors.rows_as_cells(rows), rows[0]["total"] if rows else 0

    def filter_rung(self, queryset, name, value):
        # The planned rung once assessed, else the one proposed: one expression, which
        # request_current_rung_idx indexes.
        return queryset.alias(current_rung=Coalesce("planned_rung", "proposed_rung")).filter(
            current_rung=value.pk
        )

    # Whole days in local time, compared with the stored time itself so that an index
    # on it can answer (converting each row's time to a date cannot use one).
    def filter_submitted_from(self, queryset, name, value):
        return queryset.filter(last_submitted_at__gte=start_of_day(value))

    def filter_submitted_to(self, queryset, name, value):
        return queryset.filter(last_submitted_at__lt=submitted_before(value))


def submitted_before(day: datetime.date) -> datetime.datetime:
    """The first moment after `day`, local time."""
    return start_of_day(day + datetime.timedelta(days=1))


@functools.partial(compiled_varying, kept_shapes=64, prepare=False)
def _queue_rows(*, queue: str, now, start: int, size: int, **data) -> QuerySet:
    """The page's rows, each with how many the whole list holds: one statement, the count
    a subquery PostgreSQL works out once (an index-only COUNT(*), grouped by a constant,
    which Django leaves out of a GROUP BY)."""
    from involvement_requests import selectors

    chosen = RequestFilter().filtered_by(selectors.queue(queue, now), data)
    count = chosen.order_by().annotate(one=Value(1)).values("one").annotate(total=Count("*")).values("total")
    return selectors.rows_of_page(chosen, start, size).annotate(total=Subquery(count))
