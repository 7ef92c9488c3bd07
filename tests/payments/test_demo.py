import random

import pytest
from django.db.models import Count
from django.db.models.functions import TruncMonth

from people_bank import demo as people_demo
from people_bank.payments.models import ExpenseClaim, FinanceExport, LedgerEntry, Session
from ppe.demo import create_demo_users

pytestmark = pytest.mark.django_db


def test_demo_payments_keep_the_cap_and_the_ledger_adds_up():
    create_demo_users()
    people_demo.seed(
        rng=random.Random(3),
        sizes={"people": 400, "organisations": 5, "conversations": 20, "sessions": 600, "claims": 150},
        log=lambda line: None,
    )
    assert Session.objects.count() == 600
    assert ExpenseClaim.objects.count() == 150
    assert set(ExpenseClaim.objects.values_list("status", flat=True)) >= {"submitted", "paid", "rejected"}
    busiest = (
        Session.objects.filter(amount__gt=0)
        .annotate(month=TruncMonth("held_on"))
        .values("person_id", "month")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest["n"] <= 6
    assert Session.objects.filter(within_cap=False).exists()
    assert LedgerEntry.objects.filter(kind="session").count() == Session.objects.filter(amount__gt=0).count()
    assert FinanceExport.objects.exists()
    for export in FinanceExport.objects.all()[:3]:
        assert export.csv.splitlines()[-1].endswith(f"{export.total:.2f}")
