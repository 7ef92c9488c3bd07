"""Input only: validate and clean. Writes happen in services."""

from __future__ import annotations

from crispy_forms.layout import HTML, Field, Fieldset, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator

from involvement_requests import rules, selectors
from involvement_requests.models import (
    AllocationRole,
    Assessment,
    Characteristic,
    InvolvementRequest,
    QualityPriority,
    Recommendation,
    Rung,
)
from people_bank.forms import grouped_by_cmg
from people_bank.models import ClinicalManagementGroup, Day, Interest, Organisation, Service
from ppe.access import Role, can
from ppe.form_pack import NHSDateField, NHSFormMixin, nhs_formfield_callback

RUNG_FIELD_TEMPLATE = "involvement_requests/fields/rung_radios.html"
SAVE_DRAFT = "save_draft"
SUBMIT = "submit_request"


def textareas(*names: str, rows: int) -> dict[str, forms.Textarea]:
    return {name: forms.Textarea(attrs={"rows": rows}) for name in names}


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


def qi_leads():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.QI_LEAD.value)
        .order_by("first_name", "last_name", "username")
    )


class InvolvementRequestForm(NHSFormMixin, forms.ModelForm):
    """The request form. "Save as draft" keeps whatever is there; "Submit request" names
    every answer still missing."""

    equality_affected = forms.MultipleChoiceField(
        label="Which groups will be disproportionately affected?",
        choices=Characteristic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Protected characteristics under the Equality Act 2010, and carers. Select all that apply.",
    )
    co_leads = UserChoiceField(
        label="Co-leads",
        queryset=qi_leads(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Other QI leads who may see and update this request.",
    )

    class Meta:
        model = InvolvementRequest
        fields = [
            "title",
            "summary",
            "cmg",
            "service",
            "priority",
            "no_priority",
            "stage",
            "start_date",
            "end_date",
            "involvement_from",
            "intelligence",
            "groups_affected",
            "how_involve",
            "scope_to_influence",
            "equality_answer",
            "equality_affected",
            "equality_engagement",
            "purpose",
            "proposed_rung",
            "partners_wanted",
            "improvers_wanted",
            "community_groups_wanted",
            "skills_wanted",
            "services_wanted",
            "interests_wanted",
            "support_needs",
            "open_to_public",
            "public_summary",
            "co_leads",
        ]
        formfield_callback = nhs_formfield_callback
        widgets = {
            "stage": forms.RadioSelect,
            "equality_answer": forms.RadioSelect,
            "proposed_rung": forms.RadioSelect,
            "services_wanted": forms.CheckboxSelectMultiple,
            "interests_wanted": forms.CheckboxSelectMultiple,
            **textareas(
                "summary",
                "intelligence",
                "groups_affected",
                "how_involve",
                "scope_to_influence",
                "equality_engagement",
                "purpose",
                "skills_wanted",
                "support_needs",
                "public_summary",
                rows=4,
            ),
        }
        help_texts = {
            "involvement_from": "The strategy asks for patients to be involved from the start of a project.",
            "partners_wanted": "Patient Partners join projects on the top three rungs of the ladder only.",
            "support_needs": "For example: a hearing loop, large print, meetings outside working hours.",
            "open_to_public": "Once accepted, the request is shown on the public opportunities page.",
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The answers needed to submit are marked as needed, but a draft may leave them for
        # later; submitting checks them all (see clean).
        saving_draft = self.is_bound and SUBMIT not in self.data
        for name, field in self.fields.items():
            needed = rules.REQUIRED_TO_SUBMIT.get(name)
            field.required = bool(needed) and (name == "title" or not saving_draft)
            if needed:
                field.error_messages = {**field.error_messages, "required": needed}
        self.fields["proposed_rung"].queryset = selectors.active_rungs()
        self.fields["proposed_rung"].empty_label = None
        self.fields["proposed_rung"].error_messages["invalid_choice"] = "Select a rung from the ladder"
        self.fields["priority"].queryset = selectors.active_priorities()
        self.fields["priority"].empty_label = "Choose a priority"
        self.fields["cmg"].empty_label = "Choose a Clinical Management Group"
        self.fields["service"].empty_label = "Choose a service"
        self.fields["service"].queryset = Service.objects.filter(is_active=True)
        self.fields["services_wanted"].queryset = Service.objects.filter(is_active=True)
        grouped_by_cmg(self.fields["service"])
        grouped_by_cmg(self.fields["services_wanted"])
        self.fields["interests_wanted"].queryset = Interest.objects.filter(is_active=True)
        owner_id = self.instance.submitted_by_id if self.instance.pk else getattr(user, "pk", None)
        self.fields["co_leads"].queryset = qi_leads().exclude(pk=owner_id)
        for name in ("partners_wanted", "improvers_wanted", "community_groups_wanted"):
            self.fields[name].widget.attrs.update({"class": "nhsuk-input--width-3", "inputmode": "numeric"})
            self.fields[name].validators.append(MaxValueValidator(99, "Enter a number from 0 to 99"))
        self.helper.inputs = []
        self.helper.add_input(Submit(SUBMIT, "Submit request"))
        self.helper.add_input(Submit(SAVE_DRAFT, "Save as draft", css_class="nhsuk-button--secondary"))
        self.helper.layout = Layout(
            Fieldset(
                "Your project", "title", "summary", "cmg", "service", "priority", "no_priority", "stage"
            ),
            Fieldset("Dates", "start_date", "end_date", "involvement_from"),
            Fieldset(
                "The Quality Strategy's questions",
                "intelligence",
                "groups_affected",
                "how_involve",
                "scope_to_influence",
                "purpose",
            ),
            Fieldset("Equality impact", "equality_answer", "equality_affected", "equality_engagement"),
            Fieldset(
                "The ladder of engagement",
                HTML(
                    '<p class="nhsuk-body">Every rung has value in its place. Patient Partners work on the '
                    "top three rungs.</p>"
                ),
                Field("proposed_rung", template=RUNG_FIELD_TEMPLATE),
            ),
            Fieldset(
                "Who you would like to involve",
                "partners_wanted",
                "improvers_wanted",
                "community_groups_wanted",
                "skills_wanted",
                "services_wanted",
                "interests_wanted",
                "support_needs",
            ),
            Fieldset("Opportunities bulletin", "open_to_public", "public_summary"),
            Fieldset("Who else works on this request", "co_leads"),
        )
        if self.instance.pk is None and user is not None and can(user, "requests.assess"):
            # The PPI team may fill the form in for a QI lead, who then owns the request.
            self.fields["on_behalf_of"] = forms.ModelChoiceField(
                label="QI lead this request is for",
                queryset=qi_leads(),
                empty_label="Choose a QI lead",
                error_messages={
                    "required": "Select the QI lead this request is for",
                    "invalid_choice": "Select a QI lead from the list",
                },
            )
            self.helper.layout.insert(0, Fieldset("On behalf of", "on_behalf_of"))

    @property
    def wants_submit(self) -> bool:
        return self.is_bound and SUBMIT in self.data

    def clean(self):
        cleaned = super().clean()
        if rules.dates_out_of_order(cleaned.get("start_date"), cleaned.get("end_date")):
            self.add_error("end_date", "Project end date must be the same as or after the start date")
        if cleaned.get("priority") and cleaned.get("no_priority"):
            self.add_error("no_priority", "Choose a priority or say the project serves none, not both")
        if self.wants_submit:
            for name, message in rules.missing_answers(cleaned).items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, message)
        return cleaned


class NoteForm(NHSFormMixin, forms.Form):
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AssessmentForm(NHSFormMixin, forms.ModelForm):
    submit_label = "Save score"

    relevance = forms.TypedChoiceField(
        label="Relevance to the Quality Strategy",
        choices=[
            (3, "3: central to a priority"),
            (2, "2: clearly related"),
            (1, "1: loosely related"),
            (0, "0: none"),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    patient_focus = forms.TypedChoiceField(
        label="How patient-focused the project is",
        choices=[(3, "3: at the heart"), (2, "2: focused"), (1, "1: a small part"), (0, "0: not focused")],
        coerce=int,
        widget=forms.RadioSelect,
    )
    equality = forms.TypedChoiceField(
        label="Equality impact addressed",
        choices=[(2, "2: addressed with a plan"), (1, "1: partly"), (0, "0: not addressed")],
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Assessment
        fields = [
            "relevance",
            "relevance_comment",
            "patient_focus",
            "patient_focus_comment",
            "timing",
            "timing_comment",
            "equality",
            "equality_comment",
            "recommended_rung",
            "rung_comment",
            "override",
            "override_reason",
        ]
        widgets = {
            "timing": forms.RadioSelect,
            "recommended_rung": forms.RadioSelect,
            **textareas(
                "relevance_comment",
                "patient_focus_comment",
                "timing_comment",
                "equality_comment",
                "rung_comment",
                "override_reason",
                rows=2,
            ),
        }
        labels = {
            f"{name}_comment": "Comment"
            for name in ("relevance", "patient_focus", "timing", "equality", "rung")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommended_rung"].queryset = selectors.active_rungs()
        self.fields["recommended_rung"].empty_label = None
        self.fields["recommended_rung"].error_messages["invalid_choice"] = "Select a rung from the ladder"
        self.fields["override"].choices = [
            ("", "No: use the score's recommendation"),
            *Recommendation.choices,
        ]
        self.fields["override"].label = "Override the recommendation?"
        self.fields["override_reason"].label = "Reason for overriding"
        self.helper.layout = Layout(
            Fieldset("Quality Strategy", "relevance", "relevance_comment"),
            Fieldset("Patient focus", "patient_focus", "patient_focus_comment"),
            Fieldset("Timing of involvement", "timing", "timing_comment"),
            Fieldset("Equality", "equality", "equality_comment"),
            Fieldset("The ladder", Field("recommended_rung", template=RUNG_FIELD_TEMPLATE), "rung_comment"),
            Fieldset("Override", "override", "override_reason"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("override") and not (cleaned.get("override_reason") or "").strip():
            self.add_error("override_reason", "Enter the reason for overriding the recommendation")
        return cleaned


class WithdrawForm(NHSFormMixin, forms.Form):
    submit_label = "Withdraw request"
    note = forms.CharField(
        label="Why are you withdrawing it?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="The PPI team will see this. You cannot undo a withdrawal.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.inputs[0].field_classes = "nhsuk-button--warning"


class DeclineForm(NHSFormMixin, forms.Form):
    submit_label = "Decline request"
    reason = forms.CharField(
        label="Reason for declining",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for declining the request"},
    )


class CloseForm(NHSFormMixin, forms.Form):
    submit_label = "Close request"
    achieved_rung = forms.ModelChoiceField(
        label="Which rung did involvement achieve?",
        queryset=Rung.objects.order_by("order"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the rung the project achieved",
            "invalid_choice": "Select a rung from the ladder",
        },
    )
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class UniqueNameMixin:
    """A friendly message for a name already taken, whatever its capitals."""

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        taken = type(self.instance).objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if hasattr(self.instance, "cmg_id"):
            taken = taken.filter(cmg_id=self.data.get(self.add_prefix("cmg")) or None)
        if taken.exists():
            raise forms.ValidationError(f"{name} is already in the list")
        return name


class RungForm(UniqueNameMixin, NHSFormMixin, forms.ModelForm):
    submit_label = "Save rung"

    class Meta:
        model = Rung
        fields = [
            "order",
            "name",
            "description",
            "examples",
            "spectrum_level",
            "partners_allowed",
            "is_active",
        ]
        widgets = {
            "spectrum_level": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
            "examples": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_order(self):
        order = self.cleaned_data["order"]
        if order is not None and order < 1:
            raise forms.ValidationError("Order must be 1 or more")
        return order


class QualityPriorityForm(UniqueNameMixin, NHSFormMixin, forms.ModelForm):
    submit_label = "Save priority"

    class Meta:
        model = QualityPriority
        fields = ["name", "description", "order", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ClinicalManagementGroupForm(UniqueNameMixin, NHSFormMixin, forms.ModelForm):
    submit_label = "Save Clinical Management Group"

    class Meta:
        model = ClinicalManagementGroup
        fields = ["name", "is_active"]
        labels = {"is_active": "In use"}


class ServiceForm(UniqueNameMixin, NHSFormMixin, forms.ModelForm):
    submit_label = "Save service"

    class Meta:
        model = Service
        fields = ["name", "cmg", "is_active"]
        labels = {"cmg": "Clinical Management Group", "is_active": "In use"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cmg"].empty_label = "Choose a Clinical Management Group"


class InterestForm(UniqueNameMixin, NHSFormMixin, forms.ModelForm):
    submit_label = "Save issue"

    class Meta:
        model = Interest
        fields = ["name", "is_active"]
        labels = {"name": "Issue people care about", "is_active": "In use"}


# --- Matching, allocation and invitations -------------------------------------------


class MatchFilterForm(NHSFormMixin, forms.Form):
    """How the people matched should take part: read from the match page's address."""

    submit_label = "Update the list"
    taking_part = forms.ChoiceField(
        label="How will people take part?",
        choices=[("either", "Either way"), ("online", "Online"), ("face_to_face", "Face to face")],
        widget=forms.RadioSelect,
        required=False,
        initial="either",
    )
    days = forms.MultipleChoiceField(
        label="Which days?",
        choices=Day.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave empty if any day will do.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"
        self.helper.disable_csrf = True

    def choices(self) -> dict:
        """What the match should look for; anything unreadable counts as no preference."""
        data = self.cleaned_data if self.is_valid() else {}
        taking_part = data.get("taking_part") or "either"
        return {
            "online": taking_part == "online",
            "face_to_face": taking_part == "face_to_face",
            "days": data.get("days") or [],
        }


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return person.display_name


class AllocationForm(NHSFormMixin, forms.Form):
    submit_label = "Allocate Patient Partner"
    person = PartnerChoiceField(
        label="Patient Partner",
        queryset=selectors.allocatable_partners(),
        empty_label="Choose a Patient Partner",
        error_messages={
            "required": "Select the Patient Partner to allocate",
            "invalid_choice": "Select a Patient Partner who is active, in tenure and agreed to be invited",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=AllocationRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the role", "invalid_choice": "Select one of the roles"},
    )
    starts_on = NHSDateField(label="From")
    ends_on = NHSDateField(label="To")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Re-read at each form, so today's tenure decides who is listed.
        self.fields["person"].queryset = selectors.allocatable_partners()

    def clean(self):
        data = super().clean()
        if rules.dates_out_of_order(data.get("starts_on"), data.get("ends_on")):
            self.add_error("ends_on", "The end date must be the same as or after the start date")
        return data


class OrganisationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, organisation):
        contact = next((c for c in organisation.contacts.all() if c.email), None)
        return f"{organisation.name} ({contact.name if contact else 'no contact email'})"


class OrganisationInviteForm(NHSFormMixin, forms.Form):
    submit_label = "Send the emails"
    organisations = OrganisationChoiceField(
        label="Which organisations should we ask?",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one organisation",
            "invalid_choice": "Select organisations from the list",
            "invalid_pk_value": "Select organisations from the list",
        },
    )
    message = forms.CharField(
        label="A note to add to the email",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = selectors.organisations_to_invite(request)
