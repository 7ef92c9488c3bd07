"""Keep personal data no longer than needed.

Each app registers what it removes or anonymises, and after how long (a key of
settings.RETENTION_DAYS), from its AppConfig.ready(). A daily task applies them all.
Rules keep aggregate counts intact: they anonymise rows that figures count, and delete
only what no figure reads."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class RetentionRule:
    name: str
    setting: str  # key of settings.RETENTION_DAYS
    apply: Callable[[datetime.datetime], int]  # given the cut-off, returns rows affected
    description: str = ""

    @property
    def days(self) -> int:
        return int(settings.RETENTION_DAYS[self.setting])


_RULES: list[RetentionRule] = []


def register(rule: RetentionRule) -> None:
    if rule.setting not in settings.RETENTION_DAYS:
        raise KeyError(f"Add {rule.setting!r} to settings.RETENTION_DAYS")
    if all(existing.name != rule.name for existing in _RULES):
        _RULES.append(rule)


def rules() -> list[RetentionRule]:
    return list(_RULES)


def apply_all(now: datetime.datetime | None = None) -> dict[str, int]:
    """Apply every rule as of `now` (tests move the clock forward by passing it)."""
    now = now or timezone.now()
    return {rule.name: rule.apply(now - datetime.timedelta(days=rule.days)) for rule in _RULES}


def _delete_old_sign_in_records(cutoff: datetime.datetime) -> int:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    removed = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        removed += model.objects.filter(attempt_time__lt=cutoff).delete()[0]
    return removed


def _delete_expired_sessions(cutoff: datetime.datetime) -> int:
    from django.contrib.sessions.models import Session

    return Session.objects.filter(expire_date__lt=cutoff).delete()[0]


def _delete_old_submission_keys(cutoff: datetime.datetime) -> int:
    from ppe.models import FormSubmission

    return FormSubmission.objects.filter(created_at__lt=cutoff).delete()[0]


def register_platform_rules() -> None:
    register(
        RetentionRule(
            "sign-in records",
            "sign_in_records",
            _delete_old_sign_in_records,
            "Failed and successful sign-in records kept for lockout and investigation.",
        )
    )
    register(RetentionRule("expired sessions", "expired_sessions", _delete_expired_sessions))
    register(RetentionRule("form submission keys", "form_submission_keys", _delete_old_submission_keys))
