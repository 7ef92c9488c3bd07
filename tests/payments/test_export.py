"""The finance export: its shape, formula-proof cells, the month lock and corrections."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from people_bank.payments import services
from people_bank.payments.models import FinanceExport, LedgerEntry
from people_bank.payments.selectors import EXPORT_COLUMNS
from ppe.models import AuditEvent
from tests.factories import PatientPartnerFactory, PersonFactory
from tests.payments.conftest import last_month_day, record

pytestmark = pytest.mark.django_db


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _export(ppi_client, period):
    return ppi_client.post(reverse("people_bank:payments:export_list"), {"month": f"{period:%Y-%m}"})


def test_the_export_has_one_row_per_payment_and_a_totals_row(partner, ppi_user, colleague, ppi_client):
    record(partner, ppi_user, held_on=last_month_day(3))
    record(partner, ppi_user, held_on=last_month_day(4))
    period = last_month_day(1)
    response = _export(ppi_client, period)
    assert response.status_code == 302
    download = ppi_client.get(reverse("people_bank:payments:export_download", args=[f"{period:%Y-%m}"]))
    assert download["Content-Type"].startswith("text/csv")
    rows = _rows(download.content.decode())
    assert rows[0] == EXPORT_COLUMNS
    assert len(rows) == 4
    assert rows[1][0] == f"PPI-{partner.pk:06d}" and rows[1][2] == "Session" and rows[1][6] == "20.00"
    assert rows[-1] == ["Total", "", "", "", "2 payments", "", "40.00"]
    assert AuditEvent.objects.filter(action="export", subject_type="people_bank.financeexport").exists()
    assert AuditEvent.objects.filter(action="download", subject_type="people_bank.financeexport").exists()


def test_cells_that_a_spreadsheet_would_run_are_neutralised(ppi_user, ppi_client):
    person = PersonFactory(first_name='=HYPERLINK("http://evil")', last_name="@SUM(1)")
    PatientPartnerFactory(
        person=person, started_on=last_month_day(1).replace(year=last_month_day(1).year - 1)
    )
    session = record(person, ppi_user, description="x")
    LedgerEntry.objects.filter(session=session).update(description="+cmd|' /C calc'!A0")
    services.month_export(period=session.held_on, by=ppi_user)
    rows = _rows(FinanceExport.objects.get().csv)
    name, description = rows[1][1], rows[1][4]
    assert name.startswith("'=") and description.startswith("'+")
    for row in rows[1:]:
        for cell in row[:6]:
            assert not cell.startswith(("=", "+", "-", "@")), cell


def test_exporting_locks_the_month_and_a_later_session_goes_into_the_next(partner, ppi_user):
    record(partner, ppi_user, held_on=last_month_day(3))
    period = last_month_day(1)
    services.month_export(period=period, by=ppi_user)
    late = record(partner, ppi_user, held_on=last_month_day(20))
    entry = LedgerEntry.objects.get(session=late)
    assert entry.period == timezone.localdate().replace(day=1)
    assert entry.occurred_on == late.held_on
    # The exported file is not changed by it.
    assert len(_rows(FinanceExport.objects.get(period=period).csv)) == 3


def test_a_month_cannot_be_exported_twice(partner, ppi_user, ppi_client):
    period = last_month_day(1)
    services.month_export(period=period, by=ppi_user)
    with pytest.raises(services.PaymentsError, match="already been exported"):
        services.month_export(period=period, by=ppi_user)
    response = _export(ppi_client, period)
    assert response.status_code == 400
    assert FinanceExport.objects.count() == 1


def test_a_future_month_cannot_be_exported(ppi_user):
    future = timezone.localdate().replace(day=28) + timezone.timedelta(days=10)
    with pytest.raises(services.PaymentsError):
        services.month_export(period=future, by=ppi_user)


def test_a_correction_after_export_shows_in_both_months_history(partner, ppi_user, ppi_client):
    session = record(partner, ppi_user, held_on=last_month_day(3))
    period = last_month_day(1)
    services.month_export(period=period, by=ppi_user)
    services.session_cancel(session=session, reason="Did not attend", by=ppi_user)
    this_month = timezone.localdate().replace(day=1)
    old = ppi_client.get(reverse("people_bank:payments:month", args=[f"{period:%Y-%m}"])).content.decode()
    new = ppi_client.get(reverse("people_bank:payments:month", args=[f"{this_month:%Y-%m}"])).content.decode()
    assert "£20.00" in old and "Exported on" in old
    assert "£-20.00" in new and "corrects an entry paid in" in new
    # The original entry is untouched.
    assert LedgerEntry.objects.get(session=session, reverses__isnull=True).amount == Decimal("20.00")


def test_an_unknown_month_is_not_found(ppi_client):
    assert ppi_client.get(reverse("people_bank:payments:month", args=["nonsense"])).status_code == 404
    assert (
        ppi_client.get(reverse("people_bank:payments:export_download", args=["2020-01"])).status_code == 404
    )


def test_the_months_page_lists_an_export_with_who_sent_it_and_its_file(partner, ppi_user, ppi_client):
    record(partner, ppi_user, held_on=last_month_day(3))
    period = last_month_day(1)
    _export(ppi_client, period)
    export = FinanceExport.objects.get(period=period)
    page = ppi_client.get(reverse("people_bank:payments:export_list")).content.decode()
    sent = timezone.localtime(export.exported_at)
    name = ppi_user.get_full_name() or ppi_user.username
    assert f'<a href="/payments/months/{period:%Y-%m}/">{period:%B %Y}</a>' in page
    assert f"{sent.day} {sent:%b %Y %H:%M} by {name}</td>" in page
    assert "£20.00</td>" in page
    assert f'<a href="/payments/months/{period:%Y-%m}/export.csv">Download CSV' in page


def test_the_payments_home_says_the_month_is_locked_as_soon_as_it_is_exported(ppi_user, ppi_client):
    home = reverse("people_bank:payments:index")
    assert "Not yet sent" in ppi_client.get(home).content.decode()
    services.month_export(period=timezone.localdate().replace(day=1), by=ppi_user)
    assert "Sent: the month is locked" in ppi_client.get(home).content.decode()


def test_a_months_page_says_who_exported_it_and_only_that_month_is_locked(partner, ppi_user, ppi_client):
    ppi_user.first_name, ppi_user.last_name = "Pat", "O'Hara"
    ppi_user.save()
    period = last_month_day(1)
    this_month = timezone.localdate().replace(day=1)
    month_url = reverse("people_bank:payments:month", args=[f"{period:%Y-%m}"])
    assert "Not exported yet" in ppi_client.get(month_url).content.decode()
    services.month_export(period=period, by=ppi_user)
    old = ppi_client.get(month_url).content.decode()
    new = ppi_client.get(reverse("people_bank:payments:month", args=[f"{this_month:%Y-%m}"])).content.decode()
    assert "by Pat O&#x27;Hara, and locked" in old
    assert "Not exported yet" in new and "Exported on" not in new
