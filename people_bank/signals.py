"""Forget the cached whole-bank equality counts whenever an equality record changes, and
what payments keeps (ppe.counts) whenever a ledger entry, a person, an export or a rate
does, and the representation page's tables whenever an answer or a reference share does."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from people_bank.models import EqualityMonitoring, Person, ReferencePopulation
from people_bank.payments.models import FinanceExport, LedgerEntry, MileageRate, SessionalRate
from people_bank.selectors import WHOLE_BANK_COUNTS
from ppe import counts
from ppe.cache import forget_now_and_on_commit


def _forget(**kwargs) -> None:
    forget_now_and_on_commit(lambda: cache.delete(WHOLE_BANK_COUNTS))


def connect() -> None:
    post_save.connect(_forget, sender=EqualityMonitoring, dispatch_uid="people_bank.equality_saved")
    post_delete.connect(_forget, sender=EqualityMonitoring, dispatch_uid="people_bank.equality_deleted")
    # A month's totals, its payees in name order and whether it is exported
    # (people_bank.payments.selectors); the rates on a day.
    counts.watch(LedgerEntry, Person, FinanceExport, SessionalRate, MileageRate)
    # The representation page's tables (people_bank.views).
    counts.watch(EqualityMonitoring, ReferencePopulation)
