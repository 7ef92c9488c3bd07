from django import forms
from django.utils import timezone

from outcomes.report.quarters import Quarter, QuarterError, parse_ended
from ppe.form_pack import NHSFormMixin

QUARTERS_OFFERED = 8


def ended_quarters(today) -> list[Quarter]:
    quarters = [Quarter.last_ended(today)]
    while len(quarters) < QUARTERS_OFFERED:
        quarters.append(quarters[-1].previous())
    return quarters


class ReportRequestForm(NHSFormMixin, forms.Form):
    submit_label = "Prepare the report"

    quarter = forms.CharField(
        label="Quarter",
        help_text="Quarters of the NHS financial year: Q1 is April to June.",
        widget=forms.Select,
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        choices = [(q.slug, f"{q.label} ({q.months})") for q in ended_quarters(self.today)]
        self.fields["quarter"].widget.choices = choices
        self.fields["quarter"].initial = choices[0][0]

    def clean_quarter(self) -> Quarter:
        try:
            return parse_ended(self.cleaned_data["quarter"], self.today)
        except QuarterError as exc:
            raise forms.ValidationError(str(exc)) from exc


class PublishForm(NHSFormMixin, forms.Form):
    submit_label = "Publish to the Board"
