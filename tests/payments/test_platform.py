"""Payments in the shared pieces: the header link and the retention rule."""

import datetime
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from people_bank.payments import services
from people_bank.payments.models import ExpenseClaim, Receipt
from ppe import retention
from ppe.navigation import items_for
from tests.payments.conftest import PDF, last_month_day

pytestmark = pytest.mark.django_db


def test_only_the_ppi_team_sees_the_payments_link(ppi_user, qi_user, board_user):
    url = reverse("people_bank:payments:index")
    assert any(item["url"] == url for item in items_for(ppi_user))
    assert not any(item["url"] == url for item in items_for(qi_user))
    assert not any(item["url"] == url for item in items_for(board_user))


def test_receipt_files_go_after_their_retention_period_and_the_claim_stays(partner, ppi_user, settings):
    line = {
        "kind": "parking",
        "incurred_on": last_month_day(),
        "description": "",
        "miles": None,
        "amount": "4.00",
    }
    claim = services.claim_create(
        person=partner,
        description="Parking",
        line=line,
        receipts=[SimpleUploadedFile("r.pdf", PDF)],
        by=ppi_user,
    )
    receipt = claim.receipts.get()
    path = receipt.file.path
    days = settings.RETENTION_DAYS["payment_receipts"]
    assert days >= 6 * 365

    not_yet = retention.apply_all(now=timezone.now() + datetime.timedelta(days=days - 1))
    assert not_yet["expense receipts"] == 0
    later = retention.apply_all(now=timezone.now() + datetime.timedelta(days=days + 1))
    assert later["expense receipts"] == 1
    assert not Receipt.objects.exists()
    assert ExpenseClaim.objects.filter(pk=claim.pk).exists()
    assert not os.path.exists(path)
