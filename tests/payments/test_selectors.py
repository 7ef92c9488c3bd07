"""What the rest of the app reads: the matching count, the Board figures, the person panel."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outcomes.report.figures import SOURCES, board_report_figures
from outcomes.report.quarters import Quarter
from people_bank.payments import rules, selectors, services
from tests.factories import PatientPartnerFactory, PersonFactory
from tests.payments.conftest import approved_claim, last_month_day, record

pytestmark = pytest.mark.django_db


def test_payable_session_counts_counts_paid_sessions_in_the_month(partner, ppi_user):
    other = PersonFactory()
    for day in range(1, 8):
        record(partner, ppi_user, held_on=last_month_day(day))
    cancelled = record(partner, ppi_user, held_on=last_month_day(1).replace(day=28))
    services.session_cancel(session=cancelled, reason="Error", by=ppi_user)
    month = last_month_day(1)
    with CaptureQueriesContext(connection) as captured:
        counts = selectors.payable_session_counts([partner.pk, other.pk], month.year, month.month)
    assert counts == {partner.pk: 6, other.pk: 0}
    assert len(captured) == 1


def test_payments_figures_gives_totals_and_no_names(partner, ppi_user, colleague):
    record(partner, ppi_user, held_on=last_month_day(2))
    record(partner, ppi_user, held_on=last_month_day(3))
    approved_claim(partner, recorded_by=colleague, approved_by=ppi_user, amount="3.50")
    figures = selectors.payments_figures(last_month_day(1), timezone.localdate())
    by_key = {f["key"]: f for f in figures["sessions_payments"]["figures"]}
    assert by_key["sessions_held"]["value"] == 2
    assert by_key["paid_to_partners"] == {
        "key": "paid_to_partners",
        "label": "Paid to partners",
        "value": "40.00",
        "unit": "money",
        "headline": True,
    }
    assert by_key["expenses_paid"]["value"] == "3.50"
    text = json.dumps(figures)
    assert partner.last_name not in text and partner.first_name not in text


def test_the_board_report_carries_the_payments_section(partner, ppi_user):
    assert any(source.selector == "people_bank.payments.selectors.payments_figures" for source in SOURCES)
    record(partner, ppi_user, held_on=last_month_day())
    quarter = Quarter.containing(last_month_day())
    figures = board_report_figures(quarter)
    section = next(s for s in figures["sections"] if s["key"] == "sessions_payments")
    keys = {f["key"] for f in section["figures"]}
    assert {"sessions_held", "paid_to_partners", "expenses_paid"} <= keys
    headline = next(s for s in figures["sections"] if s["key"] == "headline")
    assert any(f["key"] == "paid_to_partners" for f in headline["figures"])


def test_the_person_page_shows_the_running_total_for_the_tax_year(partner, ppi_user, ppi_client):
    start, _ = rules.tax_year(timezone.localdate())
    record(partner, ppi_user, held_on=max(last_month_day(5), start))
    before_year = start - datetime.timedelta(days=10)
    if before_year >= partner.patient_partner.started_on:
        record(partner, ppi_user, held_on=before_year)
    page = ppi_client.get(reverse("people_bank:person_detail", args=[partner.pk])).content.decode()
    assert "Taxable payments this tax year" in page
    assert "£20.00" in page
    assert f"{start:%-d %B %Y}" in page
    assert "does not give tax or benefits advice" in page


def test_the_person_summary_counts_only_taxable_entries_in_the_tax_year(partner, ppi_user):
    today = timezone.localdate()
    start, _ = rules.tax_year(today)
    record(partner, ppi_user, held_on=today)
    record(partner, ppi_user, held_on=start - datetime.timedelta(days=1))
    summary = selectors.person_summary(partner, today)
    assert summary.tax_year_total == Decimal("20.00")


def test_payments_pages_are_closed_to_qi_leads_and_board_members(partner, qi_client, board_client):
    for url in (
        reverse("people_bank:payments:index"),
        reverse("people_bank:payments:person", args=[partner.pk]),
        reverse("people_bank:payments:statement", args=[partner.pk]),
        reverse("people_bank:payments:export_list"),
    ):
        assert qi_client.get(url).status_code == 403
        assert board_client.get(url).status_code == 403


def test_viewing_a_persons_payments_is_audited(partner, ppi_client):
    from ppe.models import AuditEvent

    ppi_client.get(reverse("people_bank:payments:person", args=[partner.pk]))
    assert AuditEvent.objects.filter(action="view", subject_id=str(partner.pk), detail="payments").exists()


def test_a_partner_who_is_not_yet_paid_anything_has_no_money_shown_as_missing():
    person = PatientPartnerFactory().person
    summary = selectors.person_summary(person)
    assert summary.tax_year_total == Decimal("0.00") and summary.month_paid_sessions == 0


def test_a_subject_access_export_includes_their_sessions_and_payments(partner, ppi_user, ppi_client):
    record(partner, ppi_user)
    data = ppi_client.get(reverse("people_bank:subject_access_json", args=[partner.pk])).json()
    assert data["sessions"][0]["amount"] == "20.00"
    assert data["payments"][0]["amount"] == "20.00"
    assert "expense_claims" not in data
