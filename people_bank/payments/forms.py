"""Input only: validate and clean. Saving, and every money rule, is the services' job."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone

from people_bank.payments import rules
from people_bank.payments.models import ExpenseClaim, ExpenseLine, PaymentMethod, Session
from ppe.form_pack import NHSDateField, NHSFormMixin

MONEY = {"max_digits": 8, "decimal_places": 2}


def _not_future(value: datetime.date | None, label: str):
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{label} must be today or in the past")
    return value


def _positive(value, label: str):
    if value is not None and value <= 0:
        raise forms.ValidationError(f"{label} must be more than 0")
    return value


class PartnerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class NumberField(forms.IntegerField):
    """Something a session was for, typed by the number shown on it (optional)."""

    model_label = ""
    noun = ""
    help_noun = ""

    def __init__(self, **kwargs):
        super().__init__(
            label=f"{self.noun} number (optional)",
            required=False,
            min_value=1,
            help_text=f"The number shown on the {self.help_noun}, if the session was for one.",
            **kwargs,
        )

    def clean(self, value):
        number = super().clean(value)
        if number is None:
            return None
        from django.apps import apps

        found = apps.get_model(self.model_label).objects.filter(pk=number).first()
        if found is None:
            raise forms.ValidationError(f"There is no {self.noun} with that number")
        return found


class RequestNumberField(NumberField):
    model_label = "involvement_requests.InvolvementRequest"
    noun = help_noun = "Patient Involvement Request"


class ActivityNumberField(NumberField):
    model_label = "outcomes.Activity"
    noun = "Engagement activity"
    help_noun = "activity's page"


class SessionDetailsMixin(forms.Form):
    minutes = forms.IntegerField(label="Length in minutes", min_value=1, max_value=12 * 60)
    kind = forms.ChoiceField(label="Type of session", choices=Session.Kind.choices, widget=forms.RadioSelect)
    description = forms.CharField(label="What the session was (optional)", max_length=200, required=False)
    involvement_request = RequestNumberField()
    activity = ActivityNumberField()

    def clean_minutes(self):
        return _positive(self.cleaned_data.get("minutes"), "The length")


class SessionBulkForm(NHSFormMixin, SessionDetailsMixin):
    submit_label = "Record sessions"
    field_order = ["held_on", "people", "minutes", "kind", "description", "involvement_request", "activity"]

    held_on = NHSDateField(label="Date of the session")
    people = PartnerChoiceField(
        label="Patient Partners who attended",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one Patient Partner"},
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = partners

    def clean_held_on(self):
        return _not_future(self.cleaned_data.get("held_on"), "The date of the session")


class SessionEditForm(NHSFormMixin, SessionDetailsMixin):
    submit_label = "Save session"


class WarningButtonMixin:
    """For a form whose button undoes something: drawn as an NHS.UK warning button."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for button in self.helper.inputs:
            button.field_classes = f"{button.field_classes} nhsuk-button--warning"


class CancelForm(WarningButtonMixin, NHSFormMixin, forms.Form):
    submit_label = "Cancel and correct"
    reason = forms.CharField(label="Reason", max_length=300, error_messages={"required": "Enter the reason"})


class ReverseForm(CancelForm):
    submit_label = "Reverse claim"


class PaymentChoiceForm(NHSFormMixin, forms.Form):
    submit_label = "Save choice"
    method = forms.ChoiceField(
        label="How would they like to be paid?", choices=PaymentMethod.choices, widget=forms.RadioSelect
    )
    effective_from = NHSDateField(label="From")
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)


class SessionalRateForm(NHSFormMixin, forms.Form):
    submit_label = "Add sessional rate"
    effective_from = NHSDateField(label="Applies from")
    amount = forms.DecimalField(label="Fee per session (£)", min_value=Decimal("0.01"), **MONEY)
    monthly_cap = forms.IntegerField(
        label="Most paid sessions in a calendar month", min_value=1, max_value=31
    )


class MileageRateForm(NHSFormMixin, forms.Form):
    submit_label = "Add mileage rate"
    effective_from = NHSDateField(
        label="Applies from", error_messages={"required": "Enter the date it applies from"}
    )
    amount = forms.DecimalField(
        label="Rate per mile (£)", min_value=Decimal("0.01"), max_digits=6, decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="mileage", **kwargs)


class LineForm(NHSFormMixin, forms.Form):
    submit_label = "Add line"
    kind = forms.ChoiceField(
        label="Type of expense", choices=ExpenseLine.Kind.choices, widget=forms.RadioSelect
    )
    incurred_on = NHSDateField(label="Date of the expense")
    line_description = forms.CharField(label="Details (optional)", max_length=200, required=False)
    miles = forms.DecimalField(
        label="Miles (for mileage)", required=False, min_value=Decimal("0.1"), max_digits=7, decimal_places=1
    )
    amount = forms.DecimalField(
        label="Amount (£, for anything but mileage)", required=False, min_value=Decimal("0.01"), **MONEY
    )

    def clean_incurred_on(self):
        return _not_future(self.cleaned_data.get("incurred_on"), "The date of the expense")

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == ExpenseLine.Kind.MILEAGE and not cleaned.get("miles") and "miles" not in self.errors:
            self.add_error("miles", "Enter the number of miles")
        if (
            kind
            and kind != ExpenseLine.Kind.MILEAGE
            and not cleaned.get("amount")
            and "amount" not in self.errors
        ):
            self.add_error("amount", "Enter the amount")
        return cleaned

    def line(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "incurred_on": data["incurred_on"],
            "description": data["line_description"],
            "miles": data.get("miles"),
            "amount": data.get("amount"),
        }


class ClaimForm(LineForm):
    submit_label = "Submit claim"
    field_order = ["description", "kind", "incurred_on", "line_description", "miles", "amount", "receipt"]

    description = forms.CharField(label="What is the claim for?", max_length=200)
    receipt = forms.FileField(label="Receipt (optional): PDF, JPEG or PNG", required=False)


class ReceiptForm(NHSFormMixin, forms.Form):
    submit_label = "Upload receipt"
    receipt = forms.FileField(
        label="Receipt: PDF, JPEG or PNG", error_messages={"required": "Choose a receipt"}
    )


class RejectForm(WarningButtonMixin, NHSFormMixin, forms.Form):
    submit_label = "Reject claim"
    reason = forms.CharField(
        label="Reason for rejecting",
        max_length=300,
        error_messages={"required": "Enter the reason for rejecting"},
    )


class PaidForm(NHSFormMixin, forms.Form):
    submit_label = "Mark as paid"
    paid_on = NHSDateField(label="Date paid")

    def clean_paid_on(self):
        return _not_future(self.cleaned_data.get("paid_on"), "The date paid")


class ExportForm(NHSFormMixin, forms.Form):
    submit_label = "Export and lock the month"
    month = forms.ChoiceField(label="Month", widget=forms.Select)

    def __init__(self, *args, months: list[datetime.date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(f"{m:%Y-%m}", rules.period_label(m)) for m in months]

    def clean_month(self):
        return rules.parse_period(self.cleaned_data["month"])


class StatementForm(NHSFormMixin, forms.Form):
    submit_label = "Show statement"
    start = NHSDateField(label="From")
    end = NHSDateField(label="To")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", "The end date must be the same as or after the start date")
        return cleaned


CLAIM_FILTER_CHOICES = [("", "All claims"), *ExpenseClaim.Status.choices]
