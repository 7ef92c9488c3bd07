"""Decisions behind the "nhsuk" crispy-forms template pack (``templates/nhsuk/``).

Templates stay thin: ``{% nhsuk_field field as f %}`` works out which NHS.UK component a
field's widget becomes, its classes, ids and ``aria-describedby``, and renders the
controls; the template then lays out label, hint, error message and control.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from dataclasses import field as dc_field

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.formsets import BaseFormSet
from django.forms.utils import ErrorList
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

from ppe.form_pack import NHSDateInput

register = template.Library()

OPTIONAL_SUFFIX = " (optional)"
DEFAULT_ERROR_TITLE = "There is a problem"
FIELD_TEMPLATES = {
    "hidden": "nhsuk/fields/hidden.html",
    "date": "nhsuk/fields/date.html",
    "radios": "nhsuk/fields/choices.html",
    "checkboxes": "nhsuk/fields/choices.html",
    "checkbox": "nhsuk/fields/checkbox.html",
}
CONTROL_TEMPLATE = "nhsuk/fields/control.html"  # input, textarea, select, file, other MultiWidgets
LABEL_SIZES = ("s", "m", "l", "xl")


def widget_kind(widget: forms.Widget) -> str:
    """Which NHS.UK component draws this widget."""
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, NHSDateInput):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):  # includes SelectMultiple and NullBooleanSelect
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):  # includes ClearableFileInput
        return "file"
    if isinstance(widget, forms.MultiWidget):
        return "multi"
    return "input"


CONTROL_CLASSES = {
    "input": ("nhsuk-input", "nhsuk-input--error"),
    "multi": ("nhsuk-input", "nhsuk-input--error"),
    "textarea": ("nhsuk-textarea", "nhsuk-textarea--error"),
    "select": ("nhsuk-select", "nhsuk-select--error"),
    "file": ("nhsuk-file-upload__input", None),
    "checkbox": ("nhsuk-checkboxes__input", None),
}


def join_classes(*parts) -> str:
    """Space-separated classes in order, without blanks or repeats."""
    seen: list[str] = []
    for part in parts:
        for name in (part or "").split():
            if name not in seen:
                seen.append(name)
    return " ".join(seen)


def join_ids(*ids) -> str:
    return " ".join(i for i in ids if i)


def base_id(bf: BoundField) -> str:
    return bf.field.widget.attrs.get("id") or bf.auto_id or ""


def error_id(bf: BoundField) -> str:
    return f"{base_id(bf)}-error" if base_id(bf) else ""


def hint_id(bf: BoundField) -> str:
    # The id Django itself points aria-describedby at when a field has help text.
    return f"{bf.auto_id}_helptext" if bf.auto_id else ""


def is_optional_marked(bf: BoundField) -> bool:
    return not bf.field.required and widget_kind(bf.field.widget) not in ("checkbox", "checkboxes", "hidden")


def legend_size_classes(label_class: str) -> str:
    """Map label sizes given to the helper (nhsuk-label--m) onto legends."""
    given = label_class.split()
    return " ".join(f"nhsuk-fieldset__legend--{s}" for s in LABEL_SIZES if f"nhsuk-label--{s}" in given)


@dataclass
class Choice:
    id: str
    label: str
    tag: SafeString
    group: str = ""  # the heading it comes under, for grouped options (services by CMG)


@dataclass
class DatePart:
    id: str
    label: str
    tag: SafeString
    error: bool


@dataclass
class FieldView:
    bf: BoundField
    kind: str
    template: str
    label: str = ""
    label_classes: str = "nhsuk-label"
    legend_classes: str = "nhsuk-fieldset__legend"
    group_classes: str = "nhsuk-form-group"
    hint: str = ""
    hint_id: str = ""
    errors: list = dc_field(default_factory=list)
    error_id: str = ""
    describedby: str = ""
    control: SafeString = SafeString("")
    choices: list[Choice] = dc_field(default_factory=list)
    choices_classes: str = ""
    date_parts: list[DatePart] = dc_field(default_factory=list)
    current_file: str = ""
    current_file_url: str = ""
    clear_tag: SafeString = SafeString("")
    clear_id: str = ""
    prefix: str = ""
    suffix: str = ""

    @property
    def focus_id(self) -> str:
        return focus_id(self.bf)

    @property
    def choice_items(self) -> SafeString:
        """Each radio or checkbox with its label, as choices.html lays them out: written here
        rather than by a template loop, which cost more than the rest of a long list."""
        kind = conditional_escape(self.kind)
        html, group = [], ""
        for choice in self.choices:
            if choice.group != group:  # grouped options: each group under its own heading
                group = choice.group
                html.append(f'<p class="ppe-choice-group">{conditional_escape(group)}</p>\n      ')
            html.append(
                f'<div class="nhsuk-{kind}__item">\n        {choice.tag}\n        <label class="nhsuk-label'
                f' nhsuk-{kind}__label" for="{conditional_escape(choice.id)}">'
                f"{conditional_escape(choice.label)}</label>\n      </div>\n      "
            )
        return mark_safe("".join(html))  # noqa: S308 (the tags are built escaped; the rest escaped here)


def choice_options(bf: BoundField, input_class: str) -> list[Choice]:
    """One Choice per radio or checkbox, each input written as Django draws it (option_tag)
    with our class, under its group's name where the options are grouped."""
    widget = bf.field.widget
    attrs = {"id": base_id(bf)} if base_id(bf) else {}
    attrs = bf.build_widget_attrs(attrs)
    # The fieldset carries the descriptions; the inputs need not repeat them.
    attrs.pop("aria-describedby", None)
    attrs.pop("aria-invalid", None)
    attrs["class"] = join_classes(input_class, widget.attrs.get("class"))
    value = widget.format_value(bf.value())
    choices = []
    for group, options, _index in widget.optgroups(bf.html_name, value, attrs):
        for option in options:
            if option["value"] in ("", None):
                continue  # a "---------" blank choice makes no sense as a radio
            choices.append(
                Choice(
                    id=option["attrs"].get("id", ""),
                    label=str(option["label"]),
                    tag=option_tag(option),
                    group=str(group or ""),
                )
            )
    return choices


def option_tag(option: dict) -> SafeString:
    """One radio's or checkbox's <input>, as Django's widget templates draw it (BoundWidget's
    tag without its label), written out here: a request form's lists of services and
    issues are some three hundred options, and a template render for each was most of the
    time the page took."""
    html = [f'<input type="{conditional_escape(option["type"])}" name="{conditional_escape(option["name"])}"']
    if option["value"] is not None:
        html.append(f' value="{conditional_escape(option["value"])}"')
    for name, value in option["attrs"].items():
        if value is True:
            html.append(f" {conditional_escape(name)}")
        elif value is not False:
            html.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    html.append(">")
    return mark_safe("".join(html))  # noqa: S308 (every part escaped above)


def date_part_errors(bf: BoundField, show_errors: bool) -> list[bool]:
    """Which of day, month and year to highlight: the empty ones, or all three."""
    if not (show_errors and bf.errors):
        return [False, False, False]
    data = bf.data if bf.form.is_bound else None
    if isinstance(data, (list, tuple)):
        blank = [not (str(part).strip() if part is not None else "") for part in data]
        if any(blank) and not all(blank):
            return blank
    return [True, True, True]


def date_parts(bf: BoundField, show_errors: bool) -> list[DatePart]:
    widget = bf.field.widget
    value = bf.value()
    if not isinstance(value, (list, tuple)):
        value = widget.decompress(value)
    errors = date_part_errors(bf, show_errors)
    ident = base_id(bf)
    parts = []
    for index, subwidget in enumerate(widget.widgets):
        suffix = widget.widgets_names[index]
        part_id = f"{ident}{suffix}" if ident else ""
        attrs = {
            "class": join_classes(subwidget.attrs.get("class"), "nhsuk-input--error" if errors[index] else "")
        }
        if part_id:
            attrs["id"] = part_id
        if bf.field.disabled:
            attrs["disabled"] = True
        tag = subwidget.render(
            f"{bf.html_name}{suffix}",
            value[index] if index < len(value) else None,
            attrs=attrs,
            renderer=bf.form.renderer,
        )
        parts.append(DatePart(id=part_id, label=widget.part_labels[index], tag=tag, error=errors[index]))
    return parts


def focus_id(bf: BoundField) -> str:
    """The id the error summary links to: the first thing a user can type in or tick."""
    kind = widget_kind(bf.field.widget)
    if kind in ("radios", "checkboxes"):
        choices = choice_options(bf, "")
        return choices[0].id if choices else base_id(bf)
    if kind == "date":
        ident = base_id(bf)
        errors = date_part_errors(bf, True)
        first = errors.index(True) if (any(errors) and not all(errors)) else 0
        return f"{ident}_{first}" if ident else ""
    if kind == "multi":
        return f"{base_id(bf)}_0" if base_id(bf) else ""
    return base_id(bf)


def build_field_view(bf: BoundField, context) -> FieldView:
    get = context.get if hasattr(context, "get") else (lambda key, default=None: default)
    show_errors = get("form_show_errors", True) is not False
    show_label = get("form_show_labels", True) is not False
    label_class = get("label_class", "") or ""

    widget = bf.field.widget
    kind = widget_kind(widget)
    view = FieldView(bf=bf, kind=kind, template=FIELD_TEMPLATES.get(kind, CONTROL_TEMPLATE))
    if kind == "hidden":
        return view

    errors = list(bf.errors) if show_errors else []
    view.errors = errors
    view.error_id = error_id(bf) if errors else ""
    view.hint = bf.help_text or ""
    view.hint_id = hint_id(bf) if view.hint else ""
    view.describedby = join_ids(view.hint_id, view.error_id)

    label = str(bf.label or "")
    if is_optional_marked(bf):
        label += OPTIONAL_SUFFIX
    view.label = label
    hidden = "" if show_label else "nhsuk-u-visually-hidden"
    view.label_classes = join_classes("nhsuk-label", label_class, hidden)
    view.legend_classes = join_classes(
        "nhsuk-fieldset__legend", legend_size_classes(label_class), get("legend_class", ""), hidden
    )
    view.group_classes = join_classes(
        "nhsuk-form-group",
        "nhsuk-form-group--error" if errors else "",
        "nhsuk-file-upload" if kind == "file" else "",
        get("wrapper_class", ""),
    )
    view.prefix = get("crispy_prepended_text", "") or ""
    view.suffix = get("crispy_appended_text", "") or ""

    if kind in ("radios", "checkboxes"):
        view.choices = choice_options(bf, f"nhsuk-{kind}__input")
        view.choices_classes = join_classes(
            f"nhsuk-{kind}", f"nhsuk-{kind}--inline" if get("inline_class") else ""
        )
    elif kind == "date":
        view.date_parts = date_parts(bf, show_errors)
    else:
        base_class, error_class = CONTROL_CLASSES.get(kind, ("", None))
        attrs = {
            "class": join_classes(base_class, widget.attrs.get("class"), error_class if errors else ""),
        }
        if view.describedby:
            attrs["aria-describedby"] = view.describedby
        render_widget = None
        if kind == "file" and isinstance(widget, forms.ClearableFileInput):
            render_widget = file_only_widget(widget)
            add_current_file(view, bf)
        view.control = bf.as_widget(widget=render_widget, attrs=attrs)
    if bf.field.show_hidden_initial:
        view.control = view.control + bf.as_hidden(only_initial=True)
    return view


def file_only_widget(widget: forms.ClearableFileInput) -> forms.Widget:
    """The same widget, drawn as a bare file input (we draw "current file" ourselves)."""
    plain = copy.copy(widget)
    plain.template_name = forms.FileInput.template_name
    plain.format_value = lambda value: None  # a file input never shows a value
    return plain


def add_current_file(view: FieldView, bf: BoundField) -> None:
    widget = bf.field.widget
    value = bf.value()
    if not widget.is_initial(value):
        return
    view.current_file = str(value)
    view.current_file_url = getattr(value, "url", "")
    if not bf.field.required:
        clear_name = widget.clear_checkbox_name(bf.html_name)
        view.clear_id = widget.clear_checkbox_id(clear_name)
        view.clear_tag = forms.CheckboxInput(attrs={"class": "nhsuk-checkboxes__input"}).render(
            clear_name, False, attrs={"id": view.clear_id}
        )


@register.simple_tag(takes_context=True)
def nhsuk_field(context, bf):
    """``{% nhsuk_field field as f %}``: everything field.html needs, worked out once."""
    return build_field_view(bf, context)


@dataclass
class SummaryItem:
    text: str
    href: str = ""


def _form_summary_items(form) -> list[SummaryItem]:
    items = [SummaryItem(text=str(error)) for error in form.non_field_errors()]
    for bf in form:
        for error in bf.errors:
            target = "" if bf.is_hidden else focus_id(bf)
            items.append(SummaryItem(text=str(error), href=f"#{target}" if target else ""))
    return items


def summary_items(form_or_formset) -> list[SummaryItem]:
    if form_or_formset is None:
        return []
    if isinstance(form_or_formset, BaseFormSet):
        items = [SummaryItem(text=str(e)) for e in form_or_formset.non_form_errors()]
        for form in form_or_formset.forms:
            items.extend(_form_summary_items(form))
        return items
    if not getattr(form_or_formset, "is_bound", False):
        return []
    return _form_summary_items(form_or_formset)


@register.simple_tag
def nhsuk_error_summary(form_or_formset):
    """``{% nhsuk_error_summary form as items %}``: non-field errors, then each field's."""
    return summary_items(form_or_formset)


@register.filter
def nhsuk_error_title(title):
    return title or DEFAULT_ERROR_TITLE


@register.filter
def nhsuk_error_lines(errors) -> SafeString:
    """Several messages for one field, one per line, in one error-message span."""
    if isinstance(errors, ErrorList):
        errors = list(errors)
    return format_html_join(mark_safe("<br>"), "{}", ((str(e),) for e in errors))


@dataclass
class ButtonView:
    classes: str
    is_hidden: bool
    prevent_double_click: bool


CRISPY_BOOTSTRAP_CLASS_PREFIXES = ("btn",)


@register.simple_tag
def nhsuk_button(input_object):
    """Classes for crispy's Submit, Button, Reset and Hidden, as NHS.UK buttons."""
    input_type = getattr(input_object, "input_type", "submit")
    given = [
        name
        for name in (getattr(input_object, "field_classes", "") or "").split()
        if not name.startswith(CRISPY_BOOTSTRAP_CLASS_PREFIXES)
    ]
    variant = "nhsuk-button--secondary" if input_type == "reset" else ""
    return ButtonView(
        classes=join_classes("nhsuk-button", variant, " ".join(given)),
        is_hidden=input_type == "hidden",
        prevent_double_click=input_type == "submit",
    )
