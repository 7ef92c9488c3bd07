"""Expense claims: lines, receipts, decisions, and what cannot happen twice."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from people_bank.payments import services
from people_bank.payments.models import ExpenseClaim, ExpenseLine, LedgerEntry, Receipt
from ppe.models import AuditEvent
from tests.payments.conftest import JPEG, PDF, PNG, last_month_day

pytestmark = pytest.mark.django_db


def _claim_data(day=None, **extra):
    day = day or last_month_day(12)
    return {
        "description": "Travel to the discharge project group",
        "kind": "mileage",
        "incurred_on_0": day.day,
        "incurred_on_1": day.month,
        "incurred_on_2": day.year,
        "line_description": "Home to the hospital and back",
        "miles": "22.5",
        "amount": "",
        **extra,
    }


def _claim(partner, by, **line):
    line = {
        "kind": "parking",
        "incurred_on": last_month_day(5),
        "description": "",
        "miles": None,
        "amount": Decimal("6.40"),
        **line,
    }
    return services.claim_create(person=partner, description="Parking", line=line, by=by)


def test_a_mileage_claim_is_worked_out_from_the_miles_and_the_rate_for_the_day(partner, ppi_client):
    response = ppi_client.post(reverse("people_bank:payments:claim_create", args=[partner.pk]), _claim_data())
    assert response.status_code == 302
    claim = ExpenseClaim.objects.get(person=partner)
    line = claim.lines.get()
    assert (line.miles, line.rate_per_mile, line.amount) == (
        Decimal("22.5"),
        Decimal("0.45"),
        Decimal("10.13"),
    )
    assert claim.total == Decimal("10.13") and claim.status == "submitted"


def test_a_claim_with_a_pdf_receipt_keeps_the_receipt_for_the_team(partner, ppi_client):
    upload = SimpleUploadedFile("ticket.pdf", PDF, content_type="application/pdf")
    data = _claim_data(kind="public_transport", miles="", amount="4.80", receipt=upload)
    response = ppi_client.post(reverse("people_bank:payments:claim_create", args=[partner.pk]), data)
    assert response.status_code == 302
    receipt = Receipt.objects.get()
    assert receipt.content_type == "application/pdf"
    assert "ticket" not in receipt.file.name  # our name, never theirs
    download = ppi_client.get(reverse("people_bank:payments:receipt_download", args=[receipt.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(subject_type="people_bank.receipt", action="download").exists()


@pytest.mark.parametrize("content", [PNG, JPEG])
def test_png_and_jpeg_receipts_are_accepted(partner, ppi_user, ppi_client, content):
    claim = _claim(partner, ppi_user)
    upload = SimpleUploadedFile("photo.bin", content)
    response = ppi_client.post(
        reverse("people_bank:payments:receipt_upload", args=[claim.pk]), {"receipt-receipt": upload}
    )
    assert response.status_code == 302
    assert claim.receipts.count() == 1


def test_receipts_cannot_be_fetched_by_qi_leads_or_board_members(partner, ppi_user, qi_client, board_client):
    claim = _claim(partner, ppi_user)
    receipt = services.receipt_add(claim=claim, upload=SimpleUploadedFile("r.pdf", PDF), by=ppi_user)
    url = reverse("people_bank:payments:receipt_download", args=[receipt.pk])
    assert qi_client.get(url).status_code == 403
    assert board_client.get(url).status_code == 403
    assert Client().get(url).status_code == 302


# --- Bad input ------------------------------------------------------------------------------


def _refused(ppi_client, url, data, message, status=400):
    before = ExpenseClaim.objects.count(), ExpenseLine.objects.count(), Receipt.objects.count()
    response = ppi_client.post(url, data)
    assert response.status_code == status
    assert message in response.content.decode()
    assert (ExpenseClaim.objects.count(), ExpenseLine.objects.count(), Receipt.objects.count()) == before


def test_a_receipt_that_is_not_a_pdf_jpeg_or_png_is_refused_whatever_its_name(partner, ppi_client):
    url = reverse("people_bank:payments:claim_create", args=[partner.pk])
    fake = SimpleUploadedFile("receipt.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")
    _refused(ppi_client, url, _claim_data(receipt=fake), "must be a PDF, JPEG or PNG file")


def test_a_receipt_that_is_too_large_is_refused(partner, ppi_user, ppi_client, settings):
    settings.PAYMENTS_RECEIPT_MAX_BYTES = 1024 * 1024
    claim = _claim(partner, ppi_user)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    url = reverse("people_bank:payments:receipt_upload", args=[claim.pk])
    _refused(ppi_client, url, {"receipt-receipt": big}, "must be smaller than 1 MB")


@pytest.mark.parametrize("amount", ["0", "-5.00", "0.00"])
def test_zero_or_negative_amounts_are_refused(partner, ppi_client, amount):
    url = reverse("people_bank:payments:claim_create", args=[partner.pk])
    _refused(
        ppi_client,
        url,
        _claim_data(kind="parking", miles="", amount=amount),
        "Ensure this value is greater than",
    )


def test_negative_miles_are_refused(partner, ppi_client):
    url = reverse("people_bank:payments:claim_create", args=[partner.pk])
    _refused(ppi_client, url, _claim_data(miles="-3"), "Ensure this value is greater than")


def test_an_expense_in_the_future_is_refused(partner, ppi_client):
    url = reverse("people_bank:payments:claim_create", args=[partner.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    _refused(ppi_client, url, _claim_data(day=tomorrow), "must be today or in the past")


def test_the_service_refuses_bad_amounts_too(partner, ppi_user):
    for amount in (Decimal("0"), Decimal("-1")):
        with pytest.raises(services.PaymentsError, match="more than £0"):
            _claim(partner, ppi_user, amount=amount)
    assert not ExpenseClaim.objects.exists()


# --- Decisions ------------------------------------------------------------------------------


def test_approve_then_pay(partner, ppi_user, colleague, ppi_client):
    claim = _claim(partner, colleague)
    assert ppi_client.post(reverse("people_bank:payments:claim_approve", args=[claim.pk])).status_code == 302
    claim.refresh_from_db()
    assert claim.status == "approved" and claim.decided_by == ppi_user
    entry = LedgerEntry.objects.get(claim=claim)
    assert (entry.amount, entry.kind, entry.taxable) == (Decimal("6.40"), "expense", False)
    today = timezone.localdate()
    data = {"paid-paid_on_0": today.day, "paid-paid_on_1": today.month, "paid-paid_on_2": today.year}
    assert (
        ppi_client.post(reverse("people_bank:payments:claim_paid", args=[claim.pk]), data).status_code == 302
    )
    claim.refresh_from_db()
    assert claim.status == "paid" and claim.paid_on == today


def test_a_claim_cannot_be_approved_twice(partner, ppi_user, colleague, ppi_client):
    claim = _claim(partner, colleague)
    ppi_client.post(reverse("people_bank:payments:claim_approve", args=[claim.pk]))
    response = ppi_client.post(reverse("people_bank:payments:claim_approve", args=[claim.pk]), follow=True)
    assert "already been approved" in response.content.decode()
    assert LedgerEntry.objects.filter(claim=claim).count() == 1


def test_the_recorder_may_not_approve_their_own_claim_when_the_trust_says_so(
    partner, ppi_user, ppi_client, settings
):
    settings.PAYMENTS_FORBID_SELF_APPROVAL = True
    claim = _claim(partner, ppi_user)
    response = ppi_client.post(reverse("people_bank:payments:claim_approve", args=[claim.pk]), follow=True)
    assert "someone else in the team must approve it" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "submitted" and not LedgerEntry.objects.exists()


def test_the_recorder_may_approve_their_own_claim_when_the_trust_allows_it(partner, ppi_user, settings):
    settings.PAYMENTS_FORBID_SELF_APPROVAL = False
    claim = services.claim_approve(claim=_claim(partner, ppi_user), by=ppi_user)
    assert claim.status == "approved"


def test_rejecting_needs_a_reason(partner, colleague, ppi_client):
    claim = _claim(partner, colleague)
    url = reverse("people_bank:payments:claim_reject", args=[claim.pk])
    response = ppi_client.post(url, {"reject-reason": ""})
    assert response.status_code == 400 and "Enter the reason for rejecting" in response.content.decode()
    assert ppi_client.post(url, {"reject-reason": "No receipt for parking"}).status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.reason) == ("rejected", "No receipt for parking")
    assert not LedgerEntry.objects.exists()


def test_lines_added_later_count_in_the_total(partner, ppi_user, ppi_client):
    claim = _claim(partner, ppi_user)
    day = last_month_day(6)
    response = ppi_client.post(
        reverse("people_bank:payments:claim_line_add", args=[claim.pk]),
        {
            "line-kind": "care",
            "line-incurred_on_0": day.day,
            "line-incurred_on_1": day.month,
            "line-incurred_on_2": day.year,
            "line-amount": "30.00",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.total == Decimal("36.40")


def test_a_claim_edited_after_its_month_was_exported_is_refused(partner, ppi_user, colleague, ppi_client):
    claim = services.claim_approve(claim=_claim(partner, colleague), by=ppi_user)
    services.month_export(period=timezone.localdate(), by=ppi_user)
    day = last_month_day(6)
    url = reverse("people_bank:payments:claim_line_add", args=[claim.pk])
    response = ppi_client.post(
        url,
        {
            "line-kind": "parking",
            "line-incurred_on_0": day.day,
            "line-incurred_on_1": day.month,
            "line-incurred_on_2": day.year,
            "line-amount": "3.00",
        },
    )
    assert response.status_code == 400
    assert "has been sent, so this claim can no longer be changed" in response.content.decode()
    claim.refresh_from_db()
    assert claim.total == Decimal("6.40") and claim.lines.count() == 1


def test_reversing_an_exported_claim_is_a_new_entry_in_the_next_month(
    partner, ppi_user, colleague, ppi_client
):
    claim = services.claim_approve(claim=_claim(partner, colleague), by=ppi_user)
    this_month = timezone.localdate().replace(day=1)
    services.month_export(period=this_month, by=ppi_user)
    response = ppi_client.post(
        reverse("people_bank:payments:claim_reverse", args=[claim.pk]), {"reverse-reason": "Paid twice"}
    )
    assert response.status_code == 302
    original, correction = LedgerEntry.objects.filter(claim=claim).order_by("id")
    assert original.period == this_month and original.amount == Decimal("6.40")
    assert correction.period > this_month and correction.amount == Decimal("-6.40")
    assert correction.reverses == original
    page = ppi_client.get(reverse("people_bank:payments:claim_detail", args=[claim.pk])).content.decode()
    assert "£6.40" in page and "£-6.40" in page
