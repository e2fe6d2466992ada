"""Throttle counters that survive a cache outage, the API's throttles on them, and the
sign-in limits every way in shares (web, API, admin).

The counters live in the shared cache (Redis in production) so every web
process counts together. When it does not answer, a request must still be
answered: the counters fall back to this process's memory (limits still hold,
per process) and the breaker skips Redis for a pause, so an outage costs no
connection attempt per request; after the pause Redis is tried again, and the
shared counters resume by themselves.
"""

from __future__ import annotations

import contextlib
import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
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


def client_address(request) -> str:
    """The client's address as the nearest trusted proxy saw it; never what the client wrote.

    With KINERJA_TRUSTED_PROXY_COUNT = 0 (no proxy) it is REMOTE_ADDR. With N proxies in
    front, each appends the address it received from to X-Forwarded-For, so the N-th entry
    from the right is the one the outermost of our proxies saw; anything left of it was
    written by the client and proves nothing.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.KINERJA_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if trusted <= 0 or not hops:
        return remote
    return hops[-min(trusted, len(hops))]


class _ByClientAddress:
    cache = counters

    def get_ident(self, request) -> str:
        return client_address(request)


class AnonThrottle(_ByClientAddress, throttling.AnonRateThrottle):
    pass


class UserThrottle(_ByClientAddress, throttling.UserRateThrottle):
    pass


class LoginThrottle(_ByClientAddress, throttling.ScopedRateThrottle):
    pass


# Sign-in: failed attempts per client address and per account, one count for every way in.


def account_key(username: str) -> str:
    """The name as authentication compares it, so no spelling of one account counts apart.

    The sign-in form strips the name and normalises it with NFKC (UsernameField, exactly
    AbstractBaseUser.normalize_username): full-width `ｐｅｇａｗａｉ` signs in as `pegawai`.
    ModelBackend then looks the result up exactly (case-sensitive on PostgreSQL and
    SQLite), so case is kept: `Pegawai` is another account, which no guess at it opens.
    """
    return get_user_model().normalize_username(str(username).strip())[:150]


def _buckets(request, username: str) -> tuple[str, str]:
    """Hashed: no address or username (a NIP, a name) in the cache."""

    def key(kind: str, value: str) -> str:
        return f"signin:{kind}:" + hashlib.sha256(value.encode()).hexdigest()[:32]

    return key("address", client_address(request)), key("user", account_key(username))


def signin_attempt(request, username: str) -> bool:
    """Count this attempt first (atomic increments), then judge: a burst cannot slip past.
    False: too many failures from this address or at this account; refuse unheard."""
    over = False
    window = settings.KINERJA_LOGIN_WINDOW_SECONDS
    for bucket in _buckets(request, username):
        counters.add(bucket, 0, window)
        try:
            count = counters.incr(bucket)
        except ValueError:  # expired between add and incr
            counters.set(bucket, 1, window)
            count = 1
        over = over or count > settings.KINERJA_LOGIN_FAILURES
    return not over


def signin_succeeded(request, username: str) -> None:
    """Only failures count: a success takes its own attempt back from the address (a shared
    office address is not held by people signing in) and clears the account's count."""
    address, account = _buckets(request, username)
    with contextlib.suppress(ValueError):  # the count expired meanwhile
        counters.decr(address)
    counters.delete(account)


class VerifyThrottle(_ByClientAddress, throttling.SimpleRateThrottle):
    """Public document verification (page and API): per client address, signed in or not."""

    scope = "verify"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
