"""Small presentation helpers shared by every template."""

import datetime
import threading
import uuid
from collections import OrderedDict

from django import forms, template
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ppe.formats import long_date
from ppe.links import page_url
from ppe.rows import render_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def breadcrumbs(context, *parts):
    """`{% breadcrumbs "Home" "home" "People" "people_bank:person_list" %}`: label, URL
    name (or a path) pairs, the last one the parent of the current page."""
    if len(parts) % 2:
        raise template.TemplateSyntaxError("breadcrumbs takes label, url pairs")
    items = []
    for label, target in zip(parts[::2], parts[1::2], strict=True):
        href = target if target.startswith("/") else page_url(target)
        items.append((target if href is None else href, label))
    if not items:
        return ""
    listing = format_html_join(
        "",
        '<li class="nhsuk-breadcrumb__list-item"><a class="nhsuk-breadcrumb__link" href="{}">{}</a></li>',
        items,
    )
    back_href, back_label = items[-1]
    return format_html(
        '<nav class="nhsuk-breadcrumb" aria-label="Breadcrumb"><ol class="nhsuk-breadcrumb__list">{}</ol>'
        '<a class="nhsuk-back-link" href="{}"><span class="nhsuk-u-visually-hidden">Back to </span>{}</a>'
        "</nav>",
        listing,
        back_href,
        back_label,
    )


@register.filter(name="long_date")
def long_date_filter(value) -> str:
    """`{{ value|long_date }}` writes what `{{ value|date:"j F Y" }}` does, for a fraction
    of its cost (the date filter reads the format through the localisation machinery)."""
    return long_date(value) if value else ""


def _is_current(path: str, url: str) -> bool:
    return path == url or (url != "/" and path.startswith(url))


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced: for pagination and sorting
    links that keep the filters."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.simple_tag
def submission_key():
    """A hidden key that makes a form's POST count once (ppe.middleware.SubmitOnceMiddleware)."""
    from ppe.middleware import SUBMISSION_FIELD

    return format_html('<input type="hidden" name="{}" value="{}">', SUBMISSION_FIELD, uuid.uuid4())


@register.simple_tag
def rows(template_name: str, **context):
    """A table's rows drawn by Jinja2 from `template_name` (see ppe.rows)."""
    return render_rows(template_name, **context)


class Drawn:
    """HTML drawn once per process for each key, the most recently used `size` kept."""

    def __init__(self, size: int):
        self.size = size
        self._kept: OrderedDict[tuple, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, draw) -> str:
        with self._lock:
            html = self._kept.get(key)
            if html is not None:
                self._kept.move_to_end(key)
                return html
        html = draw()
        with self._lock:
            self._kept[key] = html
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return html


# Filter forms drawn, by FilterSet, options version and values sent: the same filters with
# the same values draw the same HTML, and most requests of a list ask for the same few.
_FILTER_FORMS = Drawn(256)


@register.simple_tag
def filter_form(filterset, submit: str = ""):
    """A list page's filters (includes/filter_form.html) for a ppe.filters
    KeptChoicesFilterSet, from this process's copy when the same values were drawn with
    the same options before. A FilterSet whose options are not all kept is drawn anew."""
    form = filterset.form
    version = getattr(filterset, "options_version", None)

    def draw() -> str:
        return render_to_string("includes/filter_form.html", {"form": form, "submit": submit})

    if version is None:
        return draw()
    sent = tuple(
        (name, tuple(form.data.getlist(form.add_prefix(name))))
        for name in form.fields
        if form.add_prefix(name) in form.data
    )
    return _FILTER_FORMS.get((type(filterset), version, sent, submit), draw)


# Page headers drawn, by who is signed in, their menu and its current section. The sign-out
# form's CSRF token is the one part that changes per request: drawn as a stand-in, then put in.
_HEADERS = Drawn(256)
_CSRF_STAND_IN = "ppe-csrf-token-stand-in"


@register.simple_tag(takes_context=True)
def site_header(context):
    """The page header (includes/header.html): service name, who is signed in, and the menu
    with the current section marked, drawn once per process for each combination."""
    request = context.get("request")
    user = context.get("user")
    signed_in_as = (user.get_full_name() or user.get_username()) if user and user.is_authenticated else ""
    path = request.path if request is not None else ""
    items = context.get("nav_items") or ()
    menu = tuple((item["label"], item["url"], _is_current(path, item["url"])) for item in items)
    service_name = context.get("service_name")

    def draw() -> str:
        return render_to_string(
            "includes/header.html",
            {
                "service_name": service_name,
                "signed_in_as": signed_in_as,
                "nav_items": [dict(zip(("label", "url", "current"), item, strict=True)) for item in menu],
                "csrf_token": _CSRF_STAND_IN,
            },
        )

    html = _HEADERS.get((service_name, signed_in_as, menu, get_script_prefix()), draw)
    token = get_token(request) if request is not None and signed_in_as else ""
    return mark_safe(html.replace(_CSRF_STAND_IN, token))  # noqa: S308 - drawn from our template; the token is alphanumeric


@register.simple_tag
def filter_control(bound_field):
    """One control of a list page's filter form (templates/includes/filter_form.html), built
    here rather than through widget templates or crispy: list pages draw a dozen of them on
    every request, and a template-rendered widget costs about a millisecond each. Widgets
    other than text, date, hidden and select boxes fall back to Django's own rendering."""
    widget = bound_field.field.widget
    name, ident, value = bound_field.html_name, bound_field.id_for_label, bound_field.value()
    notes = ((f"{ident}-hint", bound_field.help_text), (f"{ident}-error", bound_field.errors))
    described = " ".join(part for part, present in notes if present)
    aria = format_html(' aria-describedby="{}"', described) if described else ""
    if isinstance(widget, forms.HiddenInput):
        return format_html('<input type="hidden" name="{}" value="{}">', name, value or "")
    if isinstance(widget, forms.Select):
        chosen = {str(v) for v in value} if isinstance(value, (list, tuple)) else {str(value or "")}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in chosen else "", label)  # noqa: S308 - a constant
                for key, label in widget.choices
            ),
        )
        multiple = mark_safe(' multiple size="5"') if widget.allow_multiple_selected else ""  # noqa: S308
        return format_html(
            '<select class="nhsuk-select ppe-filter-control" name="{}" id="{}"{}{}>{}</select>',
            name,
            ident,
            multiple,
            aria,
            options,
        )
    if isinstance(widget, forms.DateInput) and widget.input_type == "date":
        shown = value.isoformat() if isinstance(value, datetime.date) else (value or "")
        return format_html(
            '<input class="nhsuk-input nhsuk-input--width-10" type="date" name="{}" id="{}" value="{}"{}>',
            name,
            ident,
            shown,
            aria,
        )
    if isinstance(widget, forms.TextInput):
        return format_html(
            '<input class="nhsuk-input ppe-filter-control" type="search" name="{}" id="{}" value="{}"{}>',
            name,
            ident,
            value or "",
            aria,
        )
    return bound_field.as_widget(attrs={"aria-describedby": described} if described else None)
