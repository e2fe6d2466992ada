"""Who changed this, and why: one helper for history rows, one for audit events.

django-simple-history reads `_history_user` and `_change_reason` from the
instance when it writes the row on save: `attribute` sets both, so no row is
left unattributed by a forgotten line. `audit_record` appends an audit event
for a change that is not a transition (transitions and `change()` record
their own), and carries the obligation `audit_event_append` leaves to its
caller: appends to one subject's chain must be serialised by a row lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models, transaction

from audit.models import AuditEvent
from audit.services import audit_event_append

M = TypeVar("M")


def attribute(instance: M, *, actor: Any, reason: str) -> M:
    """Mark `instance` so that its next history row names `actor` and `reason`."""
    instance._history_user = actor
    instance._change_reason = reason
    return instance


def audit_record(
    subject: models.Model,
    *,
    actor: Any,
    action: str,
    locked: models.Model | None,
    reason: str = "",
    changes: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
    scope: str = "",
    from_state: str = "",
    to_state: str = "",
) -> AuditEvent:
    """Append one event to `subject`'s chain, inside the caller's transaction.

    `locked` names the row whose lock, taken by the caller in this transaction,
    serialises the subject's chain: the subject itself, the aggregate it
    belongs to, or the subject when this transaction inserted it (no one else
    sees it before commit). With None the subject's row is locked here.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record needs the caller's transaction (the change and its event)")
    if locked is None:
        type(subject)._default_manager.select_for_update().filter(pk=subject.pk).exists()
    return audit_event_append(
        subject=subject,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        changes=changes,
        at=at,
        scope=scope,
    )
