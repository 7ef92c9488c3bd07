"""Recording sessions: the cap, dated rates, choices about payment, bulk entry, bad input."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from people_bank.payments import services
from people_bank.payments.models import LedgerEntry, PaymentChoice, Session, SessionalRate
from ppe.models import AuditEvent
from tests.factories import PatientPartnerFactory, PersonFactory
from tests.payments.conftest import last_month_day, record

pytestmark = pytest.mark.django_db


def test_seventh_session_in_a_month_is_recorded_but_not_paid(partner, ppi_user):
    sessions = [record(partner, ppi_user, held_on=last_month_day(d)) for d in range(1, 8)]
    assert [s.payable for s in sessions] == [True] * 6 + [False]
    assert sessions[6].amount == Decimal("0.00")
    assert Session.objects.filter(person=partner).count() == 7
    assert LedgerEntry.objects.filter(person=partner).count() == 6
    # The next month starts again.
    next_month = last_month_day(1).replace(day=28) + datetime.timedelta(days=4)
    if next_month <= timezone.localdate():
        assert record(partner, ppi_user, held_on=next_month).payable


def test_the_page_says_when_a_session_is_over_the_cap(partner, ppi_user, ppi_client):
    for day in range(1, 7):
        record(partner, ppi_user, held_on=last_month_day(day))
    held_on = last_month_day(20)
    response = ppi_client.post(
        reverse("people_bank:payments:session_bulk"), _bulk(held_on, [partner]), follow=True
    )
    page = response.content.decode()
    assert "recorded but not payable" in page
    assert "1 session recorded, 0 paid" in page
    seventh = Session.objects.get(person=partner, held_on=held_on)
    detail = ppi_client.get(
        reverse("people_bank:payments:session_detail", args=[seventh.pk])
    ).content.decode()
    assert "Not payable" in detail


def _bulk(held_on, people, **extra):
    return {
        "held_on_0": held_on.day,
        "held_on_1": held_on.month,
        "held_on_2": held_on.year,
        "people": [p.pk for p in people],
        "minutes": 120,
        "kind": "board",
        "description": "Quality committee",
        **extra,
    }


def test_one_meeting_is_recorded_for_several_partners_at_once(ppi_client, ppi_user):
    people = [
        PatientPartnerFactory(started_on=timezone.localdate() - datetime.timedelta(days=400)).person
        for _ in range(3)
    ]
    response = ppi_client.post(reverse("people_bank:payments:session_bulk"), _bulk(last_month_day(), people))
    assert response.status_code == 302
    assert Session.objects.filter(kind="board").count() == 3
    assert LedgerEntry.objects.filter(amount=Decimal("20.00")).count() == 3
    assert AuditEvent.objects.filter(subject_type="people_bank.session", action="create").count() == 3


def test_a_new_rate_never_rewrites_last_years_sessions(partner, ppi_user):
    earlier = record(partner, ppi_user, held_on=last_month_day(3))
    SessionalRate.objects.create(effective_from=last_month_day(15), amount=Decimal("25.00"), monthly_cap=6)
    later = record(partner, ppi_user, held_on=last_month_day(16))
    earlier.refresh_from_db()
    assert earlier.amount == Decimal("20.00")
    assert later.amount == Decimal("25.00")


def test_a_lower_cap_from_a_date_applies_to_sessions_from_then(partner, ppi_user):
    SessionalRate.objects.create(effective_from=last_month_day(1), amount=Decimal("20.00"), monthly_cap=2)
    paid = [record(partner, ppi_user, held_on=last_month_day(d)).payable for d in (2, 3, 4)]
    assert paid == [True, True, False]


def test_a_partner_who_declines_payment_has_sessions_recorded_and_nothing_to_pay(partner, ppi_user):
    services.payment_choice_record(
        person=partner, method="declined", effective_from=last_month_day(1), by=ppi_user
    )
    session = record(partner, ppi_user)
    assert session.amount == 0 and session.method == "declined"
    assert not LedgerEntry.objects.exists()


def test_vouchers_are_paid_and_marked_as_vouchers(partner, ppi_user):
    services.payment_choice_record(
        person=partner, method="vouchers", effective_from=last_month_day(1), by=ppi_user
    )
    entry = LedgerEntry.objects.get(session=record(partner, ppi_user))
    assert entry.method == "vouchers" and entry.taxable


def test_payment_choice_page_records_the_choice_with_its_date(partner, ppi_client):
    day = last_month_day(2)
    response = ppi_client.post(
        reverse("people_bank:payments:payment_choice", args=[partner.pk]),
        {
            "method": "other",
            "effective_from_0": day.day,
            "effective_from_1": day.month,
            "effective_from_2": day.year,
            "note": "Donates it",
        },
    )
    assert response.status_code == 302
    choice = PaymentChoice.objects.get(person=partner)
    assert (choice.method, choice.effective_from) == ("other", day)


# --- Bad input ------------------------------------------------------------------------------


def _refused(ppi_client, data, message):
    before = Session.objects.count(), LedgerEntry.objects.count()
    response = ppi_client.post(reverse("people_bank:payments:session_bulk"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (Session.objects.count(), LedgerEntry.objects.count()) == before


def test_a_session_in_the_future_is_refused(partner, ppi_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    _refused(ppi_client, _bulk(tomorrow, [partner]), "must be today or in the past")


def test_zero_or_negative_lengths_are_refused(partner, ppi_client):
    _refused(ppi_client, _bulk(last_month_day(), [partner], minutes=0), "Ensure this value is greater than")
    _refused(ppi_client, _bulk(last_month_day(), [partner], minutes=-30), "Ensure this value is greater than")


def test_a_session_for_someone_who_is_not_a_patient_partner_is_refused(ppi_client, ppi_user):
    improver = PersonFactory()
    _refused(ppi_client, _bulk(last_month_day(), [improver]), "Select a valid choice")
    with pytest.raises(services.PaymentsError, match="not a Patient Partner"):
        record(improver, ppi_user)


def test_a_session_after_the_tenure_ended_is_refused_and_the_whole_meeting_with_it(partner, ppi_client):
    today = timezone.localdate()
    ended = PatientPartnerFactory(
        started_on=today - datetime.timedelta(days=1200), tenure_ends_on=today - datetime.timedelta(days=60)
    ).person
    _refused(
        ppi_client,
        _bulk(today - datetime.timedelta(days=30), [partner, ended]),
        "tenure as a Patient Partner ended",
    )


def test_an_unknown_request_number_is_refused(partner, ppi_client):
    _refused(
        ppi_client,
        _bulk(last_month_day(), [partner], involvement_request=999999),
        "no Patient Involvement Request",
    )


def test_a_session_is_linked_to_its_request(partner, ppi_client):
    from tests.factories import InvolvementRequestFactory

    request = InvolvementRequestFactory(complete=True)
    ppi_client.post(
        reverse("people_bank:payments:session_bulk"),
        _bulk(last_month_day(), [partner], involvement_request=request.pk),
    )
    assert Session.objects.get(person=partner).involvement_request == request


# --- Changing and cancelling ----------------------------------------------------------------


def test_cancelling_a_session_reverses_its_payment_and_keeps_both_entries(partner, ppi_user, ppi_client):
    session = record(partner, ppi_user)
    response = ppi_client.post(
        reverse("people_bank:payments:session_cancel", args=[session.pk]), {"cancel-reason": "Recorded twice"}
    )
    assert response.status_code == 302
    amounts = sorted(LedgerEntry.objects.filter(session=session).values_list("amount", flat=True))
    assert amounts == [Decimal("-20.00"), Decimal("20.00")]
    page = ppi_client.get(reverse("people_bank:payments:session_detail", args=[session.pk])).content.decode()
    assert "Correction: session on" in page and "£-20.00" in page and "£20.00" in page


def test_cancelling_without_a_reason_changes_nothing(partner, ppi_user, ppi_client):
    session = record(partner, ppi_user)
    ppi_client.post(reverse("people_bank:payments:session_cancel", args=[session.pk]), {"cancel-reason": ""})
    session.refresh_from_db()
    assert not session.is_cancelled and LedgerEntry.objects.count() == 1


def test_a_session_in_an_exported_month_cannot_be_edited(partner, ppi_user, ppi_client):
    session = record(partner, ppi_user)
    services.month_export(period=session.held_on, by=ppi_user)
    url = reverse("people_bank:payments:session_detail", args=[session.pk])
    response = ppi_client.post(url, {"edit-minutes": 30, "edit-kind": "event"})
    assert response.status_code == 400
    assert "has been sent, so this session can no longer be changed" in response.content.decode()
    session.refresh_from_db()
    assert (session.minutes, session.kind) == (90, "project_group")


def test_a_session_in_an_open_month_can_be_edited(partner, ppi_user, ppi_client):
    session = record(partner, ppi_user)
    url = reverse("people_bank:payments:session_detail", args=[session.pk])
    assert ppi_client.post(url, {"edit-minutes": 30, "edit-kind": "event"}).status_code == 302
    session.refresh_from_db()
    assert (session.minutes, session.kind) == (30, "event")


def test_an_unknown_activity_number_is_refused(partner, ppi_client):
    _refused(ppi_client, _bulk(last_month_day(), [partner], activity=999999), "no Engagement activity")


def test_a_session_is_linked_to_its_activity_and_the_page_names_it(partner, ppi_client):
    from tests.factories import ActivityFactory, default_ladder

    default_ladder()
    activity = ActivityFactory(title="Discharge focus group")
    ppi_client.post(
        reverse("people_bank:payments:session_bulk"), _bulk(last_month_day(), [partner], activity=activity.pk)
    )
    session = Session.objects.get(person=partner)
    assert session.activity == activity
    page = ppi_client.get(reverse("people_bank:payments:session_detail", args=[session.pk])).content.decode()
    assert f"{activity.pk}: Discharge focus group" in page


def test_the_payments_home_shows_a_new_rate_as_soon_as_it_is_added(ppi_client):
    home = reverse("people_bank:payments:index")
    assert "£20.00 a session, for at most 6 sessions" in ppi_client.get(home).content.decode()
    SessionalRate.objects.create(effective_from=timezone.localdate(), amount=Decimal("22.50"), monthly_cap=5)
    assert "£22.50 a session, for at most 5 sessions" in ppi_client.get(home).content.decode()


def test_the_tables_show_each_sessions_payment_and_escape_what_was_typed(partner, ppi_user, ppi_client):
    partner.preferred_name = "<b>Sam</b>"
    partner.save()
    paid = record(partner, ppi_user, held_on=last_month_day(2))
    services.payment_choice_record(
        person=partner, method="vouchers", effective_from=last_month_day(3), by=ppi_user
    )
    record(partner, ppi_user, held_on=last_month_day(4))
    cancelled = record(partner, ppi_user, held_on=last_month_day(5))
    services.session_cancel(session=cancelled, reason="Did not attend", by=ppi_user)
    line = {"kind": "other", "incurred_on": last_month_day(3), "description": "", "miles": None, "amount": 4}
    services.claim_create(person=partner, description="Bus & <i>train</i>", line=line, by=ppi_user)
    page = ppi_client.get(reverse("people_bank:payments:person", args=[partner.pk])).content.decode()
    assert f'<a href="/payments/sessions/{paid.pk}/">{paid.held_on.day} ' in page
    assert "£20.00</td>" in page and "£20.00 (vouchers)</td>" in page
    assert '<strong class="nhsuk-tag nhsuk-tag--grey">Cancelled</strong>' in page
    assert "Bus &amp; &lt;i&gt;train&lt;/i&gt;</a>" in page and "£4.00</td>" in page
    home = ppi_client.get(reverse("people_bank:payments:index")).content.decode()
    assert "&lt;b&gt;Sam&lt;/b&gt;" in home and "<b>Sam</b>" not in home


def test_the_choices_about_payment_show_who_recorded_them_and_escape_the_note(partner, ppi_user, ppi_client):
    day = last_month_day(3)
    services.payment_choice_record(
        person=partner, method="vouchers", effective_from=day, note="<b>Asda</b> & Tesco", by=ppi_user
    )
    page = ppi_client.get(reverse("people_bank:payments:person", args=[partner.pk])).content.decode()
    who = ppi_user.get_full_name() or ppi_user.username
    recorded = timezone.localdate()
    assert (
        f'<td class="nhsuk-table__cell">{day.day} {day:%b %Y}</td>'
        '<td class="nhsuk-table__cell">Vouchers: &lt;b&gt;Asda&lt;/b&gt; &amp; Tesco</td>'
        f'<td class="nhsuk-table__cell">{recorded.day} {recorded:%b %Y} by {who}</td>'
    ) in page


def test_the_payments_home_adds_a_session_to_the_months_total_at_once(partner, ppi_user, ppi_client):
    home = reverse("people_bank:payments:index")
    total = 'Session payments</dt><dd class="nhsuk-summary-list__value">£{}</dd>'
    assert total.format("0.00") in ppi_client.get(home).content.decode()
    record(partner, ppi_user, held_on=timezone.localdate())
    assert total.format("20.00") in ppi_client.get(home).content.decode()
