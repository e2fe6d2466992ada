"""Reads from a PostgreSQL streaming replica, where that cannot show a caller stale data.

With DATABASE_REPLICA_URL set, `ReplicaReads` lets the GET requests of the routes named in
KINERJA_REPLICA_ROUTES (inspector search, dashboards, recaps, lists) read from the replica;
everything else (every write, every transition, every page after a write) stays on the primary.

Read-your-writes: a request that changed something (a successful POST, PUT, PATCH or DELETE)
sets a cookie that keeps that browser's reads on the primary for KINERJA_REPLICA_STICKY_SECONDS,
so the list a supervisor returns to after approving shows the approval. API routes on the
replica are only the inspectors' (who never write). The session and the user are always read
from the primary (a fresh sign-in must not look signed out), and so is anything read inside a
transaction on the primary.

What the pages tolerate: a replica behind by less than the sticky window shows every caller
their own writes and others' within seconds; monitor `pg_stat_replication.replay_lag` and keep it
well under KINERJA_REPLICA_STICKY_SECONDS (default 15 s). A replica that falls further behind
shows older dashboards and search results, never a wrong decision: no write reads from it.
"""

from __future__ import annotations

import contextlib
import contextvars
import time

from django.conf import settings
from django.db import connections

REPLICA = "replica"
COOKIE = "kinerja_primary_until"
# Never from the replica: who is signed in, and the admin's log.
PRIMARY_ONLY_APPS = {"sessions", "auth", "admin", "contenttypes"}
_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("use_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def replica_reads():
    """Reads inside this block may come from the replica (when one is configured)."""
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _use_replica.get() or not replica_configured():
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        if connections["default"].in_atomic_block:  # a transaction reads what it wrote
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"  # the replica follows the primary's schema by streaming


class ReplicaReads:
    """Marks a heavy GET for the replica; after a write, keeps the browser on the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._replica_token = None
        try:
            response = self.get_response(request)
        finally:
            if request._replica_token is not None:
                _use_replica.reset(request._replica_token)
        wrote = request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400
        if wrote and replica_configured():
            until = time.time() + settings.KINERJA_REPLICA_STICKY_SECONDS
            response.set_cookie(
                COOKIE,
                f"{until:.0f}",
                max_age=int(settings.KINERJA_REPLICA_STICKY_SECONDS) + 1,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    def process_view(self, request, view, args, kwargs):
        if not replica_configured() or request.method not in ("GET", "HEAD"):
            return None
        match = request.resolver_match
        if match is None or match.url_name not in settings.KINERJA_REPLICA_ROUTES:
            return None
        try:
            wrote_until = float(request.COOKIES.get(COOKIE, "0"))
        except ValueError:
            wrote_until = 0.0
        if wrote_until > time.time():
            return None
        request._replica_token = _use_replica.set(True)
        return None
