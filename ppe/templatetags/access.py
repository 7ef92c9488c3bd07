"""`{% if user|can:"people.view" %}`: templates ask ppe.access, never group names."""

from django import template

from ppe import access

register = template.Library()


@register.filter(name="can")
def can(user, permission: str) -> bool:
    return access.can(user, permission)
