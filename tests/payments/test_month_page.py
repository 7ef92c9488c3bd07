"""A month's page keeps its totals and its payees' order between visits: a change to the
ledger or to a payee's name shows at once, and its pages follow on from each other."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from people_bank.payments import views
from tests.factories import PatientPartnerFactory
from tests.payments.conftest import last_month_day, record

pytestmark = pytest.mark.django_db

# A row of the month's table: the payee and the date.
ROW = re.compile(
    r'<tr class="nhsuk-table__row"><td class="nhsuk-table__cell"><a href="[^"]+">([^<]+)</a></td>'
    r'<td class="nhsuk-table__cell">([^<]+)</td>'
)


def _partner(last_name: str):
    started = timezone.localdate() - datetime.timedelta(days=730)
    partner = PatientPartnerFactory(started_on=started, person__first_name="Sam", person__last_name=last_name)
    return partner.person


def _month(client, page: int = 1) -> str:
    url = reverse("people_bank:payments:month", args=[f"{last_month_day():%Y-%m}"])
    response = client.get(url, {"page": page})
    assert response.status_code == 200
    return response.content.decode()


def _rows(page: str) -> list[tuple[str, str]]:
    return ROW.findall(page)


def test_a_session_recorded_after_a_visit_shows_in_the_month_at_once(ppi_user, ppi_client):
    record(_partner("Adams"), ppi_user, held_on=last_month_day(3))
    before = _month(ppi_client)
    assert "£20.00" in before and "Sam Baker" not in before
    record(_partner("Baker"), ppi_user, held_on=last_month_day(4))
    after = _month(ppi_client)
    assert [name for name, _ in _rows(after)] == ["Sam Adams", "Sam Baker"]
    assert "£40.00" in after


def test_renaming_a_payee_moves_them_in_the_month_at_once(ppi_user, ppi_client, monkeypatch):
    monkeypatch.setattr(views, "MONTH_PAGE_SIZE", 1)
    record(_partner("Adams"), ppi_user, held_on=last_month_day(3))
    baker = _partner("Baker")
    record(baker, ppi_user, held_on=last_month_day(4))
    assert [name for name, _ in _rows(_month(ppi_client))] == ["Sam Adams"]
    baker.last_name = "Aaron"
    baker.save()
    assert [name for name, _ in _rows(_month(ppi_client))] == ["Sam Aaron"]
    assert [name for name, _ in _rows(_month(ppi_client, 2))] == ["Sam Adams"]


def test_the_months_pages_follow_on_from_each_other(ppi_user, ppi_client, monkeypatch):
    monkeypatch.setattr(views, "MONTH_PAGE_SIZE", 2)
    for name, days in (("Clark", [5, 6]), ("Adams", [3, 4]), ("Baker", [7])):
        partner = _partner(name)
        for day in days:
            record(partner, ppi_user, held_on=last_month_day(day))
    month = last_month_day()
    pages = [_rows(_month(ppi_client, number)) for number in (1, 2, 3)]
    assert pages == [
        [("Sam Adams", f"3 {month:%b %Y}"), ("Sam Adams", f"4 {month:%b %Y}")],
        [("Sam Baker", f"7 {month:%b %Y}"), ("Sam Clark", f"5 {month:%b %Y}")],
        [("Sam Clark", f"6 {month:%b %Y}")],
    ]
    assert _rows(_month(ppi_client, 4)) == []


def test_the_months_rows_escape_names_and_say_which_month_a_correction_is_for(ppi_user, ppi_client):
    from people_bank.payments import services

    payee = _partner("<i>Adams</i>")
    session = record(payee, ppi_user, held_on=last_month_day(3))
    services.session_cancel(session=session, reason="Did not attend", by=ppi_user)
    page = _month(ppi_client)
    assert "Sam &lt;i&gt;Adams&lt;/i&gt;</a>" in page and "<i>Adams</i>" not in page
    assert f"(corrects an entry paid in {last_month_day():%B %Y})</td>" in page
    assert "£20.00</td>" in page and "£-20.00</td>" in page
