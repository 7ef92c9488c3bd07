"""Input only: validate and clean. Saving is the services' job."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms

from involvement_requests.models import InvolvementRequest, Rung
from outcomes import rules
from outcomes.models import (
    FREE_TEXT_MAX,
    Activity,
    BudgetLine,
    CaseStudy,
    PriorityGroup,
    SuggestionStatus,
)
from people_bank.models import Organisation
from ppe.form_pack import NHSDateField, NHSFormMixin, nhs_formfield_callback

REFERENCE = re.compile(r"^(?:PIR-)?0*(\d{1,9})$", re.IGNORECASE)
LIKERT_CHOICES = [(value, f"{value}: {label}") for value, label in rules.LIKERT_LABELS.items()]


def _rungs():
    return Rung.objects.filter(is_active=True).order_by("order")


class RungChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_spectrum_level_display()})"


class ActivityForm(NHSFormMixin, forms.ModelForm):
    submit_label = "Save activity"
    request_refs = forms.CharField(
        label="Linked requests",
        required=False,
        max_length=500,
        help_text="Request references separated by commas, for example PIR-00012, PIR-00034.",
    )
    organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Organisations involved",
    )

    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "held_on",
            "online",
            "place",
            "rung",
            "status",
            "people_reached",
            "anonymous_count",
            "notes",
        ]
        formfield_callback = nhs_formfield_callback
        field_classes = {"rung": RungChoiceField}
        labels = {"status": "Status", "people_reached": "People reached"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rung"].queryset = _rungs()
        self.fields["notes"].widget.attrs["rows"] = 3
        self.fields["people_reached"].help_text = "Everyone the activity reached, in the room or online."
        self.groups = list(PriorityGroup.objects.filter(is_active=True))
        current_reach = {}
        current_costs = {}
        if self.instance.pk:
            current_reach = {r.group_id: r.count for r in self.instance.priority_reach.all()}
            current_costs = {c.line: c.amount for c in self.instance.costs.all()}
            self.initial["request_refs"] = ", ".join(r.reference for r in self.instance.requests.all())
            self.initial["organisations"] = list(self.instance.organisations.values_list("pk", flat=True))
        for group in self.groups:
            self.fields[f"priority_{group.pk}"] = forms.IntegerField(
                label=f"Of them: {group.name}",
                required=False,
                min_value=0,
                max_value=1_000_000,
                initial=current_reach.get(group.pk),
            )
        for line, label in BudgetLine.choices:
            self.fields[f"cost_{line}"] = forms.DecimalField(
                label=f"Cost: {label} (£)",
                required=False,
                min_value=Decimal("0.01"),
                max_value=Decimal("1000000"),
                max_digits=9,
                decimal_places=2,
                initial=current_costs.get(line),
            )

    def clean_request_refs(self):
        text = self.cleaned_data.get("request_refs") or ""
        ids = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            match = REFERENCE.match(part)
            if not match:
                raise forms.ValidationError(f"“{part[:40]}” is not a request reference, like PIR-00012.")
            ids.append(int(match[1]))
        found = {r.pk: r for r in InvolvementRequest.objects.filter(pk__in=ids)}
        missing = [i for i in ids if i not in found]
        if missing:
            raise forms.ValidationError(f"There is no request PIR-{missing[0]:05d}.")
        return list(found.values())

    def clean(self):
        data = super().clean()
        if not data.get("online") and not (data.get("place") or "").strip():
            self.add_error("place", "Enter where the activity takes place, or say it is online")
        reached = data.get("people_reached") or 0
        priority = sum(data.get(f"priority_{g.pk}") or 0 for g in self.groups)
        if priority > reached:
            self.add_error(
                "people_reached",
                f"People reached must be at least the {priority} people from priority groups",
            )
        return data

    def priority_counts(self) -> dict:
        return {g: self.cleaned_data.get(f"priority_{g.pk}") or 0 for g in self.groups}

    def costs(self) -> dict:
        return {line: self.cleaned_data.get(f"cost_{line}") for line, _label in BudgetLine.choices}


class AttendeeSearchForm(forms.Form):
    q = forms.CharField(label="Find someone in the People Bank", max_length=100, required=False)


class SuggestionForm(NHSFormMixin, forms.Form):
    submit_label = "Save suggestion"
    theme = forms.CharField(max_length=120, help_text="For example: discharge, food, signage, waiting times.")
    text = forms.CharField(
        label="What they said", max_length=FREE_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    said_by_group = forms.CharField(
        label="Said by (a group)", max_length=200, required=False, help_text="For example: the carers' group."
    )
    received_on = NHSDateField(label="Date it was said")

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["said_by"] = forms.ModelChoiceField(
                queryset=people, required=False, label="Said by (a person)", empty_label="Not recorded"
            )


class SuggestionMoveForm(NHSFormMixin, forms.Form):
    submit_label = "Save"
    to = forms.ChoiceField(label="New status", widget=forms.RadioSelect)
    what_done = forms.CharField(
        label="What was done",
        required=False,
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    done_on = NHSDateField(label="When it was done", required=False)
    reason = forms.CharField(
        label="Why it was not actioned",
        required=False,
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        # In the statuses' own order: the moves are a set, whose order changes between processes.
        moves = rules.SUGGESTION_MOVES[current]
        self.fields["to"].choices = [
            (value, label) for value, label in SuggestionStatus.choices if value in moves
        ]

    def clean(self):
        data = super().clean()
        to = data.get("to")
        if to == SuggestionStatus.NOT_ACTIONED and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why it was not actioned")
        if to in (SuggestionStatus.ACTIONED, SuggestionStatus.PARTLY_ACTIONED):
            if not (data.get("what_done") or "").strip():
                self.add_error("what_done", "Enter what was done")
            if not data.get("done_on") and "done_on" not in self.errors:
                self.add_error("done_on", "Enter when it was done")
        return data


class EvaluationForm(NHSFormMixin, forms.Form):
    submit_label = "Send my answers"
    informed = forms.TypedChoiceField(
        label="I felt informed about what the activity was for",
        choices=LIKERT_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    heard = forms.TypedChoiceField(
        label="I felt heard", choices=LIKERT_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    valued = forms.TypedChoiceField(
        label="I felt my contribution was valued",
        choices=LIKERT_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    difference = forms.TypedChoiceField(
        label="I think it will make a difference",
        choices=LIKERT_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label="Anything else you would like to tell us",
        required=False,
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Up to 2,000 characters.",
    )
    anonymous = forms.BooleanField(
        label="Send my answers anonymously (we will not record who you are)", required=False
    )

    def __init__(self, *args, project: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        messages = {"required": "Select an answer", "invalid_choice": "Select an answer from 1 to 5"}
        for name in ("informed", "heard", "valued", "difference"):
            self.fields[name].error_messages = {**self.fields[name].error_messages, **messages}
        self.comments_max = FREE_TEXT_MAX
        if project:
            for name, label in (
                ("own_involvement", "How good was your own involvement in the project?"),
                ("wider_involvement", "How good was the wider patients' involvement in the project?"),
            ):
                self.fields[name] = forms.TypedChoiceField(
                    label=label,
                    choices=LIKERT_CHOICES,
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages=messages,
                )
            self.fields["rung_reached"] = RungChoiceField(
                queryset=_rungs(),
                label="Which rung of the ladder did the project actually reach?",
                widget=forms.RadioSelect,
                empty_label=None,
                error_messages={"required": "Select a rung", "invalid_choice": "Select a rung"},
            )


class CaseStudyForm(NHSFormMixin, forms.ModelForm):
    submit_label = "Save case study"

    class Meta:
        model = CaseStudy
        fields = [
            "title",
            "background",
            "what_we_did",
            "who_involved",
            "rung_reached",
            "what_changed",
            "impact",
            "quote",
        ]
        field_classes = {"rung_reached": RungChoiceField}
        help_texts = {
            "who_involved": "Describe groups and roles, not names: case studies go to the Board.",
            "quote": "Quote a participant only with their agreement, and without their name.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rung_reached"].queryset = _rungs()
        for name in ("background", "what_we_did", "who_involved", "what_changed", "impact", "quote"):
            self.fields[name].widget.attrs["rows"] = 4


class RequestOutcomeForm(NHSFormMixin, forms.Form):
    submit_label = "Save outcomes"
    rung_achieved = RungChoiceField(
        queryset=Rung.objects.none(), label="Rung achieved", widget=forms.RadioSelect
    )
    what_changed = forms.CharField(
        label="What changed because patients were involved",
        max_length=FREE_TEXT_MAX * 2,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rung_achieved"].queryset = _rungs()
        self.fields["rung_achieved"].empty_label = None


class FeedbackForm(NHSFormMixin, forms.Form):
    submit_label = "Send the update"
    message = forms.CharField(
        label='The "you said, we did" update',
        max_length=FREE_TEXT_MAX * 2,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Say what people told you and what has changed as a result. It goes to everyone involved.",
    )


class PriorityGroupForm(NHSFormMixin, forms.ModelForm):
    submit_label = "Save priority group"

    class Meta:
        model = PriorityGroup
        fields = ["name", "order", "is_active"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = PriorityGroup.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("There is already a priority group with that name")
        return name
