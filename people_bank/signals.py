"""Forget the cached whole-bank equality counts whenever an equality record changes."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from people_bank.models import EqualityMonitoring
from people_bank.selectors import WHOLE_BANK_COUNTS
from ppe.cache import forget_now_and_on_commit


def _forget(**kwargs) -> None:
    forget_now_and_on_commit(lambda: cache.delete(WHOLE_BANK_COUNTS))


def connect() -> None:
    post_save.connect(_forget, sender=EqualityMonitoring, dispatch_uid="people_bank.equality_saved")
    post_delete.connect(_forget, sender=EqualityMonitoring, dispatch_uid="people_bank.equality_deleted")
