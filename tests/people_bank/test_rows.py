"""The People Bank's tables and lists drawn by Jinja2 (ppe.rows): what staff typed is shown
as text, never as markup, and values read as Django's filters wrote them."""

import datetime

import pytest
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from people_bank.models import Agreement, OrganisationContact, TenureReminder, TrainingRecord
from tests.factories import ConversationFactory, OrganisationFactory, PatientPartnerFactory, PersonFactory

pytestmark = pytest.mark.django_db
TYPED = '<b onclick="x">Bold</b>'
ESCAPED = "&lt;b onclick=&#34;x&#34;&gt;Bold&lt;/b&gt;"


def test_typed_text_in_the_people_and_organisation_lists_is_escaped(ppi_client, ppi_user):
    PersonFactory(first_name=TYPED, preferred_name="")
    OrganisationFactory(name=TYPED, area=TYPED, owner=ppi_user)

    for url in (reverse("people_bank:person_list"), reverse("people_bank:organisation_list")):
        html = ppi_client.get(url).content.decode()
        assert ESCAPED in html and TYPED not in html


def test_typed_text_on_a_person_page_is_escaped(ppi_client, ppi_user):
    partner = PatientPartnerFactory()
    TrainingRecord.objects.create(partner=partner, course=TYPED, completed_on=datetime.date(2026, 2, 3))
    ConversationFactory(person=partner.person, staff=ppi_user, summary=TYPED, insight=TYPED, follow_up=TYPED)

    html = ppi_client.get(reverse("people_bank:person_detail", args=[partner.person_id])).content.decode()

    assert TYPED not in html
    assert html.count(ESCAPED) >= 3  # the course, the insight and the follow-up
    assert "&lt;b onclick=&quot;x&quot;&gt;Bold&lt;/b&gt;" in html  # the summary, by linebreaksbr
    assert f'{ESCAPED}</td><td class="nhsuk-table__cell">3 Feb 2026</td>' in html
    assert "Does not expire</td>" in html


def test_typed_text_on_an_organisation_page_is_escaped(ppi_client):
    organisation = OrganisationFactory()
    OrganisationContact.objects.create(organisation=organisation, name=TYPED, role=TYPED, email="a@b.org")
    Agreement.objects.create(
        organisation=organisation,
        title=TYPED,
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2027, 3, 31),
    )

    html = ppi_client.get(reverse("people_bank:organisation_detail", args=[organisation.pk])).content.decode()

    assert TYPED not in html
    assert f"<li>{ESCAPED}: from 1 Apr 2026 to 31 Mar 2027</li>" in html
    assert f'<td class="nhsuk-table__cell">{ESCAPED}</td><td class="nhsuk-table__cell">{ESCAPED}</td>' in html


def test_the_reminders_sent_read_as_the_date_filter_wrote_them(ppi_client):
    partner = PatientPartnerFactory(person__first_name=TYPED, person__preferred_name="")
    reminder = TenureReminder.objects.create(
        partner=partner, kind="review", due_on=datetime.date(2026, 12, 4), days_before=30
    )
    # Sent late last night: the date filter writes it in the Trust's time.
    TenureReminder.objects.filter(pk=reminder.pk).update(
        sent_at=timezone.now().replace(hour=23, minute=30) - datetime.timedelta(days=2)
    )
    reminder.refresh_from_db()
    expected = engines["django"].from_string('{{ r.due_on|date:"j M Y" }}|{{ r.sent_at|date:"j M" }}')
    due_on, sent = expected.render({"r": reminder}).split("|")

    html = ppi_client.get(reverse("people_bank:due")).content.decode()

    name = f"{ESCAPED} {partner.person.last_name}"
    assert f"<li>{name}: review due on {due_on} (30-day reminder, sent {sent})</li>" in html


def test_the_dashboards_done_buttons_carry_the_requests_csrf_token(ppi_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ppi_user)
    call = ConversationFactory(
        staff=ppi_user, follow_up=TYPED, follow_up_due=timezone.localdate() - datetime.timedelta(days=2)
    )

    html = client.get(reverse("home")).content.decode()

    assert TYPED not in html and f": {ESCAPED} (due " in html
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = client.post(
        reverse("people_bank:follow_up_done", args=[call.pk]), {"next": "/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.follow_up_done_at is not None
