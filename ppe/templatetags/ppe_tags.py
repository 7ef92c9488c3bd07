"""Small presentation helpers shared by every template."""

import uuid

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag(takes_context=True)
def breadcrumbs(context, *parts):
    """`{% breadcrumbs "Home" "home" "People" "people_bank:person_list" %}`: label, URL
    name (or a path) pairs, the last one the parent of the current page."""
    if len(parts) % 2:
        raise template.TemplateSyntaxError("breadcrumbs takes label, url pairs")
    items = []
    for label, target in zip(parts[::2], parts[1::2], strict=True):
        try:
            href = reverse(target)
        except NoReverseMatch:
            href = target
        items.append((href, label))
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


@register.simple_tag(takes_context=True)
def is_current(context, url: str) -> bool:
    path = context["request"].path
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
