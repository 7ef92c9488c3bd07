"""Form building blocks for the NHS.UK design system.

The "nhsuk" crispy-forms template pack lives in ``templates/nhsuk/``; the Python that
decides how each widget is drawn is in ``ppe/templatetags/nhsuk.py``. This module holds
what form authors import:

* ``NHSFormMixin`` gives a form a ``helper`` with one primary "Continue" button, so a
  template only needs ``{% load crispy_forms_tags %}{% crispy form %}``::

      class PersonForm(NHSFormMixin, forms.ModelForm):
          submit_label = "Save person"

          class Meta:
              model = Person
              fields = ["name", "date_of_birth"]
              formfield_callback = nhs_formfield_callback  # model DateFields -> NHSDateField

* ``NHSDateField`` asks for a date as three boxes (day, month, year) and explains what
  is wrong in the words the NHS.UK design system recommends.
"""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.utils import pretty_name

DATE_PARTS = ("day", "month", "year")


class NHSDateInput(forms.MultiWidget):
    """Three text boxes - day, month and year - drawn as an NHS.UK date input.

    Sub-inputs are named ``<name>_0``, ``<name>_1`` and ``<name>_2`` (ids ``id_<name>_0``...).
    Pass ``autocomplete="bday"`` for a date of birth so browsers can fill it in.
    """

    use_fieldset = True
    part_labels = ("Day", "Month", "Year")
    part_widths = (2, 2, 4)

    def __init__(self, attrs=None, autocomplete=None):
        widgets = []
        for part, width in zip(DATE_PARTS, self.part_widths, strict=True):
            part_attrs = {
                "class": f"nhsuk-input nhsuk-date-input__input nhsuk-input--width-{width}",
                "inputmode": "numeric",
            }
            if autocomplete:
                part_attrs["autocomplete"] = f"{autocomplete}-{part}"
            widgets.append(forms.TextInput(attrs=part_attrs))
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, str) and value:
            try:
                value = datetime.date.fromisoformat(value[:10])
            except ValueError:
                return [None, None, None]
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


def _first_lower(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym ("NHS number")."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _join_parts(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


class NHSDateField(forms.DateField):
    """A date typed into day, month and year boxes, with NHS.UK style error messages.

    Messages use ``%(label)s`` (the field's label) and ``%(label_lower)s``; override any of
    them with ``error_messages={...}`` as for any Django field.
    """

    widget = NHSDateInput
    default_error_messages = {
        "required": "Enter %(label_lower)s",
        "incomplete": "%(label)s must include a %(missing)s",
        "invalid": "%(label)s must be a real date",
        "year_length": "%(label)s must include a year with 4 numbers",
    }

    def __init__(self, *, autocomplete=None, **kwargs):
        kwargs.setdefault("widget", NHSDateInput(autocomplete=autocomplete))
        super().__init__(**kwargs)
        self._label_from_name = None

    # The label is often left to Django to work out from the field's name, which the
    # field itself never sees. Note the name when the form first binds the field.
    def get_bound_field(self, form, field_name):
        self._label_from_name = pretty_name(field_name)
        return super().get_bound_field(form, field_name)

    @property
    def message_label(self) -> str:
        return str(self.label or self._label_from_name or "Date")

    def _error(self, code: str, **params) -> ValidationError:
        label = self.message_label
        params = {"label": label, "label_lower": _first_lower(label), **params}
        return ValidationError(self.error_messages[code], code=code, params=params)

    def to_python(self, value):
        if isinstance(value, (list, tuple)):
            parts = [("" if part is None else str(part).strip()) for part in value]
            parts = (parts + ["", "", ""])[:3]
            if not any(parts):
                return None
            missing = [name for name, part in zip(DATE_PARTS, parts, strict=True) if not part]
            if missing:
                raise self._error("incomplete", missing=_join_parts(missing))
            if not all(part.isdigit() for part in parts):
                raise self._error("invalid")
            day, month, year = (int(part) for part in parts)
            if len(parts[2]) != 4:
                raise self._error("year_length")
            try:
                return datetime.date(year, month, day)
            except ValueError:
                raise self._error("invalid") from None
        if isinstance(value, str):
            try:
                return super().to_python(value)
            except ValidationError:
                raise self._error("invalid") from None
        return super().to_python(value)

    def validate(self, value):
        if value in self.empty_values and self.required:
            raise self._error("required")
        super().validate(value)


def nhs_formfield_callback(db_field, **kwargs):
    """``Meta.formfield_callback`` for model forms: model DateFields become NHSDateField.

    DateTimeFields are left alone. ``Meta.field_classes = {"name": NHSDateField}`` is the
    per-field alternative.
    """
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", NHSDateField)
        if not isinstance(kwargs.get("widget"), NHSDateInput):
            kwargs.pop("widget", None)
    return db_field.formfield(**kwargs)


def default_helper(form=None, submit_label: str = "Continue") -> FormHelper:
    """A FormHelper that renders every field, in order, then one primary button.

    There is no fixed layout, so fields added or removed in ``__init__`` are drawn
    as they are at render time. Set ``helper.layout`` for anything fancier.
    """
    helper = FormHelper()
    helper.form_method = "post"
    helper.add_input(Submit("submit-button", submit_label))
    return helper


DJANGO_REQUIRED_MESSAGE = forms.Field.default_error_messages["required"]


def specific_required_message(field: forms.Field, name: str) -> str | None:
    """An NHS.UK style message ("Enter full name", "Select a team") for a missing answer.

    None for tick boxes and files, where Django's wording is left for the author to improve.
    """
    label = _first_lower(str(field.label or pretty_name(name)))
    widget = field.widget
    if isinstance(widget, (forms.CheckboxInput, forms.FileInput)) or widget.is_hidden:
        return None
    if isinstance(widget, (forms.Select, forms.RadioSelect)):
        return f"Select {label}"
    return f"Enter {label}"


class NHSFormMixin:
    """Gives a form ``self.helper`` (POST, CSRF, novalidate, one primary submit button) and
    replaces Django's "This field is required." with "Enter ..." or "Select ...".
    Messages an author set themselves are left alone.
    """

    submit_label = "Continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = default_helper(self, submit_label=self.submit_label)
        for name, field in self.fields.items():
            if str(field.error_messages.get("required")) == str(DJANGO_REQUIRED_MESSAGE):
                message = specific_required_message(field, name)
                if message:
                    field.error_messages = {**field.error_messages, "required": message}
