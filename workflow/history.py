"""Who changed this, and why: the attribution every history row carries.

django-simple-history reads `_history_user` and `_change_reason` from the
instance when it writes the row on save; setting them anywhere else by hand
is how a row ends up unattributed.
"""

from __future__ import annotations

from typing import Any, TypeVar

M = TypeVar("M")


def attribute(instance: M, *, actor: Any, reason: str) -> M:
    """Mark `instance` so that its next history row names `actor` and `reason`."""
    instance._history_user = actor
    instance._change_reason = reason
    return instance
