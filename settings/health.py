"""GET /healthz/: 200 when the database (and, outside the embedded default, the broker) answers.

The cache is reported but does not decide: without it the service degrades
(throttle counters in each process's memory, appraisals/throttling.py), it
does not stop, so a load balancer must not take every instance out for it.

`details` adds the outbox backlog (events and messages waiting, the oldest
one's age in seconds, open dead letters); it informs, it does not decide.
"""

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


def healthz(request):
    checks, ok = {}, True
    for name, probe in (("database", _database), ("broker", _broker)):
        try:
            checks[name] = probe()
        except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
            checks[name] = f"error: {type(exc).__name__}"
            ok = False
    checks["cache"] = _cache()
    return JsonResponse(
        {"status": "ok" if ok else "error", "checks": checks, "details": _details()},
        status=200 if ok else 503,
    )
