"""`{% kept_crispy form %}`: `{% crispy form %}` for a page that shows the same empty form on
every visit (a statement's dates, a month to export, a suggestion's next status).

Crispy takes about 3 ms to draw even a small form here. An unbound form is drawn once per
process for each set of what it shows (its fields' names, labels, hints, widgets, choices
and first values, and its helper's action, method and buttons), then copied with this
request's CSRF token and a new submission key. A bound form (what the user sent, with its
errors) is always drawn anew, and so is a form with a field whose choices come from the
database: listing them to compare would cost a query."""

from __future__ import annotations

import re

from django import forms, template
from django.template import Context
from django.utils.safestring import SafeString, mark_safe

from ppe.middleware import SUBMISSION_FIELD
from ppe.templatetags.ppe_tags import Drawn, submission_key

register = template.Library()

_KEPT = Drawn(128)
_CSRF_STAND_IN = "kept-form-csrf-f3b9"  # stands for the request's token in a kept copy
_SUBMISSION = re.compile(rf'<input type="hidden" name="{SUBMISSION_FIELD}" value="[^"]*">')
_DRAW = template.Template("{% load crispy_forms_tags %}{% crispy form %}")


def _fingerprint(form: forms.Form) -> tuple | None:
    """What the drawn form depends on; None when it cannot be told cheaply."""
    fields = []
    for bound in form:
        field = bound.field
        if isinstance(field, forms.ModelChoiceField):
            return None
        widget = field.widget
        fields.append(
            (
                bound.html_name,
                bound.auto_id,
                str(bound.label),
                str(bound.help_text),
                field.required,
                field.disabled,
                type(widget),
                repr(widget.attrs),
                repr(list(getattr(field, "choices", ()))),
                repr(bound.value()),
            )
        )
    helper = getattr(form, "helper", None)
    drawn = (
        (
            helper.form_action,
            helper.form_method,
            helper.form_tag,
            helper.disable_csrf,
            repr(helper.attrs),
            repr([(i.name, i.value) for i in helper.inputs]),
        )
        if helper
        else None
    )
    return (type(form), form.prefix, tuple(fields), drawn)


@register.simple_tag(takes_context=True)
def kept_crispy(context, form: forms.Form) -> SafeString:
    key = None if form.is_bound or "csrf_token" not in context else _fingerprint(form)
    if key is None:
        return _DRAW.render(Context({**context.flatten(), "form": form}))

    def draw() -> str:
        drawn = _DRAW.render(Context({"form": form, "csrf_token": _CSRF_STAND_IN}))
        return _SUBMISSION.sub(lambda _: "\0", drawn)

    html = _KEPT.get(key, draw).replace(_CSRF_STAND_IN, str(context["csrf_token"]))
    return mark_safe(html.replace("\0", submission_key()))  # noqa: S308 - drawn by crispy, escaped there
