from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils import timezone

from .bulk import insert_rows
from .canonical import GENESIS, canonical_bytes, chain_hash, normalise
from .context import client_request_id, request_id
from .models import AuditEvent, ReadAccess


def subject_key(subject: models.Model) -> tuple[str, str]:
    return subject._meta.label_lower, str(subject.pk)


def _actor_fields(actor: Any) -> dict[str, Any]:
    return {
        "actor": actor,
        "actor_username": actor.get_username(),
        "actor_name": actor.get_full_name() or "",
    }


def _chained(event: AuditEvent, prev_hash: str) -> AuditEvent:
    event.prev_hash = prev_hash
    event.hash = chain_hash(prev_hash, event.canonical())
    return event


def audit_event_append(
    *,
    subject: models.Model,
    actor: Any,
    action: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    changes: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
    scope: str = "",
) -> AuditEvent:
    """Append one event to the subject's chain.

    The caller must hold a lock that serialises writes on the subject (the
    engine locks the subject's row); the unique (subject, seq) constraint is
    the last line of defence.
    """
    subject_type, subject_id = subject_key(subject)
    head = (
        AuditEvent.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS)
    event = AuditEvent(
        subject_type=subject_type,
        subject_id=subject_id,
        seq=seq,
        at=at or timezone.now(),
        action=action,
        from_state=from_state or "",
        to_state=to_state or "",
        reason=reason or "",
        changes=normalise(dict(changes or {})),
        request_id=request_id.get(),
        client_request_id=client_request_id.get(),
        scope=scope,
        **_actor_fields(actor),
    )
    _chained(event, prev_hash)
    event.save(force_insert=True)
    return event


def audit_events_open_chains(
    *,
    subjects: Iterable[models.Model],
    actor: Any,
    action: str,
    to_state: str,
    reason: str = "",
    changes_of=None,
    scope_of=None,
    at: dt.datetime | None = None,
    batch_size: int = 5000,
) -> int:
    """Write the first event of many new subjects at once (bulk creation).

    Only for subjects that have no chain yet: each event is seq 1 on GENESIS.
    Hashes are computed here, from the same canonical form as every event.
    """
    at = at or timezone.now()
    rid, hint = request_id.get(), client_request_id.get()
    actor_fields = _actor_fields(actor)
    username, name = actor_fields["actor_username"], actor_fields["actor_name"]
    rows = []
    for subject in subjects:
        subject_type, subject_id = subject_key(subject)
        changes = normalise(changes_of(subject) if changes_of else {})
        scope = scope_of(subject) if scope_of else ""
        payload = canonical_bytes(
            subject=f"{subject_type}:{subject_id}",
            seq=1,
            at=at,
            actor=username,
            actor_name=name,
            action=action,
            from_state="",
            to_state=to_state,
            reason=reason,
            changes=changes,
            scope=scope,
        )
        rows.append(
            {
                "subject_type": subject_type,
                "subject_id": subject_id,
                "seq": 1,
                "at": at,
                "actor_id": actor.pk,
                "actor_username": username,
                "actor_name": name,
                "action": action,
                "from_state": "",
                "to_state": to_state,
                "reason": reason,
                "changes": changes,
                "request_id": rid,
                "client_request_id": hint,
                "scope": scope,
                "prev_hash": GENESIS,
                "hash": chain_hash(GENESIS, payload),
            }
        )
    insert_rows(AuditEvent, rows, batch_size=batch_size)
    return len(rows)


def read_access_record(
    *, reader: Any, subject: models.Model | tuple[str, str], purpose: str, scope: str = ""
) -> ReadAccess:
    """Note that `reader` opened `subject` (a model, or (type, id)): who read whose data."""
    subject_type, subject_id = subject if isinstance(subject, tuple) else subject_key(subject)
    return ReadAccess.objects.create(
        at=timezone.now(),
        reader=reader if getattr(reader, "pk", None) else None,
        reader_username=reader.get_username() if reader is not None else "",
        subject_type=subject_type,
        subject_id=str(subject_id),
        scope=scope,
        purpose=purpose,
        request_id=request_id.get(),
        client_request_id=client_request_id.get(),
    )
