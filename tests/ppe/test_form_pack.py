"""The "nhsuk" crispy-forms pack and NHS date field, judged by what a user sees and hears."""

import datetime
from html.parser import HTMLParser

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Button, Fieldset, Layout, Submit
from django import forms
from django.db import models
from django.template import Context, Template

from ppe.form_pack import NHSDateField, NHSFormMixin, nhs_formfield_callback

TEAMS = [("", "Choose a team"), ("cardio", "Cardiology"), ("renal", "Renal")]
CONTACT = [("email", "Email"), ("phone", "Phone")]
TOPICS = [("food", "Hospital food"), ("parking", "Parking")]


class VolunteerForm(NHSFormMixin, forms.Form):
    full_name = forms.CharField(help_text="As it appears on your NHS letters")
    email = forms.EmailField(required=False)
    contact = forms.ChoiceField(choices=CONTACT, widget=forms.RadioSelect, help_text="Choose one")
    topics = forms.MultipleChoiceField(choices=TOPICS, widget=forms.CheckboxSelectMultiple, required=False)
    consent = forms.BooleanField(required=False, label="I agree to be contacted")
    notes = forms.CharField(widget=forms.Textarea, required=False)
    team = forms.ChoiceField(choices=TEAMS)
    date_of_birth = NHSDateField(help_text="For example, 15 3 1984")
    reference = forms.CharField(widget=forms.HiddenInput, required=False)


class Element:
    def __init__(self, tag, attrs):
        self.tag = tag
        self.attrs = dict(attrs)

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    @property
    def describedby(self):
        return (self.attrs.get("aria-describedby") or "").split()


class Page(HTMLParser):
    """Just enough of the rendered HTML to ask questions about it."""

    def __init__(self, html):
        super().__init__()
        self.html = html
        self.elements = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append(Element(tag, attrs))

    def by_id(self, ident):
        matches = [e for e in self.elements if e.attrs.get("id") == ident]
        assert len(matches) == 1, f"expected one element with id {ident!r}, found {len(matches)}"
        return matches[0]

    def with_class(self, name):
        return [e for e in self.elements if name in e.classes]

    def label_for(self, ident):
        return [e for e in self.elements if e.tag == "label" and e.attrs.get("for") == ident]


def render(form, context=None):
    template = Template("{% load crispy_forms_tags %}{% crispy form %}")
    return Page(template.render(Context({"form": form, **(context or {})})))


def bad_submission(**overrides):
    data = {
        "full_name": "",
        "contact": "",
        "team": "",
        "date_of_birth_0": "31",
        "date_of_birth_1": "",
        "date_of_birth_2": "1980",
        **overrides,
    }
    return VolunteerForm(data=data)


def test_error_summary_links_each_problem_to_the_field_to_fix():
    page = render(bad_submission())

    assert 'role="alert"' in page.html
    summary = page.with_class("nhsuk-error-summary")
    assert len(summary) == 1
    assert summary[0].attrs["tabindex"] == "-1"
    assert "There is a problem" in page.html
    assert page.with_class("nhsuk-error-summary__list")
    assert '<a href="#id_full_name">Enter full name</a>' in page.html
    assert '<a href="#id_contact_0">Select contact</a>' in page.html
    assert '<a href="#id_team">Select team</a>' in page.html
    # Only the month is missing, so the link takes the user straight to the month box.
    assert '<a href="#id_date_of_birth_1">Date of birth must include a month</a>' in page.html
    for ident in ("id_full_name", "id_contact_0", "id_team", "id_date_of_birth_1"):
        page.by_id(ident)


def test_error_summary_links_a_blank_date_to_the_day_box():
    page = render(bad_submission(date_of_birth_0="", date_of_birth_2=""))
    assert '<a href="#id_date_of_birth_0">Enter date of birth</a>' in page.html


def test_non_field_errors_are_listed_without_a_link():
    class Clashing(VolunteerForm):
        def clean(self):
            raise forms.ValidationError("These details match someone already registered")

    page = render(Clashing(data={"full_name": "A"}))
    assert "<li>These details match someone already registered</li>" in page.html


def test_no_error_summary_before_the_form_is_submitted():
    page = render(VolunteerForm())
    assert not page.with_class("nhsuk-error-summary")
    assert not page.with_class("nhsuk-form-group--error")
    assert not page.with_class("nhsuk-error-message")


def test_inline_error_sits_with_the_field_and_is_announced():
    page = render(bad_submission())

    field = page.by_id("id_full_name")
    assert "nhsuk-input" in field.classes and "nhsuk-input--error" in field.classes
    assert set(field.describedby) == {"id_full_name_helptext", "id_full_name-error"}
    assert page.by_id("id_full_name_helptext").classes == ["nhsuk-hint"]
    message = page.by_id("id_full_name-error")
    assert message.tag == "span" and "nhsuk-error-message" in message.classes
    assert '<span class="nhsuk-u-visually-hidden">Error: </span>Enter full name' in page.html
    groups_in_error = page.with_class("nhsuk-form-group--error")
    assert all("nhsuk-form-group" in group.classes for group in groups_in_error)


def test_every_visible_field_has_a_linked_label():
    page = render(VolunteerForm())
    for ident in ("id_full_name", "id_email", "id_consent", "id_notes", "id_team"):
        assert len(page.label_for(ident)) == 1, ident
        assert "nhsuk-label" in page.label_for(ident)[0].classes


def test_radios_are_a_fieldset_with_a_legend():
    page = render(bad_submission())

    fieldsets = [e for e in page.elements if e.tag == "fieldset"]
    radios_fieldset = next(f for f in fieldsets if "id_contact-error" in f.describedby)
    assert "nhsuk-fieldset" in radios_fieldset.classes
    assert set(radios_fieldset.describedby) == {"id_contact_helptext", "id_contact-error"}
    assert '<legend class="nhsuk-fieldset__legend">Contact</legend>' in page.html
    assert page.with_class("nhsuk-radios")
    assert len(page.with_class("nhsuk-radios__item")) == 2
    first = page.by_id("id_contact_0")
    assert first.attrs["type"] == "radio" and "nhsuk-radios__input" in first.classes
    assert "nhsuk-radios__label" in page.label_for("id_contact_0")[0].classes


def test_checkbox_list_and_single_checkbox():
    page = render(VolunteerForm())

    assert '<legend class="nhsuk-fieldset__legend">Topics</legend>' in page.html
    assert len(page.with_class("nhsuk-checkboxes__item")) == 3  # two topics and the consent box
    consent = page.by_id("id_consent")
    assert consent.attrs["type"] == "checkbox" and "nhsuk-checkboxes__input" in consent.classes
    assert "nhsuk-checkboxes__label" in page.label_for("id_consent")[0].classes


def test_widgets_get_their_nhs_classes():
    page = render(VolunteerForm())
    assert "nhsuk-textarea" in page.by_id("id_notes").classes
    assert "nhsuk-select" in page.by_id("id_team").classes
    assert page.by_id("id_email").attrs["type"] == "email"
    assert "nhsuk-input" in page.by_id("id_email").classes


def test_optional_fields_say_so_in_the_label_but_tick_boxes_do_not():
    page = render(VolunteerForm())
    assert ">Email (optional)</label>" in page.html
    assert ">Notes (optional)</label>" in page.html
    assert ">Full name</label>" in page.html
    assert "I agree to be contacted (optional)" not in page.html
    assert "Topics (optional)" not in page.html


def test_hidden_fields_are_just_the_input():
    page = render(VolunteerForm(initial={"reference": "R-1"}))
    assert '<input type="hidden" name="reference" value="R-1" id="id_reference">' in page.html
    assert not page.label_for("id_reference")


def test_form_tag_has_novalidate_csrf_and_a_primary_button():
    page = render(VolunteerForm(), {"csrf_token": "token-for-test"})

    form = next(e for e in page.elements if e.tag == "form")
    assert "novalidate" in form.attrs
    assert form.attrs["method"] == "post"
    assert 'name="csrfmiddlewaretoken" value="token-for-test"' in page.html
    buttons = [e for e in page.elements if e.tag == "button"]
    assert len(buttons) == 1
    assert buttons[0].classes == ["nhsuk-button"]
    assert buttons[0].attrs["type"] == "submit"
    assert ">\n  Continue\n</button>" in page.html


def test_layouts_fieldsets_and_secondary_buttons():
    form = VolunteerForm()
    form.helper = FormHelper()
    form.helper.form_action = "/volunteers/new/"
    form.helper.layout = Layout(
        Fieldset("About you", "full_name", "email"),
        Submit("save", "Save"),
        Button("cancel", "Cancel", css_class="nhsuk-button--secondary"),
    )
    page = render(form)

    assert '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">About you</legend>' in page.html
    assert page.by_id("id_full_name")
    assert 'id="id_notes"' not in page.html  # the layout decides what is shown
    save, cancel = (e for e in page.elements if e.tag == "button")
    assert save.classes == ["nhsuk-button"]
    assert cancel.classes == ["nhsuk-button", "nhsuk-button--secondary"]
    assert cancel.attrs["type"] == "button"
    form_tag = next(e for e in page.elements if e.tag == "form")
    assert form_tag.attrs["action"] == "/volunteers/new/"


def test_crispy_filter_also_shows_the_error_summary():
    html = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(
        Context({"form": bad_submission()})
    )
    page = Page(html)
    assert page.with_class("nhsuk-error-summary")
    assert '<a href="#id_full_name">Enter full name</a>' in html
    assert "<form" not in html


def test_formset_errors_are_summarised_with_prefixed_ids():
    class NameForm(NHSFormMixin, forms.Form):
        name = forms.CharField()

    formset_class = forms.formset_factory(NameForm, extra=0, min_num=2)
    formset = formset_class(
        data={"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0", "form-0-name": "Ann", "form-1-name": ""}
    )
    html = Template("{% load crispy_forms_tags %}{% crispy formset helper %}").render(
        Context({"formset": formset, "helper": FormHelper()})
    )
    assert '<a href="#id_form-1-name">Enter name</a>' in html
    assert 'name="form-TOTAL_FORMS"' in html


# The date field -------------------------------------------------------------------------


def date_errors(day, month, year, required=True):
    class DateForm(forms.Form):
        date_of_birth = NHSDateField(required=required)

    form = DateForm(data={"date_of_birth_0": day, "date_of_birth_1": month, "date_of_birth_2": year})
    form.is_valid()
    return form, form.errors.get("date_of_birth", [])


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "", "1980", "Date of birth must include a month"),
        ("", "3", "", "Date of birth must include a day and year"),
        ("", "", "1980", "Date of birth must include a day and month"),
        ("31", "2", "2024", "Date of birth must be a real date"),
        ("first", "March", "1980", "Date of birth must be a real date"),
        ("1", "13", "1980", "Date of birth must be a real date"),
        ("1", "3", "80", "Date of birth must include a year with 4 numbers"),
        ("", "", "", "Enter date of birth"),
    ],
)
def test_date_messages_say_what_is_wrong(day, month, year, message):
    _form, errors = date_errors(day, month, year)
    assert errors == [message]


def test_blank_optional_date_is_none_and_a_good_date_is_a_date():
    form, errors = date_errors(" ", "", "", required=False)
    assert errors == [] and form.cleaned_data["date_of_birth"] is None
    form, errors = date_errors(" 29 ", "2", "2024")
    assert errors == [] and form.cleaned_data["date_of_birth"] == datetime.date(2024, 2, 29)


def test_date_error_keeps_what_was_typed_and_highlights_the_missing_box():
    page = render(bad_submission(date_of_birth_0="31", date_of_birth_1="", date_of_birth_2="1980"))

    day, month, year = (page.by_id(f"id_date_of_birth_{i}") for i in range(3))
    assert day.attrs["value"] == "31" and year.attrs["value"] == "1980"
    assert "value" not in month.attrs
    assert "nhsuk-input--error" in month.classes
    assert "nhsuk-input--error" not in day.classes
    assert "nhsuk-date-input__input" in day.classes and "nhsuk-input--width-2" in day.classes
    assert "nhsuk-input--width-4" in year.classes
    assert day.attrs["inputmode"] == "numeric"
    assert [label.attrs["for"] for label in page.with_class("nhsuk-date-input__label")] == [
        "id_date_of_birth_0",
        "id_date_of_birth_1",
        "id_date_of_birth_2",
    ]
    group = next(e for e in page.elements if e.tag == "fieldset" and e.attrs.get("role") == "group")
    assert set(group.describedby) == {"id_date_of_birth_helptext", "id_date_of_birth-error"}
    assert "<legend" in page.html and ">Date of birth</legend>" in page.html


def test_invalid_date_keeps_letters_and_highlights_every_box():
    page = render(bad_submission(date_of_birth_0="31", date_of_birth_1="Feb", date_of_birth_2="2024"))
    assert page.by_id("id_date_of_birth_1").attrs["value"] == "Feb"
    assert all("nhsuk-input--error" in page.by_id(f"id_date_of_birth_{i}").classes for i in range(3))
    assert "Date of birth must be a real date" in page.html


def test_date_initial_value_is_split_into_boxes():
    page = render(VolunteerForm(initial={"date_of_birth": datetime.date(1984, 3, 5)}))
    assert [page.by_id(f"id_date_of_birth_{i}").attrs["value"] for i in range(3)] == ["5", "3", "1984"]


def test_model_forms_can_opt_in_to_the_nhs_date_field():
    field = nhs_formfield_callback(models.DateField(verbose_name="date of visit", blank=True))
    assert isinstance(field, NHSDateField)
    assert field.label == "Date of visit"
    assert field.required is False
    assert not isinstance(nhs_formfield_callback(models.DateTimeField()), NHSDateField)


def test_file_upload_shows_the_current_file_and_a_way_to_remove_it():
    class StoredFile:
        url = "/media/minutes.pdf"

        def __str__(self):
            return "minutes.pdf"

    class MinutesForm(NHSFormMixin, forms.Form):
        minutes = forms.FileField(required=False)

    page = render(MinutesForm(initial={"minutes": StoredFile()}))
    upload = page.by_id("id_minutes")
    assert upload.attrs["type"] == "file" and "nhsuk-file-upload__input" in upload.classes
    assert "value" not in upload.attrs
    assert '<a href="/media/minutes.pdf">minutes.pdf</a>' in page.html
    assert page.label_for("minutes-clear_id")
    form_tag = next(e for e in page.elements if e.tag == "form")
    assert form_tag.attrs["enctype"] == "multipart/form-data"


@pytest.mark.parametrize(
    "widget, value",
    [
        (
            forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes__input", "data-x": 'a "b" <c>'}),
            ["2", "x&y"],
        ),
        (forms.RadioSelect(attrs={"class": "nhsuk-radios__input", "disabled": True, "data-off": False}), "2"),
        (forms.RadioSelect(), None),
    ],
)
def test_each_option_is_drawn_exactly_as_django_draws_it(widget, value):
    from django.forms.boundfield import BoundWidget
    from django.forms.renderers import get_default_renderer

    from ppe.templatetags.nhsuk import option_tag

    widget.choices = [("1", "One"), ("2", "Two & more"), ("x&y", 'Quote " here'), (3, "Three")]
    options = [
        option
        for _group, group, _n in widget.optgroups("pick", widget.format_value(value), {"id": "id_pick"})
        for option in group
    ]
    assert len(options) == 4
    for option in options:
        django_drew = BoundWidget(widget, option, get_default_renderer()).tag(wrap_label=False)
        assert option_tag(option) == django_drew
