"""A circuit breaker per process: after a service fails, skip it for a while, then try again.

Redis (the cache, the broker) may go away; a request must not pay a connection
attempt each time it is gone, and must not need a restart once it is back. The
pause is KINERJA_OUTAGE_RETRY_SECONDS (read at each failure, so tests can shorten it).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings

logger = logging.getLogger("kinerja.outage")


class Breaker:
    def __init__(self, name: str) -> None:
        self.name = name
        self._open_until = 0.0

    def closed(self) -> bool:
        """True when the service may be tried (never failed, or the pause is over)."""
        return time.monotonic() >= self._open_until

    def trip(self, exc: BaseException) -> None:
        pause = float(getattr(settings, "KINERJA_OUTAGE_RETRY_SECONDS", 30))
        if self.closed():  # one line per outage and pause, not one per request
            logger.warning("%s unavailable (%s); skipped for %ss", self.name, type(exc), pause)
        self._open_until = time.monotonic() + pause

    def reset(self) -> None:
        self._open_until = 0.0
