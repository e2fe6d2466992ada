"""Checkpoints: signed Merkle tree heads over the events since the previous one.

A checkpoint's *statement* is the canonical JSON of

    {"at", "last_event_id", "number", "prev", "root", "size", "v"}

signed with HMAC-SHA256 under settings.AUDIT_CHECKPOINT_KEY; `prev` is the
SHA-256 of the previous statement, so checkpoints form a chain of their own.
The leaves (RFC 9162 leaf hashes of the raw 32-byte event hashes) are the
events with ids in (previous last_event_id, last_event_id], ordered by subject
(as text, code point order) and sequence. Exported statements, kept outside
the database, are what expose a cut-off tail or a rewritten suffix later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from . import merkle
from .canonical import GENESIS, format_time
from .models import AuditEvent, Checkpoint

STATEMENT_VERSION = 1
EXPORT_FORMAT = "kinerja-audit-checkpoints/1"
# An arbitrary constant: serialises sealers on PostgreSQL (pg_advisory_xact_lock).
_SEALER_LOCK = 0x6B696E65


def signing_key() -> bytes:
    key = getattr(settings, "AUDIT_CHECKPOINT_KEY", "")
    if not key:
        raise ImproperlyConfigured("AUDIT_CHECKPOINT_KEY is not set: checkpoints cannot be signed.")
    return key.encode("utf-8")


def statement_doc(
    *, number: int, at: str, last_event_id: int, size: int, root: str, prev: str
) -> dict:
    return {
        "v": STATEMENT_VERSION,
        "number": number,
        "at": at,
        "last_event_id": last_event_id,
        "size": size,
        "root": root,
        "prev": prev,
    }


def statement_bytes(doc: dict) -> bytes:
    return json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def statement_of(cp: Checkpoint) -> dict:
    return statement_doc(
        number=cp.number,
        at=format_time(cp.at),
        last_event_id=cp.last_event_id,
        size=cp.size,
        root=cp.root,
        prev=cp.prev,
    )


def digest(doc: dict) -> str:
    return hashlib.sha256(statement_bytes(doc)).hexdigest()


def sign(doc: dict, key: bytes) -> str:
    return hmac.new(key, statement_bytes(doc), hashlib.sha256).hexdigest()


def signature_valid(doc: dict, signature: str, key: bytes) -> bool:
    return hmac.compare_digest(sign(doc, key), signature)


# -- leaves -------------------------------------------------------------------------


def entries_of(rows: Iterable[tuple[str, int, str]]) -> list[list]:
    """[subject, first_seq, hex hashes] runs from (subject, seq, hash) rows."""
    entries: list[list] = []
    for subject, seq, hash_ in sorted(rows, key=lambda r: (r[0], r[1])):
        last = entries[-1] if entries else None
        if last and last[0] == subject and last[1] + len(last[2]) // 64 == seq:
            last[2] += hash_
        else:
            entries.append([subject, seq, hash_])
    return entries


def leaf_hashes(entries: Sequence[list]) -> list[bytes]:
    """merkle.leaf_hash of every sealed hash, in order (inlined: a million at a time)."""
    sha, prefix = hashlib.sha256, merkle.LEAF_PREFIX
    out: list[bytes] = []
    for _subject, _first, hexes in entries:
        raw = bytes.fromhex(hexes)
        out += [sha(prefix + raw[i : i + 32]).digest() for i in range(0, len(raw), 32)]
    return out


def leaf_index(entries: Sequence[list], subject: str, seq: int) -> int | None:
    offset = 0
    for entry_subject, first, hexes in entries:
        n = len(hexes) // 64
        if entry_subject == subject and first <= seq < first + n:
            return offset + seq - first
        offset += n
    return None


# -- sealing -------------------------------------------------------------------------


def _sealable_up_to() -> int:
    """The highest event id below which every event is committed.

    On PostgreSQL an id is drawn before its transaction commits, so a later id
    can be visible while an earlier one is not yet: a short SHARE ROW EXCLUSIVE
    lock waits out the writers in flight (and holds new ones for a moment).
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(AuditEvent._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _seal_batch(*, up_to: int, max_events: int, key: bytes, at: dt.datetime):
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEALER_LOCK])
        prev = Checkpoint.objects.order_by("-number").first()
        after = prev.last_event_id if prev else 0
        rows = list(
            AuditEvent.objects.filter(id__gt=after, id__lte=up_to)
            .order_by("id")
            .values_list("id", "subject_type", "subject_id", "seq", "hash")[:max_events]
        )
        if not rows:
            return None
        entries = entries_of((f"{t}:{s}", seq, h) for _id, t, s, seq, h in rows)
        doc = statement_doc(
            number=prev.number + 1 if prev else 1,
            at=format_time(at),
            last_event_id=rows[-1][0],
            size=len(rows),
            root=merkle.root(leaf_hashes(entries)).hex(),
            prev=digest(statement_of(prev)) if prev else GENESIS,
        )
        return Checkpoint.objects.create(
            number=doc["number"],
            at=at,
            last_event_id=doc["last_event_id"],
            size=doc["size"],
            root=doc["root"],
            prev=doc["prev"],
            signature=sign(doc, key),
            entries=entries,
        )


def checkpoint_seal(*, max_events: int | None = None) -> list[Checkpoint]:
    """Seal every committed event not yet sealed; one checkpoint per `max_events`."""
    key = signing_key()
    max_events = max_events or settings.AUDIT_CHECKPOINT_MAX_EVENTS
    up_to = _sealable_up_to()
    sealed = []
    while True:
        # Microseconds only: the statement carries `at` in the canonical form.
        at = timezone.now().astimezone(dt.UTC)
        cp = _seal_batch(up_to=up_to, max_events=max_events, key=key, at=at)
        if cp is None:
            return sealed
        sealed.append(cp)


# -- export --------------------------------------------------------------------------


def exported(cp: Checkpoint, *, with_entries: bool = False) -> dict:
    doc = {**statement_of(cp), "signature": cp.signature}
    if with_entries:
        doc["entries"] = cp.entries
    return doc


def checkpoints_export(*, with_entries: bool = False) -> dict:
    """Every checkpoint's statement and signature, for keeping outside the database."""
    return {
        "format": EXPORT_FORMAT,
        "exported_at": format_time(timezone.now()),
        "checkpoints": [
            exported(cp, with_entries=with_entries) for cp in Checkpoint.objects.order_by("number")
        ],
    }
