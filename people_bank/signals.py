"""Forget the cached whole-bank equality counts whenever an equality record changes."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from people_bank.models import EqualityMonitoring
from people_bank.selectors import WHOLE_BANK_COUNTS


def _forget(**kwargs) -> None:
    cache.delete(WHOLE_BANK_COUNTS)
    # And again once the change is committed, so a reader between the two cannot keep
    # counts from before it.
    transaction.on_commit(lambda: cache.delete(WHOLE_BANK_COUNTS))


def connect() -> None:
    post_save.connect(_forget, sender=EqualityMonitoring, dispatch_uid="people_bank.equality_saved")
    post_delete.connect(_forget, sender=EqualityMonitoring, dispatch_uid="people_bank.equality_deleted")
