"""Throttle counters that survive a cache outage, and the API's throttles on them.

The counters live in the shared cache (Redis in production) so every web
process counts together. When it does not answer, a request must still be
answered: the counters fall back to this process's memory (limits still hold,
per process) and the breaker skips Redis for a pause, so an outage costs no
connection attempt per request; after the pause Redis is tried again, and the
shared counters resume by themselves.
"""

from __future__ import annotations

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError
from rest_framework import throttling

from workflow.breaker import Breaker

breaker = Breaker("cache")
_local = LocMemCache("kinerja-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
# What a cache that cannot be reached raises (ValueError, incr's "no such key", is not one).
UNAVAILABLE = (RedisError, OSError)


class Counters:
    """The cache methods the throttles use, on the shared cache or, while it is away, memory."""

    def _call(self, method: str, *args, **kwargs):
        if breaker.closed():
            try:
                return getattr(caches["default"], method)(*args, **kwargs)
            except UNAVAILABLE as exc:
                breaker.trip(exc)
        return getattr(_local, method)(*args, **kwargs)

    def get(self, key, default=None):
        return self._call("get", key, default)

    def set(self, key, value, timeout):
        return self._call("set", key, value, timeout)

    def add(self, key, value, timeout):
        return self._call("add", key, value, timeout)

    def incr(self, key, delta=1):
        return self._call("incr", key, delta)

    def decr(self, key, delta=1):
        return self._call("decr", key, delta)

    def delete(self, key):
        return self._call("delete", key)


counters = Counters()


def fallback_clear() -> None:
    """Forget what was counted in memory (tests; the shared counters are not touched)."""
    _local.clear()


class AnonThrottle(throttling.AnonRateThrottle):
    cache = counters


class UserThrottle(throttling.UserRateThrottle):
    cache = counters


class LoginThrottle(throttling.ScopedRateThrottle):
    cache = counters
