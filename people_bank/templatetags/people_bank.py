from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def staff_name(user, empty: str = "None") -> str:
    """A staff user's full name, or their username, or `empty` when there is no one."""
    if user is None:
        return empty
    return user.get_full_name() or user.get_username()


@register.simple_tag
def filter_control(bound_field):
    """A filter's control, built here rather than through Django's widget templates: the
    list pages draw a dozen of them on every request, and template widgets cost ~1 ms each."""
    widget = bound_field.field.widget
    name, ident = bound_field.html_name, bound_field.id_for_label
    value = bound_field.value()
    if not isinstance(widget, forms.Select):
        return format_html(
            '<input class="nhsuk-input ppe-filter-control" type="search" name="{}" id="{}" value="{}">',
            name,
            ident,
            value or "",
        )
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
        '<select class="nhsuk-select ppe-filter-control" name="{}" id="{}"{}>{}</select>',
        name,
        ident,
        multiple,
        options,
    )
