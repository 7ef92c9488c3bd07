import django_filters
from django import forms

from ppe.form_pack import NHSDateField
from ppe.models import AuditEvent


class NHSDateFilter(django_filters.DateFilter):
    field_class = NHSDateField


class AuditEventFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(label="Staff username", lookup_expr="iexact")
    action = django_filters.ChoiceFilter(choices=AuditEvent.Action.choices, empty_label="Any action")
    subject_type = django_filters.CharFilter(
        label="Record type", help_text="For example people_bank.person", lookup_expr="iexact"
    )
    subject_id = django_filters.CharFilter(label="Record id")
    since = NHSDateFilter(field_name="at", lookup_expr="date__gte", label="From")
    until = NHSDateFilter(field_name="at", lookup_expr="date__lte", label="To")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    @property
    def form(self):
        form = super().form
        form.fields["action"].widget = forms.Select(choices=form.fields["action"].choices)
        return form
