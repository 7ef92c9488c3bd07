import datetime

import django_filters
from django import forms
from django.db.models.functions import Coalesce
from django.utils import timezone

from involvement_requests.models import InvolvementRequest, QualityPriority, Rung, Status
from people_bank.models import ClinicalManagementGroup
from ppe.filters import DateBox, KeptChoicesFilterSet


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
        # `queue` rides along in the form to keep the chosen queue; it is not a filter.
        self.form.cleaned_data.pop("queue", None)
        return super().filter_queryset(queryset)

    def filter_rung(self, queryset, name, value):
        # The planned rung once assessed, else the one proposed: one expression, which
        # request_current_rung_idx indexes.
        return queryset.alias(current_rung=Coalesce("planned_rung", "proposed_rung")).filter(
            current_rung=value.pk
        )

    # Whole days in local time, compared with the stored time itself so that an index
    # on it can answer (converting each row's time to a date cannot use one).
    def filter_submitted_from(self, queryset, name, value):
        return queryset.filter(last_submitted_at__gte=_start_of(value))

    def filter_submitted_to(self, queryset, name, value):
        return queryset.filter(last_submitted_at__lt=_start_of(value + datetime.timedelta(days=1)))


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
