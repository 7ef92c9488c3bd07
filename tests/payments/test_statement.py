"""Statements: the page and the PDF, for any period, in a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people_bank.payments import services
from people_bank.payments.models import Session
from ppe.models import AuditEvent
from tests.factories import PatientPartnerFactory, PersonFactory, UserFactory
from tests.payments.conftest import approved_claim, last_month_day

pytestmark = pytest.mark.django_db


def _sessions(person, count, by):
    start = timezone.localdate() - datetime.timedelta(days=count + 5)
    Session.objects.bulk_create(
        [
            Session(
                person=person,
                held_on=start + datetime.timedelta(days=i),
                minutes=60,
                kind="event",
                recorded_by=by,
            )
            for i in range(count)
        ]
    )


def _query_count(client, url) -> int:
    client.get(url)  # warm the per-user caches (roles, security policy)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_statement_page_runs_the_same_queries_for_5_or_50_sessions(ppi_user, ppi_client):
    few = PatientPartnerFactory(started_on=timezone.localdate() - datetime.timedelta(days=400)).person
    many = PatientPartnerFactory(started_on=timezone.localdate() - datetime.timedelta(days=400)).person
    _sessions(few, 5, ppi_user)
    _sessions(many, 50, ppi_user)
    query = "?start_0=1&start_1=1&start_2=2020&end_0=1&end_1=1&end_2=2030"
    assert _query_count(ppi_client, reverse("people_bank:payments:statement", args=[few.pk]) + query) == (
        _query_count(ppi_client, reverse("people_bank:payments:statement", args=[many.pk]) + query)
    )


def test_the_statement_shows_sessions_payments_and_expenses_for_the_period(partner, ppi_client, ppi_user):
    colleague = UserFactory(role="PPI team")
    services.session_record(person=partner, held_on=last_month_day(2), minutes=60, kind="event", by=ppi_user)
    approved_claim(
        partner, recorded_by=colleague, approved_by=ppi_user, amount="11.00", day=last_month_day(2)
    )
    day = last_month_day(1)
    url = reverse("people_bank:payments:statement", args=[partner.pk])
    page = ppi_client.get(
        f"{url}?start_0=1&start_1={day.month}&start_2={day.year}&end_0={timezone.localdate().day}"
        f"&end_1={timezone.localdate().month}&end_2={timezone.localdate().year}"
    ).content.decode()
    assert "£20.00" in page and "£11.00" in page and "£31.00" in page
    assert AuditEvent.objects.filter(subject_id=str(partner.pk), detail__startswith="statement").exists()


def test_the_statement_refuses_an_end_before_its_start(partner, ppi_client):
    url = reverse("people_bank:payments:statement", args=[partner.pk])
    response = ppi_client.get(f"{url}?start_0=2&start_1=2&start_2=2026&end_0=1&end_1=1&end_2=2026")
    assert response.status_code == 400
    assert "must be the same as or after the start date" in response.content.decode()


def test_the_statement_is_a_pdf_too(partner, ppi_user, ppi_client):
    services.session_record(person=partner, held_on=last_month_day(2), minutes=60, kind="event", by=ppi_user)
    day = last_month_day(1)
    url = reverse("people_bank:payments:statement_pdf", args=[partner.pk])
    response = ppi_client.get(f"{url}?start={day.isoformat()}&end={timezone.localdate().isoformat()}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="download", detail__startswith="statement pdf").exists()


def test_the_statement_counts_sessions_attended_and_paid_alike_on_the_page_and_in_the_pdf(
    partner, ppi_client, ppi_user
):
    from people_bank.payments import selectors

    for day in (2, 3, 4):
        services.session_record(
            person=partner, held_on=last_month_day(day), minutes=60, kind="event", by=ppi_user
        )
    services.payment_choice_record(
        person=partner, method="declined", effective_from=last_month_day(4), by=ppi_user
    )
    services.session_record(person=partner, held_on=last_month_day(5), minutes=60, kind="event", by=ppi_user)
    cancelled = Session.objects.get(person=partner, held_on=last_month_day(3))
    services.session_cancel(session=cancelled, reason="Did not come", by=ppi_user)
    start, end = last_month_day(1), timezone.localdate()
    for lines in (True, False):
        figures = selectors.statement(partner, start, end, lines=lines)
        assert (figures["sessions_held"], figures["sessions_paid"]) == (3, 2)
    page = ppi_client.get(reverse("people_bank:payments:statement", args=[partner.pk])).content.decode()
    assert "3 (2 paid)" in page


def test_a_persons_payments_pages_name_them_record_the_view_and_know_no_one_else(ppi_client):
    partner = PatientPartnerFactory(person__first_name="Ann", person__preferred_name="Annie").person
    someone = PersonFactory(first_name="Bob")
    page = ppi_client.get(reverse("people_bank:payments:person", args=[partner.pk])).content.decode()
    statement = ppi_client.get(reverse("people_bank:payments:statement", args=[partner.pk])).content.decode()
    assert "Annie" in page and "Annie" in statement
    assert reverse("people_bank:payments:session_bulk") in page  # a partner may have sessions recorded
    other = ppi_client.get(reverse("people_bank:payments:person", args=[someone.pk])).content.decode()
    assert reverse("people_bank:payments:session_bulk") not in other
    viewed = AuditEvent.objects.filter(subject_type="people_bank.person", subject_id=str(partner.pk))
    assert {e.detail.split(" ")[0] for e in viewed} == {"payments", "statement"}
    for name in ("person", "statement"):
        assert ppi_client.get(reverse(f"people_bank:payments:{name}", args=[987654])).status_code == 404
