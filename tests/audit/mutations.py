"""The tampering a database superuser could do, each kind as a function.

Each returns (subject, seq, problem): where verification must say it is.
"""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection

from audit.canonical import chain_hash
from audit.models import AuditEvent

from .tamper import raw

SUBJECT_TYPE = "appraisals.appraisal"
COLUMNS = ["reason", "action", "actor_username", "actor_name", "from_state", "to_state",
           "scope", "at", "changes"]  # fmt: skip


def events(subject_id: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(subject_type=SUBJECT_TYPE, subject_id=subject_id).order_by("seq")
    )


def _insert(event: AuditEvent, **fields) -> None:
    """A new row, as raw SQL would write it (the id from the sequence)."""
    values = {
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "seq": event.seq,
        "at": connection.ops.adapt_datetimefield_value(event.at),
        "actor_username": event.actor_username,
        "actor_name": event.actor_name,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "reason": event.reason,
        "changes": json.dumps(event.changes),
        "request_id": "",
        "scope": event.scope,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
        **fields,
    }
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    marks = ", ".join(cast if k == "changes" else "%s" for k in values)
    raw(f"INSERT INTO audit_auditevent ({', '.join(values)}) VALUES ({marks})", values.values())


def _shift(subject_id: str, from_seq: int, by: int) -> None:
    raw(
        "UPDATE audit_auditevent SET seq = seq + 1000 WHERE subject_id = %s AND seq >= %s",
        [subject_id, from_seq],
    )
    raw(
        "UPDATE audit_auditevent SET seq = seq - 1000 + %s WHERE subject_id = %s AND seq >= 1000",
        [by, subject_id],
    )


def edit(subject_id: str, pick: int, column_pick: int):
    chain = events(subject_id)
    event = chain[pick % len(chain)]
    column = COLUMNS[column_pick % len(COLUMNS)]
    if column == "at":
        value = connection.ops.adapt_datetimefield_value(event.at + dt.timedelta(seconds=1))
        raw("UPDATE audit_auditevent SET at = %s WHERE id = %s", [value, event.pk])
    elif column == "changes":
        cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
        changed = {**event.changes, "forged": [None, True]}
        raw(f"UPDATE audit_auditevent SET changes = {cast} WHERE id = %s",
            [json.dumps(changed), event.pk])  # fmt: skip
    else:
        value = getattr(event, column) + "~"
        raw(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, event.pk])
    return event.seq, "hash_mismatch"


def delete(subject_id: str, pick: int, _extra: int):
    """An event before the head (the head's own deletion is `truncate`)."""
    chain = events(subject_id)
    if len(chain) < 2:
        return None
    event = chain[pick % (len(chain) - 1)]
    raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    return event.seq, "sequence_gap"


def insert(subject_id: str, pick: int, _extra: int):
    """A forged event slipped in at any place, later ones renumbered."""
    chain = events(subject_id)
    seq = pick % (len(chain) + 1) + 1
    template = chain[min(seq, len(chain)) - 1]
    _shift(subject_id, seq, 1)
    _insert(template, seq=seq, reason="disisipkan", actor_username="mallory", hash="f" * 64)
    return seq, "hash_mismatch"


def reorder(subject_id: str, pick: int, _extra: int):
    chain = events(subject_id)
    if len(chain) < 2:
        return None
    a = chain[pick % (len(chain) - 1)]
    b = chain[a.seq]
    raw("UPDATE audit_auditevent SET seq = 9999 WHERE id = %s", [a.pk])
    raw("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
    raw("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    return a.seq, "hash_mismatch"


def truncate(subject_id: str, pick: int, _extra: int):
    """The tail cut off from some sealed event on (needs a checkpoint)."""
    chain = events(subject_id)
    seq = pick % len(chain) + 1
    raw("DELETE FROM audit_auditevent WHERE subject_id = %s AND seq >= %s", [subject_id, seq])
    return seq, "truncated_tail"


def rewrite(subject_id: str, pick: int, _extra: int):
    """The suffix from some sealed event on replaced by a consistent forgery."""
    chain = events(subject_id)
    seq = pick % len(chain) + 1
    raw("DELETE FROM audit_auditevent WHERE subject_id = %s AND seq >= %s", [subject_id, seq])
    prev = chain[seq - 2].hash if seq > 1 else "0" * 64
    for event in chain[seq - 1 :]:
        event.reason = f"{event.reason} (ditulis ulang)"
        event.prev_hash, event.hash = prev, chain_hash(prev, event.canonical())
        _insert(event)
        prev = event.hash
    return seq, "sealed_event_changed"


def forge_tail(subject_id: str, pick: int, _extra: int):
    """A correctly hashed event appended after the last checkpoint: only the
    live record can tell (its version is not the one the forged head claims)."""
    head = events(subject_id)[-1]
    version = head.changes.get("version", [0, 1])[1]
    head.seq, head.prev_hash = head.seq + 1, head.hash
    head.action, head.reason = "note.added", "dipalsukan"
    head.changes = {"version": [version, version + 1]}
    head.hash = chain_hash(head.prev_hash, head.canonical())
    _insert(head)
    return head.seq, "record_disagrees"


def record(subject_id: str, pick: int, _extra: int):
    """The live row changed behind the engine's back."""
    head = events(subject_id)[-1]
    if pick % 2:
        raw("UPDATE appraisals_appraisal SET version = version + 1 WHERE id = %s", [subject_id])
    else:
        raw("UPDATE appraisals_appraisal SET state = 'cancelled' WHERE id = %s", [subject_id])
        if head.to_state == "cancelled":
            raw("UPDATE appraisals_appraisal SET state = 'draft' WHERE id = %s", [subject_id])
    return head.seq, "record_disagrees"


KINDS = {
    "edit": edit,
    "delete": delete,
    "insert": insert,
    "reorder": reorder,
    "truncate": truncate,
    "rewrite": rewrite,
    "forge_tail": forge_tail,
    "record": record,
}
NEEDS_SEAL = {"truncate", "rewrite"}
