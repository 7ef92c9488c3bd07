"""Counts over whole tables (the queue tabs, the dashboard's "waiting for you" figures),
kept in the cache until a table they read changes.

Each model counted has a version in the cache: saving or deleting a row gives it a new one
(signals connected by `watch`), as does any bulk `.update()` that calls `changed`. A count is
stored with the versions of every model it reads, and used only while they are current;
the timeout bounds what time alone changes (e.g. a request becoming overdue). With the cache
down every count is simply worked out again."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from ppe.cache import forget_now_and_on_commit

DEFAULT_SECONDS = 5 * 60
_WATCHED: set = set()


def _version_key(model) -> str:
    return f"ppe:counts-version:{model._meta.label_lower}"


def _fresh() -> int:
    # Never reused, even if the cache forgets a version: a count stored under an old one
    # cannot come back.
    return time.time_ns()


def stamp(models: Iterable) -> str | None:
    """The current versions of these models as one string, which changes whenever any of
    them does; None while the cache is not answering (then nothing can be kept)."""
    keys = [_version_key(model) for model in models]
    return _stamp_from(keys, cache.get_many(keys))


def _stamp_from(keys: list[str], found: dict) -> str | None:
    """The stamp of these version keys from what a read `found`, giving any version not
    yet in the cache one first."""
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, _fresh(), timeout=None)
        found = {**found, **cache.get_many(missing)}
    if any(key not in found for key in keys):
        return None
    return ":".join(str(found[key]) for key in keys)


def is_watched(model) -> bool:
    return model in _WATCHED


def remember(name: str, models: Iterable, compute: Callable[[], object], timeout: int = DEFAULT_SECONDS):
    """`compute()`, kept under `name` until one of `models` changes (or `timeout` passes).
    The value is stored with the versions it was worked out under, and read with the
    current versions in one round trip; a value kept under other versions is not used."""
    keys = [_version_key(model) for model in models]
    value_key = f"ppe:counts:{name}"
    found = cache.get_many([*keys, value_key])
    current = _stamp_from(keys, found)
    if current is None:  # the cache is not answering: nothing to keep it in
        return compute()
    kept = found.get(value_key)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == current:
        return kept[1]
    value = compute()
    cache.set(value_key, (current, value), timeout=timeout)
    return value


def changed(*models) -> None:
    """Forget every count that reads these models, now and again once the change is
    committed (a reader between the two would otherwise keep counts from before it)."""

    forget_now_and_on_commit(
        lambda: cache.set_many({_version_key(model): _fresh() for model in models}, timeout=None)
    )


def watch(*models) -> None:
    """Saving or deleting a row of these models forgets the counts that read them."""
    for model in models:
        _WATCHED.add(model)
        uid = f"ppe.counts:{model._meta.label_lower}"
        post_save.connect(_on_row_change, sender=model, dispatch_uid=f"{uid}:save", weak=False)
        post_delete.connect(_on_row_change, sender=model, dispatch_uid=f"{uid}:delete", weak=False)


def changed_everything() -> None:
    """After bulk inserts (the demo and bench seeds), which send no signals."""
    changed(*_WATCHED)


def _on_row_change(sender, **kwargs) -> None:
    changed(sender)
