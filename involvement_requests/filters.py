import django_filters
from django import forms
from django.db.models import Q

from involvement_requests.models import InvolvementRequest, QualityPriority, Rung, Status
from people_bank.models import ClinicalManagementGroup
from ppe.filters import KeptChoicesFilterSet
from ppe.form_pack import NHSFormMixin


class QueueFilterForm(NHSFormMixin, forms.Form):
    submit_label = "Apply filters"
    # Keeps the chosen queue when filters are applied.
    queue = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"
        self.helper.disable_csrf = True


class DateBox(forms.DateInput):
    input_type = "date"


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
        label="Submitted on or after", field_name="last_submitted_at", lookup_expr="date__gte", widget=DateBox
    )
    submitted_to = django_filters.DateFilter(
        label="Submitted on or before",
        field_name="last_submitted_at",
        lookup_expr="date__lte",
        widget=DateBox,
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
        return queryset.filter(Q(planned_rung=value) | Q(planned_rung__isnull=True, proposed_rung=value))
