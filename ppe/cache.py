"""The Redis cache, made safe to lose.

Everything the app keeps in the cache can be worked out again from the database, so a Redis
outage must cost speed, not pages: while Redis does not answer, reads miss, writes are
dropped and counters start again, and the app keeps serving from the database. After a
failure Redis is left alone for a few seconds, so that a page does not wait out a connection
timeout on every cache call during an outage."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0


def forget_now_and_on_commit(forget: Callable[[], object]) -> None:
    """Forget something cached because the data under it changed: now, and again once the
    change is committed, so that a reader between the two cannot keep what it read from
    before the change."""
    forget()
    transaction.on_commit(forget)


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django builds a new redis-py client for every cache call, about 0.1 ms each and a
    page makes several. One client per connection pool serves them all: redis-py clients
    are safe to share between threads, and the pool already hands out the connections."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._down_until = 0.0

    def _attempt(self, operation, fallback):
        if time.monotonic() < self._down_until:
            return fallback()
        try:
            result = operation()
        except RedisError as error:
            if not self._down_until:
                log.warning("cache unavailable, carrying on without it: %s", error)
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            return fallback()
        if self._down_until:
            log.warning("cache available again")
            self._down_until = 0.0
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        base = super()
        return self._attempt(lambda: base.add(key, value, timeout, version), _false)

    def get(self, key, default=None, version=None):
        base = super()
        return self._attempt(lambda: base.get(key, default, version), lambda: default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        base = super()
        return self._attempt(lambda: base.set(key, value, timeout, version), _none)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        base = super()
        return self._attempt(lambda: base.touch(key, timeout, version), _false)

    def delete(self, key, version=None):
        base = super()
        return self._attempt(lambda: base.delete(key, version), _false)

    def get_many(self, keys, version=None):
        base = super()
        return self._attempt(lambda: base.get_many(keys, version), dict)

    def has_key(self, key, version=None):
        base = super()
        return self._attempt(lambda: base.has_key(key, version), _false)

    def incr(self, key, delta=1, version=None):
        # As if the key were missing: callers already handle that (ValueError).
        base = super()
        return self._attempt(lambda: base.incr(key, delta, version), _missing(key))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        base = super()
        return self._attempt(lambda: base.set_many(data, timeout, version), list)

    def delete_many(self, keys, version=None):
        base = super()
        return self._attempt(lambda: base.delete_many(keys, version), _none)

    def clear(self):
        base = super()
        return self._attempt(base.clear, _false)


def _false() -> bool:
    return False


def _none() -> None:
    return None


def _missing(key):
    def fallback():
        raise ValueError(f"Key {key!r} not found (the cache is unavailable)")

    return fallback
