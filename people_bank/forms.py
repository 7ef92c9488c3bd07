"""Input only: validate and clean. Saving is the services' job."""

from __future__ import annotations

import datetime
import itertools

from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.contrib.auth import get_user_model
from django.forms.models import ModelChoiceIterator
from django.utils import timezone

from people_bank import rules
from people_bank.models import (
    AccessNeed,
    Agreement,
    Application,
    ConsentRecord,
    ContactMethod,
    Conversation,
    Day,
    EqualityMonitoring,
    Interest,
    Organisation,
    OrganisationContact,
    PatientPartner,
    Person,
    RecruitmentRound,
    ReferencePopulation,
    Service,
    TrainingRecord,
)
from people_bank.validation import normalise_phone, normalise_postcode
from ppe.access import can
from ppe.form_pack import NHSDateField, NHSFormMixin, nhs_formfield_callback


class ServicesByCMG(ModelChoiceIterator):
    """A service field's options in one group per Clinical Management Group, under its name
    (a heading over tick boxes, a select's optgroup): names repeat across CMGs, and a long
    list is easier to find one's way in."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        services = self.queryset.select_related("cmg").order_by("cmg__name", "name")
        for cmg, group in itertools.groupby(services, key=lambda service: service.cmg.name):
            yield (cmg, [self.choice(service) for service in group])

    def __len__(self):
        return sum(1 for _ in self)


def grouped_by_cmg(field: forms.ModelChoiceField) -> forms.ModelChoiceField:
    """A service field (one or many) with its options grouped by CMG, each by its name."""
    field.iterator = ServicesByCMG
    field.label_from_instance = lambda service: service.name
    field.queryset = field.queryset  # the widget takes its options afresh, grouped
    return field


class ServiceChoiceField(forms.ModelMultipleChoiceField):
    """Trust services as tick boxes, under their Clinical Management Group's name."""

    iterator = ServicesByCMG

    def label_from_instance(self, obj):
        return obj.name


def services_field(**kwargs):
    return ServiceChoiceField(
        queryset=Service.objects.filter(is_active=True).select_related("cmg"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        **kwargs,
    )


def interests_field(**kwargs):
    return forms.ModelMultipleChoiceField(
        queryset=Interest.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        **kwargs,
    )


def not_in_future(value, label: str):
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{label} must be today or in the past")
    return value


class ContactDetailsMixin:
    """Phone and postcode in the shapes the Trust's letters and texts need."""

    def clean_phone(self):
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data.get("postcode", ""))

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower()

    def check_contact_method(self, cleaned):
        method = cleaned.get("preferred_contact")
        if method == ContactMethod.EMAIL and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter an email address, as email is the preferred way to get in touch")
        if (
            method in (ContactMethod.PHONE, ContactMethod.TEXT)
            and not cleaned.get("phone")
            and "phone" not in self.errors
        ):
            self.add_error(
                "phone", "Enter a phone number, as phone or text is the preferred way to get in touch"
            )
        if method == ContactMethod.POST and not cleaned.get("postcode") and "postcode" not in self.errors:
            self.add_error("postcode", "Enter a postcode, as post is the preferred way to get in touch")


class PersonForm(ContactDetailsMixin, NHSFormMixin, forms.ModelForm):
    submit_label = "Save person"
    services = services_field(label="Trust services they have experience of")
    interests = interests_field(label="Issues they care about")
    access_needs = forms.ModelMultipleChoiceField(
        queryset=AccessNeed.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    days = forms.MultipleChoiceField(
        choices=Day.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Days they can take part",
    )

    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "preferred_name",
            "email",
            "phone",
            "postcode",
            "preferred_contact",
            "access_needs",
            "access_notes",
            "joined_on",
            "services",
            "interests",
            "online",
            "face_to_face",
            "days",
        ]
        formfield_callback = nhs_formfield_callback
        widgets = {"preferred_contact": forms.RadioSelect, "access_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["days"] = self.instance.day_list
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_joined_on(self):
        return not_in_future(self.cleaned_data.get("joined_on"), "The date they joined")

    def clean_email(self):
        email = super().clean_email()
        if email and Person.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Someone in the People Bank already has this email address")
        return email

    def clean(self):
        cleaned = super().clean()
        self.check_contact_method(cleaned)
        return cleaned

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        return {
            "services": data.pop("services"),
            "interests": data.pop("interests"),
            "access_needs": data.pop("access_needs"),
            **data,
        }


class StatusForm(NHSFormMixin, forms.Form):
    submit_label = "Change status"
    status = forms.ChoiceField(choices=Person.Status.choices, widget=forms.RadioSelect, label="New status")
    note = forms.CharField(max_length=300, required=False, label="Why (optional)")


class ConsentForm(NHSFormMixin, forms.ModelForm):
    submit_label = "Record consent"
    given = forms.TypedChoiceField(
        choices=[("yes", "They agree"), ("no", "They do not agree, or withdraw their consent")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Their answer",
    )
    channels = forms.MultipleChoiceField(
        choices=ContactMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="How they may be invited",
        help_text="Only for consent to be invited",
    )

    class Meta:
        model = ConsentRecord
        fields = ["kind", "given", "channels", "method", "note"]
        widgets = {"kind": forms.RadioSelect, "method": forms.RadioSelect}
        labels = {"kind": "What they consent to", "method": "How they told us"}

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("kind") == ConsentRecord.Kind.INVITATIONS
            and cleaned.get("given")
            and not cleaned.get("channels")
        ):
            self.add_error("channels", "Select how they may be invited")
        return cleaned


class ConversationForm(NHSFormMixin, forms.ModelForm):
    submit_label = "Log conversation"
    happened_on = NHSDateField(label="Date of the conversation", help_text="For example, 27 3 2025")

    class Meta:
        model = Conversation
        fields = [
            "happened_on",
            "channel",
            "summary",
            "insight",
            "follow_up",
            "follow_up_due",
            "involvement_request_id_ref",
        ]
        formfield_callback = nhs_formfield_callback
        widgets = {
            "channel": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "insight": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_happened_on(self):
        return not_in_future(self.cleaned_data.get("happened_on"), "The date of the conversation")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("follow_up_due") and not cleaned.get("follow_up"):
            self.add_error("follow_up", "Enter what the follow-up is, or remove its due date")
        return cleaned

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        day = data.pop("happened_on")
        happened_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
        return {"happened_at": min(happened_at, timezone.now()), **data}


class OrganisationForm(NHSFormMixin, forms.ModelForm):
    submit_label = "Save organisation"

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "is_service_provider",
            "is_lobby",
            "is_advocate",
            "is_conduit",
            "conditions",
            "communities",
            "area",
            "owner",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "conditions": forms.Textarea(attrs={"rows": 3}),
            "communities": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True).prefetch_related("groups")
        ppi_ids = [user.pk for user in users if can(user, "people.edit")]
        self.fields["owner"].queryset = get_user_model().objects.filter(pk__in=ppi_ids)
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.get_username()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Organisation.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("There is already an organisation with this name")
        return name


class ContactForm(ContactDetailsMixin, NHSFormMixin, forms.ModelForm):
    submit_label = "Add contact"

    class Meta:
        model = OrganisationContact
        fields = ["name", "role", "email", "phone"]

    def clean_postcode(self):  # contacts have no postcode
        return ""


class AgreementForm(NHSFormMixin, forms.ModelForm):
    submit_label = "Add agreement"

    class Meta:
        model = Agreement
        fields = ["title", "starts_on", "ends_on"]
        formfield_callback = nhs_formfield_callback

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("ends_on") and cleaned.get("starts_on") and cleaned["ends_on"] < cleaned["starts_on"]:
            self.add_error("ends_on", "The end date must be the same as or after the start date")
        return cleaned


class PartnerForm(NHSFormMixin, forms.ModelForm):
    submit_label = "Make a Patient Partner"

    class Meta:
        model = PatientPartner
        fields = ["started_on"]
        formfield_callback = nhs_formfield_callback


class ReviewForm(NHSFormMixin, forms.Form):
    submit_label = "Record review"
    outcome = forms.ChoiceField(
        choices=[c for c in PatientPartner.Review.choices if c[0] != PatientPartner.Review.PENDING],
        widget=forms.RadioSelect,
        label="Outcome of the review",
    )
    reviewed_on = NHSDateField(label="Date of the review")

    def clean_reviewed_on(self):
        return not_in_future(self.cleaned_data.get("reviewed_on"), "The date of the review")


class TrainingForm(NHSFormMixin, forms.ModelForm):
    submit_label = "Add training"

    class Meta:
        model = TrainingRecord
        fields = ["course", "completed_on", "expires_on"]
        formfield_callback = nhs_formfield_callback

    def clean_completed_on(self):
        return not_in_future(self.cleaned_data.get("completed_on"), "The date completed")

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("expires_on")
            and cleaned.get("completed_on")
            and cleaned["expires_on"] < cleaned["completed_on"]
        ):
            self.add_error("expires_on", "The expiry date must be after the date completed")
        return cleaned


class EqualityForm(NHSFormMixin, forms.ModelForm):
    submit_label = "Save answers"

    class Meta:
        model = EqualityMonitoring
        fields = [*EqualityMonitoring.CHARACTERISTICS, "objects_to_monitoring_use"]
        widgets = {name: forms.RadioSelect for name in EqualityMonitoring.CHARACTERISTICS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(equality_fields())


class HoneypotMixin:
    """A `website` box hidden from people (off-screen, out of the tab order) that spam
    robots fill in. Such posts get the thank-you page and are thrown away."""

    def honeypot_layout(self, *, equality: bool = False) -> None:
        names = [n for n in self.fields if n != "website" and n not in EQUALITY_NAMES]
        parts = [*names]
        if equality:
            parts.append(Fieldset("About you (optional)", *[n for n in self.fields if n in EQUALITY_NAMES]))
        parts.append(Field("website", wrapper_class="ppe-honeypot"))
        self.helper.layout = Layout(*parts)

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


EQUALITY_NAMES = {*EqualityMonitoring.CHARACTERISTICS, "objects_to_monitoring_use"}


class ImproverSignUpForm(HoneypotMixin, ContactDetailsMixin, NHSFormMixin, forms.Form):
    """The public Hospital Improver sign-up. `website` is a honeypot: hidden from people,
    filled in by spam robots."""

    submit_label = "Sign up"
    first_name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    email = forms.EmailField(
        required=False,
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    phone = forms.CharField(
        max_length=30,
        required=False,
        label="Phone number",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    postcode = forms.CharField(
        max_length=10, required=False, widget=forms.TextInput(attrs={"autocomplete": "postal-code"})
    )
    preferred_contact = forms.ChoiceField(
        choices=ContactMethod.choices, widget=forms.RadioSelect, label="How should we get in touch?"
    )
    services = services_field(label="Which of our services have you used?")
    last_service_use_on = NHSDateField(
        label="When did you last use one of our services?",
        help_text="For example, 15 3 2025. A rough date is fine.",
    )
    interests = interests_field(label="Which issues do you care about?")
    online = forms.BooleanField(required=False, label="I can take part online")
    face_to_face = forms.BooleanField(required=False, label="I can take part face to face")
    code_of_conduct = forms.BooleanField(
        label="I agree to the Hospital Improver code of conduct",
        error_messages={"required": "Agree to the code of conduct to sign up"},
    )
    hold_data = forms.BooleanField(
        label="I agree that the PPI team may keep my details to contact me about involvement",
        error_messages={"required": "Agree to us keeping your details, or we cannot sign you up"},
    )
    invitation_channels = forms.MultipleChoiceField(
        choices=ContactMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="How may we invite you to take part?",
        help_text="Leave these empty if you do not want invitations yet",
    )
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_last_service_use_on(self):
        day = not_in_future(self.cleaned_data.get("last_service_use_on"), "The date you last used a service")
        if day and not rules.service_use_recent_enough(day, timezone.localdate()):
            raise forms.ValidationError(
                "Hospital Improvers need to have used one of our services in the last 18 months. "
                "If it was longer ago, contact the PPI team: there are other ways to get involved."
            )
        return day

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("email")
            and not cleaned.get("phone")
            and "email" not in self.errors
            and "phone" not in self.errors
        ):
            self.add_error("email", "Enter an email address or a phone number so we can get in touch")
        self.check_contact_method(cleaned)
        return cleaned

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The equality questions, all optional, asked in the same form (one error summary).
        website = self.fields.pop("website")
        self.fields.update(equality_fields())
        self.fields["website"] = website
        self.honeypot_layout(equality=True)

    def equality_answers(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in EqualityMonitoring.CHARACTERISTICS} | {
            "objects_to_monitoring_use": bool(self.cleaned_data.get("objects_to_monitoring_use"))
        }


def equality_fields() -> dict:
    fields = forms.fields_for_model(
        EqualityMonitoring,
        fields=[*EqualityMonitoring.CHARACTERISTICS, "objects_to_monitoring_use"],
        widgets={name: forms.RadioSelect for name in EqualityMonitoring.CHARACTERISTICS},
    )
    for name in EqualityMonitoring.CHARACTERISTICS:
        fields[name].choices = [c for c in fields[name].choices if c[0] != ""]
        fields[name].required = False
    fields["objects_to_monitoring_use"].label = "Do not use my answers for equality monitoring"
    return fields


class ApplicationForm(HoneypotMixin, ContactDetailsMixin, NHSFormMixin, forms.Form):
    submit_label = "Send application"
    first_name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    phone = forms.CharField(
        max_length=30,
        required=False,
        label="Phone number",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    why = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label=Application._meta.get_field("why").verbose_name.capitalize(),
        max_length=4000,
    )
    experience = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        label="Experience you bring",
        max_length=4000,
    )
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.honeypot_layout()


class ApplicationMoveForm(NHSFormMixin, forms.Form):
    submit_label = "Record step"
    to = forms.ChoiceField(choices=Application.Status.choices, widget=forms.RadioSelect, label="Next step")
    note = forms.CharField(max_length=300, required=False, label="Note (optional)")


class RoundForm(NHSFormMixin, forms.ModelForm):
    submit_label = "Save round"

    class Meta:
        model = RecruitmentRound
        fields = ["title", "role_description", "opens_on", "closes_on"]
        formfield_callback = nhs_formfield_callback

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("opens_on")
            and cleaned.get("closes_on")
            and cleaned["closes_on"] < cleaned["opens_on"]
        ):
            self.add_error("closes_on", "The closing date must be the same as or after the opening date")
        return cleaned


class ReferencePopulationForm(NHSFormMixin, forms.ModelForm):
    submit_label = "Save share"
    characteristic = forms.ChoiceField(
        choices=[
            (n, EqualityMonitoring._meta.get_field(n).verbose_name.capitalize())
            for n in EqualityMonitoring.CHARACTERISTICS
        ]
    )

    class Meta:
        model = ReferencePopulation
        fields = ["characteristic", "category", "percent", "source"]
        labels = {"percent": "Share of the reference population (%)", "category": "Answer"}

    def clean_percent(self):
        percent = self.cleaned_data["percent"]
        if not 0 <= percent <= 100:
            raise forms.ValidationError("Enter a share between 0 and 100")
        return percent

    def clean(self):
        cleaned = super().clean()
        characteristic, category = cleaned.get("characteristic"), cleaned.get("category")
        if characteristic and category:
            values = [c[0] for c in EqualityMonitoring._meta.get_field(characteristic).choices]
            if category not in values:
                self.add_error("category", f"Enter one of: {', '.join(values)}")
            # Setting a share that is already there replaces it.
            existing = ReferencePopulation.objects.filter(
                characteristic=characteristic, category=category
            ).first()
            if existing is not None:
                self.instance = existing
        return cleaned


class ImportForm(NHSFormMixin, forms.Form):
    submit_label = "Import people"
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "Columns: first_name, last_name, joined_on (YYYY-MM-DD), and optionally email, phone, "
            "postcode, preferred_contact, services, interests (separated by ;)"
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file must be smaller than 5 MB")
        return upload
