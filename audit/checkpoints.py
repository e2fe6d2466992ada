"""Checkpoints: signed Merkle tree heads over the events since the previous one.

A checkpoint's *statement* is the canonical JSON of

    {"at", "last_event_id", "number", "prev", "root", "size", "v"}

signed with HMAC-SHA256 under settings.AUDIT_CHECKPOINT_KEY; `prev` is the
SHA-256 of the previous statement, so checkpoints form a chain of their own.
The leaves (RFC 9162 leaf hashes of the raw 32-byte event hashes) are the
events with ids in (previous last_event_id, last_event_id], ordered by subject
(as text, code point order) and sequence. Exported statements, kept outside
the database, are what expose a cut-off tail or a rewritten suffix later.

Since migration 0006 each checkpoint also heads one growing RFC 9162 tree over
every event sealed so far (the checkpoints' leaves one after another): its size
and root are signed as a *tree head* (tree_head_of), it carries a consistency
proof from the previous checkpoint's tree, and the chain heads it sealed
(CheckpointHead, each with its inclusion path). That is what lets
verify_audit --since check only what is new. The first checkpoint sealed after
the migration builds the tree over every older checkpoint's leaves once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from functools import partial

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from . import merkle
from .canonical import GENESIS, format_time
from .models import AuditEvent, Checkpoint, CheckpointHead

STATEMENT_VERSION = 1
TREE_HEAD_KIND = "kinerja-audit-tree-head/1"
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


def tree_head_doc(*, number: int, tree_size: int, tree_root: str, statement: str) -> dict:
    """What a checkpoint's tree signature signs: the whole log's size and root, bound
    to the checkpoint's statement (its digest)."""
    return {
        "kind": TREE_HEAD_KIND,
        "number": number,
        "tree_size": tree_size,
        "tree_root": tree_root,
        "statement": statement,
    }


def tree_head_of(cp: Checkpoint) -> dict:
    return tree_head_doc(
        number=cp.number,
        tree_size=cp.tree_size,
        tree_root=cp.tree_root,
        statement=digest(statement_of(cp)),
    )


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


def heads_of(number: int, entries: Sequence[list], tree: list[list[bytes]]) -> list:
    """Each subject's last sealed event in a checkpoint, with its inclusion path."""
    last: dict[str, tuple[int, str, int]] = {}
    offset = 0
    for subject, first, hexes in entries:
        n = len(hexes) // 64
        last[subject] = (first + n - 1, hexes[-64:], offset + n - 1)
        offset += n
    return [
        CheckpointHead(
            number=number,
            subject=subject,
            seq=seq,
            hash=hash_,
            leaf_index=index,
            path="".join(p.hex() for p in merkle.inclusion_path(tree, index)),
        )
        for subject, (seq, hash_, index) in last.items()
    ]


def _tree_before(prev: Checkpoint | None) -> tuple[int, list[bytes]]:
    """(size, frontier) of the whole log's tree up to `prev`.

    Checkpoints sealed before the tree existed have none: their leaves are read
    once, and their chain heads recorded, so the tree starts complete.
    """
    if prev is None:
        return 0, []
    if prev.tree_size is not None:
        return prev.tree_size, [bytes.fromhex(h) for h in prev.frontier]
    size, frontier, heads = 0, [], []
    for old in Checkpoint.objects.filter(number__lte=prev.number).order_by("number"):
        hashed = leaf_hashes(old.entries)
        frontier = merkle.frontier_append(frontier, size, hashed)
        size += len(hashed)
        if not CheckpointHead.objects.filter(number=old.number).exists():
            heads += heads_of(old.number, old.entries, merkle.levels(hashed))
    CheckpointHead.objects.bulk_create(heads, batch_size=2000)
    return size, frontier


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
        hashed = leaf_hashes(entries)
        tree = merkle.levels(hashed)
        doc = statement_doc(
            number=prev.number + 1 if prev else 1,
            at=format_time(at),
            last_event_id=rows[-1][0],
            size=len(rows),
            root=tree[-1][0].hex(),
            prev=digest(statement_of(prev)) if prev else GENESIS,
        )
        old_size, old_frontier = _tree_before(prev)
        frontier = merkle.frontier_append(old_frontier, old_size, hashed)
        head = tree_head_doc(
            number=doc["number"],
            tree_size=old_size + len(hashed),
            tree_root=merkle.frontier_root(frontier).hex(),
            statement=digest(doc),
        )
        cp = Checkpoint.objects.create(
            number=doc["number"],
            at=at,
            last_event_id=doc["last_event_id"],
            size=doc["size"],
            root=doc["root"],
            prev=doc["prev"],
            signature=sign(doc, key),
            entries=entries,
            tree_size=head["tree_size"],
            tree_root=head["tree_root"],
            tree_signature=sign(head, key),
            frontier=[h.hex() for h in frontier],
            consistency=[h.hex() for h in merkle.consistency_proof(old_size, old_frontier, hashed)],
        )
        CheckpointHead.objects.bulk_create(heads_of(cp.number, entries, tree), batch_size=2000)
        # Published only once committed: a head that a rollback undid must not be out there.
        from .publish import checkpoint_publish

        transaction.on_commit(partial(checkpoint_publish, checkpoint_id=cp.pk))
        return cp


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
