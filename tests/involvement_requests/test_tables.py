"""The requests' tables, drawn by Jinja2 (ppe.rows), read as the Django templates wrote
them: what was typed is escaped, names and dates are written the same way."""

import datetime
import re

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from markupsafe import escape  # as Jinja2 escapes (an apostrophe is &#39;)

from involvement_requests import services
from involvement_requests.models import InvolvementRequest, OrganisationInvitation, Status
from ppe.formats import short_date
from ppe.rows import linebreaksbr
from tests.factories import (
    AllocationFactory,
    InvitationFactory,
    InvolvementRequestFactory,
    OrganisationFactory,
    confirmed_improver,
    invitation_with_link,
    partner_in_tenure,
)

pytestmark = pytest.mark.django_db


def _django(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_line_breaks_are_written_as_linebreaksbr_writes_them():
    for text in ("one\ntwo", "a\r\nb\rc", "<b>bold</b> & 'quoted'\n", mark_safe("<i>kept</i>\nx"), ""):
        assert linebreaksbr(text) == _django("{{ t|linebreaksbr }}", t=text)


def test_typed_text_in_the_queue_and_history_is_escaped(ppi_client, submitted, ppi_user):
    InvolvementRequest.objects.filter(pk=submitted.pk).update(title="<script>x</script> & co")
    services.request_start_assessment(request=submitted, by=ppi_user)
    services.request_ask_for_information(request=submitted, by=ppi_user, note="<b>Say more</b>")

    queue = ppi_client.get(reverse("involvement_requests:queue") + "?queue=all").content.decode()
    assert "&lt;script&gt;x&lt;/script&gt; &amp; co" in queue
    assert "<script>x" not in queue
    assert f'<a href="/requests/{submitted.pk}/">PIR-{submitted.pk:05d} &lt;script&gt;' in queue

    detail = ppi_client.get(reverse("involvement_requests:detail", args=[submitted.pk])).content.decode()
    assert "In assessment to More information needed" in detail
    assert "&lt;b&gt;Say more&lt;/b&gt;" in detail and "<b>Say more" not in detail
    by = escape(ppi_user.get_full_name() or ppi_user.username)
    assert f'<td class="nhsuk-table__cell">{by}</td>' in detail


def test_the_bulletin_escapes_summaries_and_keeps_their_line_breaks(client, qi_user):
    InvolvementRequestFactory(
        submitted_by=qi_user,
        status=Status.ACCEPTED,
        open_to_public=True,
        title="Tell us <more>",
        public_summary="First line\n<i>second</i>",
        involvement_from=datetime.date(2026, 9, 4),
    )
    page = client.get(reverse("involvement_requests:bulletin")).content.decode()
    assert "Tell us &lt;more&gt;" in page
    assert "First line<br>&lt;i&gt;second&lt;/i&gt;" in page
    assert "Starting 4 Sep 2026" in page


def test_people_page_names_escaped_and_a_reminder_can_be_sent_from_it(ppi_client, accepted):
    allocation = AllocationFactory(request=accepted, person=partner_in_tenure(first_name="<b>Al</b>"))
    invitation, _token = invitation_with_link(
        request=accepted, person=confirmed_improver(first_name="<i>Iv</i>")
    )
    page = ppi_client.get(reverse("involvement_requests:people", args=[accepted.pk])).content.decode()

    assert f'<a href="/people/{allocation.person_id}/">&lt;b&gt;Al&lt;/b&gt;' in page
    assert f'<a href="/people/{invitation.person_id}/">&lt;i&gt;Iv&lt;/i&gt;' in page
    assert "<b>Al" not in page and "<i>Iv" not in page
    remind = reverse("involvement_requests:invitation_remind", args=[accepted.pk, invitation.pk])
    form = re.search(rf'<form method="post" action="{remind}" novalidate>(.*?)</form>', page, re.S)
    assert form, "a reminder form for the unanswered invitation"
    assert re.search(r'name="csrfmiddlewaretoken" value="[A-Za-z0-9]{32,}"', form.group(1))


def test_people_page_shows_each_invitations_answer_and_the_organisations_asked(
    ppi_client, accepted, ppi_user
):
    now = timezone.now()
    InvitationFactory(request=accepted, person=confirmed_improver(first_name="Sent"), sent_at=None)
    invitation_with_link(
        request=accepted,
        person=confirmed_improver(first_name="Late"),
        expires_at=now - datetime.timedelta(days=1),
    )
    invitation_with_link(
        request=accepted,
        person=confirmed_improver(first_name="Yes"),
        status="accepted",
        responded_at=now,
    )
    organisation = OrganisationFactory(name="Carers <Centre>")
    OrganisationInvitation.objects.create(
        request=accepted, organisation=organisation, email="hello@carers.example", invited_by=ppi_user
    )
    page = ppi_client.get(reverse("involvement_requests:people", args=[accepted.pk])).content.decode()

    assert "Being sent" in page
    assert "No reply, link expired" in page
    assert f"Accepted on {short_date(now)}" in page
    organisation_url = reverse("people_bank:organisation_detail", args=[organisation.pk])
    assert f'<a href="{organisation_url}">Carers &lt;Centre&gt;</a>' in page
    assert "hello@carers.example" in page


def test_the_match_page_escapes_names_and_links_each_person(ppi_client, accepted):
    improver = confirmed_improver(first_name="<b>Imp</b>")
    partner = partner_in_tenure(first_name="<i>Par</i>")
    page = ppi_client.get(reverse("involvement_requests:match", args=[accepted.pk])).content.decode()

    assert "<b>Imp" not in page and "<i>Par" not in page
    person_url = reverse("people_bank:person_detail", args=[improver.pk])
    assert f'<a href="{person_url}">&lt;b&gt;Imp&lt;/b&gt;' in page
    assert f'id="invite-{improver.pk}" name="people" type="checkbox" value="{improver.pk}"' in page
    allocate = reverse("involvement_requests:allocate", args=[accepted.pk])
    hidden = f'<span class="nhsuk-u-visually-hidden">{escape(partner.display_name)} </span>'
    assert f'<a href="{allocate}?person={partner.pk}">Allocate {hidden}as Patient Partner</a>' in page
