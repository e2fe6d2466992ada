"""The last full verification's outcome, for monitoring (/metrics/): ok or not, and when.

Kept in the shared cache (Redis in production), not in the database: it informs an operator,
it proves nothing, and a verification must not write into what it verifies.
"""

from __future__ import annotations

import contextlib
import time

from django.core.cache import cache

KEY = "kinerja:audit:last-verification"


def verification_record(*, ok: bool, problems: int) -> None:
    with contextlib.suppress(Exception):  # a cache outage never fails a verification
        cache.set(KEY, {"ok": ok, "problems": problems, "at": time.time()}, timeout=None)


def last_verification() -> dict | None:
    try:
        return cache.get(KEY)
    except Exception:  # noqa: BLE001
        return None
