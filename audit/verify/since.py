"""Incremental verification: what came after a checkpoint, at the cost of what is new.

verify_since(checkpoint=C) trusts nothing in the database that C did not sign,
and reads nothing that C sealed:

1. C's signed statement and tree head; its stored frontier must fold to its
   signed tree root (the frontier is all that is kept of the old leaves);
2. every later checkpoint: signature, link to the previous statement, leaves
   against its signed root, its tree head grown from the previous tree by
   exactly its leaves, and the RFC 9162 consistency proof from the previous
   head (what an inspector holding only published heads checks);
3. every event with an id above C's last one: its hash, links and sequence
   numbers, continuing each chain from its head as C recorded it
   (CheckpointHead, proved a leaf of its checkpoint's signed root), and each
   one a later checkpoint sealed against its sealed hash;
4. the live records of the subjects those events touched.

What it does NOT do: re-read the events C and earlier checkpoints sealed. An
event rewritten among them goes unnoticed here; the full verification
(verify_audit) still finds it. Run --since often and the full pass now and then.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from .. import merkle
from ..checkpoints import digest, signature_valid, statement_of, tree_head_of
from ..models import AuditEvent, Checkpoint, CheckpointHead
from . import reader, snapshot
from .chains import Context, Sealed, check_chains
from .records import check_head, stateful_model, stateful_types
from .report import Report
from .seals import (
    Tree,
    _index,
    _key,
    check_tree,
    exported_docs,
    matching_leaves,
    published_differs,
)

_BATCH = 500


class _Proofs:
    """Inclusion proofs against one signed root, many at a time.

    The tree is walked level by level as it is built (merkle.levels: a node without
    a sibling is carried up), so each computed node has a place (level, index),
    kept as one number. A proof that verifies makes every node it computed known;
    a later proof stops at the first known place it reaches: equal, it holds;
    different, it fails. Heads spread over a checkpoint share their upper levels,
    so this saves most of them. The hashing is merkle.node_hash, inlined (ten
    thousand heads are some sixty thousand nodes).
    """

    def __init__(self, root: bytes, size: int) -> None:
        self.root, self.size = root, size
        self.known: dict[int, bytes] = {}

    def holds(self, leaf: bytes, index: int, path: list[bytes] | str) -> bool:
        """Is `leaf` at `index`? `path`: its nodes as bytes, or in hex, concatenated
        (as CheckpointHead keeps it: parsed only as far as the proof goes)."""
        if not 0 <= index < self.size:
            return False
        if isinstance(path, str):
            hexed, unhex = path, bytes.fromhex
            path = (unhex(hexed[i : i + 64]) for i in range(0, len(hexed), 64))
        sha, prefix, known = hashlib.sha256, merkle.NODE_PREFIX, self.known
        node, width, level, computed = leaf, self.size, 0, []
        path = iter(path)
        while width > 1:
            if index ^ 1 < width:
                other = next(path, None)
                if other is None:
                    return False
                if index & 1:
                    node = sha(prefix + other + node).digest()
                else:
                    node = sha(prefix + node + other).digest()
            index, width, level = index >> 1, (width + 1) >> 1, level + 1
            place = index << 7 | level
            seen = known.get(place)
            if seen is not None:
                if seen != node:
                    return False
                known.update(computed)
                return True
            computed.append((place, node))
        if next(path, None) is not None or node != self.root:
            return False
        known.update(computed)
        return True


class CannotStart(ValueError):
    """The starting checkpoint cannot anchor an incremental verification."""


def _head_rows(subjects: list[str], number: int) -> Iterator[tuple]:
    """(subject, number, seq, hash, leaf_index, path) of each subject's heads as of
    checkpoint `number`, in no order: one query on PostgreSQL (an array), batches
    elsewhere. Unsorted, as a sort of the wide rows would spill to disk."""
    table = connection.ops.quote_name(CheckpointHead._meta.db_table)
    columns = '"subject", "number", "seq", "hash", "leaf_index", "path"'
    if connection.vendor == "postgresql":
        # A server-side cursor read in chunks: a subject sealed by many checkpoints has a
        # head row (with its proof) in each, and only the latest is kept (see _heads).
        with connection.chunked_cursor() as cursor:
            cursor.execute(
                f'SELECT {columns} FROM {table} WHERE "subject" = ANY(%s) AND "number" <= %s',
                [subjects, number],
            )
            while rows := cursor.fetchmany(_BATCH * 10):
                yield from rows
        return
    with connection.cursor() as cursor:
        for i in range(0, len(subjects), _BATCH):
            batch = subjects[i : i + _BATCH]
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f'SELECT {columns} FROM {table} WHERE "subject" IN ({marks}) AND "number" <= %s',
                [*batch, number],
            )
            yield from cursor.fetchall()


def _heads(subjects: list[str], number: int, report: Report, key) -> dict[str, tuple[int, str]]:
    """Each subject's chain head as of checkpoint `number`, each proved against its
    checkpoint's signed root; a head that fails is reported and not used."""
    # (number, seq, hash, leaf_index, path) per subject; rows, not model instances.
    found: dict[str, tuple[int, int, str, int, str]] = {}
    for subject, *head in _head_rows(subjects, number):
        have = found.get(subject)
        if have is None or have[0] < head[0]:
            found[subject] = tuple(head)  # the latest wins
    numbers = sorted({h[0] for h in found.values()})
    roots = {}
    for i in range(0, len(numbers), _BATCH):
        for cp in Checkpoint.objects.filter(number__in=numbers[i : i + _BATCH]).defer(
            "entries", "frontier", "consistency"
        ):
            signed = key is None or signature_valid(statement_of(cp), cp.signature, key)
            roots[cp.number] = _Proofs(bytes.fromhex(cp.root), cp.size) if signed else None
            if not signed:
                report.add("checkpoint_signature", checkpoint=cp.number)
    starts = {}
    sha, prefix, unhex = hashlib.sha256, merkle.LEAF_PREFIX, bytes.fromhex
    for subject, (head_number, seq, hash_, index, path_hex) in found.items():
        proofs = roots.get(head_number)
        # Parsed as used: a proof usually stops early, at a node verified before.
        try:
            leaf = sha(prefix + unhex(hash_)).digest()  # merkle.leaf_hash
            proved = proofs is not None and proofs.holds(leaf, index, path_hex)
        except ValueError:
            proved = False
        if not proved:
            report.add("checkpoint_head", subject=subject, seq=seq, checkpoint=head_number)
        # Used even when unproved: the chain is then checked from the head it claims.
        starts[subject] = (seq, hash_)
    return starts


def _checkpoints(start: Checkpoint, report: Report, key, outside: dict[int, dict]):
    """Steps 1 and 2; returns (sealed index of the later checkpoints, sealed through)."""
    if start.tree_size is None:
        raise CannotStart(f"checkpoint {start.number} was sealed before tree heads existed")
    doc = statement_of(start)
    where = {"checkpoint": start.number}
    if key is None:
        report.add("checkpoint_key_missing")
    elif not (
        signature_valid(doc, start.signature, key)
        and signature_valid(tree_head_of(start), start.tree_signature, key)
    ):
        report.add("checkpoint_signature", **where)
    tree = Tree.stored(start)
    if tree is None:
        report.add("checkpoint_tree", **where)
    kept = outside.get(start.number)
    if kept is not None and (differ := published_differs(start, doc, kept)):
        report.add("checkpoint_differs", **where, fields=differ)
    sealed: dict[str, Sealed] = {}
    through = start.last_event_id
    prev_doc = doc
    later = Checkpoint.objects.filter(number__gt=start.number).order_by("number")
    report.checkpoints = 1
    for cp in later.iterator(chunk_size=20):
        report.checkpoints += 1
        doc = statement_of(cp)
        where = {"checkpoint": cp.number}
        if cp.prev != digest(prev_doc) or cp.number != prev_doc["number"] + 1:
            report.add("checkpoint_link", **where, expected_number=prev_doc["number"] + 1)
        if key is not None and not signature_valid(doc, cp.signature, key):
            report.add("checkpoint_signature", **where)
        kept = outside.get(cp.number)
        if kept is not None and (differ := published_differs(cp, doc, kept)):
            report.add("checkpoint_differs", **where, fields=differ)
        leaves = matching_leaves(cp.entries, doc)
        if leaves is None:
            report.add("checkpoint_entries", **where)
        if cp.tree_size is None:
            report.add("checkpoint_tree", **where)
        tree = check_tree(report, cp, leaves, tree, key)
        _index(sealed, cp.entries if leaves is not None else [], cp.number)
        through = cp.last_event_id
        prev_doc = doc
    return sealed, through


def _subjects_after(after: int) -> list[str]:
    pairs = (
        AuditEvent.objects.filter(id__gt=after)
        .order_by()
        .values_list("subject_type", "subject_id")
        .distinct()
    )
    return sorted(f"{t}:{s}" for t, s in pairs)


def _check_records(heads, report: Report) -> None:
    for subject_type, by_id in heads.items():
        model = stateful_model(subject_type)
        ids = list(by_id)
        live = {}
        for i in range(0, len(ids), _BATCH):
            try:
                rows = model._base_manager.filter(pk__in=ids[i : i + _BATCH])
                live.update(
                    (str(pk), (s, v)) for pk, s, v in rows.values_list("pk", "state", "version")
                )
            except (ValueError, TypeError):
                pass
        for subject_id, head in by_id.items():
            subject = f"{subject_type}:{subject_id}"
            if subject_id not in live:
                report.add("record_missing", subject=subject, seq=head.seq, event_id=head.event_id)
            else:
                check_head(subject, *live[subject_id], head, report)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic collector off for the pass: what it builds (rows, chain states,
    proof nodes) holds no cycles, and each collection would walk every object the
    process holds, which at ten thousand new events cost a sixth of the pass."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def verify_since(*, checkpoint: int, exported: dict | None = None, chunk_size: int = 10000):
    """Verify what came after checkpoint number `checkpoint` (see the module's doc).

    `exported`: published heads (publish.published_load) the checkpoints must equal.
    """
    # Never its entries: reading what it sealed is what this avoids.
    start = Checkpoint.objects.filter(number=checkpoint).defer("entries").first()
    if start is None:
        raise CannotStart(f"there is no checkpoint {checkpoint}")
    report = Report()
    # One snapshot on PostgreSQL: events committed meanwhile are neither half-read
    # nor taken for unsealed ones.
    with snapshot.consistent_reads(), _collector_paused():
        key = _key()
        sealed, through = _checkpoints(start, report, key, exported_docs(exported))
        subjects = _subjects_after(start.last_event_id)
        starts = _heads(subjects, start.number, report, key)
        types = {s.partition(":")[0] for s in subjects}
        ctx = Context(
            report,
            sealed=sealed,
            sealed_through=through,
            head_types=stateful_types(types),
            after=start.last_event_id,
            starts=starts,
        )
        # A chain with no recorded head starts at GENESIS; one whose recorded head failed
        # its proof is checked from it all the same (the checkpoint_head problem says why).
        where = '"id" > %s'
        heads = check_chains(
            reader.stream(where=where, params=[start.last_event_id], chunk_size=chunk_size), ctx
        )
        _check_records(heads, report)
    report.problems.sort(
        key=lambda p: (p.get("subject", ""), p.get("seq", 0), p.get("checkpoint") or 0)
    )
    return report
