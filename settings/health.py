"""Health: GET /healthz/ (the contract's), /healthz/live/ and /healthz/ready/.

- `/healthz/live/` (liveness): the process answers a request; no I/O at all, so a
  slow database never makes a supervisor restart healthy web processes.
- `/healthz/ready/` (readiness): this instance may take traffic: the database answers,
  every migration on disk is applied, the broker answers (outside the embedded default)
  and the scheduler is alive: beat's heartbeat task (notifications.heartbeat, every
  KINERJA_HEARTBEAT_SECONDS) ran on a worker within KINERJA_HEARTBEAT_MAX_AGE seconds.
  Without beat, deadlines, reminders and the outbox relay stop while every page still
  works, so a load balancer or an operator must hear of it.
- `/healthz/` (kept as the API contract states it): 200 when the database (and, outside
  the embedded default, the broker) answers.

The cache is reported but does not decide: without it the service degrades
(throttle counters in each process's memory, appraisals/throttling.py), it
does not stop, so a load balancer must not take every instance out for it.

`details` adds the outbox backlog (events and messages waiting, the oldest
one's age in seconds, open dead letters); it informs, it does not decide. It is
shown only to staff, inspectors and monitors sending `X-Health-Token` equal to
KINERJA_HEALTHZ_TOKEN: the backlog tells an outsider how busy and how late the
service is.
"""

import hmac

from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        return "eager"
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _cache() -> str:
    from django.core.cache import caches

    try:
        caches["default"].get("healthz")
    except Exception as exc:  # noqa: BLE001 - reported, never deciding
        return f"degraded: {type(exc).__name__}"
    return "ok"


def _details() -> dict:
    from notifications.selectors import outbox_backlog

    try:
        return {"outbox": outbox_backlog()}
    except Exception as exc:  # noqa: BLE001 - details never decide the status
        return {"outbox": f"error: {type(exc).__name__}"}


def _may_see_details(request) -> bool:
    expected = getattr(settings, "KINERJA_HEALTHZ_TOKEN", "")
    given = request.headers.get("X-Health-Token", "")
    if expected and hmac.compare_digest(given.encode(), expected.encode()):
        return True
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    from django.utils.module_loading import import_string

    return bool(import_string(settings.AUDIT_INSPECTOR_CHECK)(user))


def _migrations() -> str:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in pending[:3])
        raise RuntimeError(f"{len(pending)} not applied ({names})")
    return "ok"


def _scheduler() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        return "eager"
    from notifications.heartbeat import heartbeat_age

    age = heartbeat_age()
    if age is None:
        raise RuntimeError("no heartbeat yet (is celery beat running?)")
    if age > settings.KINERJA_HEARTBEAT_MAX_AGE:
        raise RuntimeError(f"last heartbeat {int(age)} s ago")
    return f"ok ({int(age)} s ago)"


def _run(probes) -> tuple[dict, bool]:
    checks, ok = {}, True
    for name, probe in probes:
        try:
            checks[name] = probe()
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            detail = str(exc) if isinstance(exc, RuntimeError) else type(exc).__name__
            checks[name] = f"error: {detail}"
            ok = False
    return checks, ok


def healthz_live(request):
    """Liveness: the process serves requests. Nothing else is asked."""
    return JsonResponse({"status": "ok"})


def healthz_ready(request):
    """Readiness: database, migrations, broker and scheduler (see the module's doc)."""
    checks, ok = _run(
        (
            ("database", _database),
            ("migrations", _migrations),
            ("broker", _broker),
            ("scheduler", _scheduler),
        )
    )
    checks["cache"] = _cache()
    body = {"status": "ok" if ok else "error", "checks": checks}
    if _may_see_details(request):
        body["details"] = _details()
    return JsonResponse(body, status=200 if ok else 503)


def healthz(request):
    checks, ok = {}, True
    for name, probe in (("database", _database), ("broker", _broker)):
        try:
            checks[name] = probe()
        except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
            checks[name] = f"error: {type(exc).__name__}"
            ok = False
    checks["cache"] = _cache()
    body = {"status": "ok" if ok else "error", "checks": checks}
    if _may_see_details(request):
        body["details"] = _details()
    return JsonResponse(body, status=200 if ok else 503)
