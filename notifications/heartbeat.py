"""The scheduler's heartbeat: beat sends `notifications.heartbeat`, a worker stamps the time.

Stored in the shared cache (Redis in production), so every web process's readiness
probe (/healthz/ready/) sees the same stamp. Without a shared cache each process
would only see its own memory: production requires CACHE_URL for that reason.
"""

from __future__ import annotations

import time

from django.core.cache import cache

KEY = "kinerja:scheduler:heartbeat"


def heartbeat_beat() -> None:
    # Kept a day: an old stamp must read as old, not vanish into "never".
    cache.set(KEY, time.time(), timeout=86400)


def heartbeat_age() -> float | None:
    """Seconds since the last heartbeat, or None when none was ever recorded."""
    stamp = cache.get(KEY)
    return None if stamp is None else max(0.0, time.time() - float(stamp))
