"""Organisation files waiting between a dry run and its apply (the HR import page).

They hold NIPs and names, so none outlives its purpose: applying or signing
out removes it, and a periodic sweep removes any left longer than a day.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings

# Files of dry runs never applied are removed after a day.
STALE_SECONDS = 24 * 3600


def upload_store() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def uploads_sweep(*, older_than: float = STALE_SECONDS) -> int:
    """Remove waiting files older than `older_than` seconds; how many went."""
    cutoff, removed = time.time() - older_than, 0
    for path in upload_store().glob("*.upload"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def upload_path(token: str) -> Path:
    """The waiting file of `token`; token_urlsafe's alphabet only, so it never leaves the folder."""
    if not token or not all(c.isalnum() or c in "-_" for c in token):
        raise ValueError("bad token")
    return upload_store() / f"{token}.upload"
