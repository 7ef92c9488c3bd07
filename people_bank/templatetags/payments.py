"""`{% payments_summary person as summary %}`: the payments panel on the person page,
which is the People Bank's view and does not know about payments itself."""

from django import template

from people_bank.payments import selectors
from ppe import audit

register = template.Library()


@register.simple_tag(takes_context=True)
def payments_summary(context, person):
    request = context.get("request")
    audit.record(request, "view", person, detail="payments panel")
    return selectors.person_summary(person)
