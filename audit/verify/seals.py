"""Checkpoints checked on their own (signature, chain, leaves) and turned into
the per-subject index of sealed hashes that the chain pass compares against."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from .. import merkle
from ..canonical import GENESIS
from ..checkpoints import (
    digest,
    leaf_hashes,
    signature_valid,
    statement_doc,
    statement_of,
    tree_head_of,
)
from ..models import Checkpoint
from .chains import Sealed
from .report import Report

STATEMENT_KEYS = ("number", "at", "last_event_id", "size", "root", "prev")
TREE_KEYS = ("tree_size", "tree_root", "tree_signature")


@dataclass
class Tree:
    """The whole log's tree as verification grew it: size, frontier, root."""

    size: int = 0
    frontier: list[bytes] = field(default_factory=list)

    @property
    def root(self) -> bytes:
        return merkle.frontier_root(self.frontier)

    @classmethod
    def stored(cls, cp: Checkpoint) -> Tree | None:
        """The tree `cp` recorded, if its frontier folds to its root (which is signed)."""
        try:
            frontier = [bytes.fromhex(h) for h in cp.frontier]
        except (TypeError, ValueError):
            return None
        tree = cls(cp.tree_size or 0, frontier)
        if len(frontier) != bin(tree.size).count("1") or tree.root.hex() != cp.tree_root:
            return None
        return tree


@dataclass
class Leaves:
    """A checkpoint's leaf hashes, known to make its signed root: the hashes
    themselves (one process), or the perfect subtrees they add to a tree of
    `offset` leaves (merkle.aligned_blocks), as a worker process sends them."""

    count: int
    hashes: list[bytes] | None = None
    offset: int = 0
    blocks: list[tuple[bytes, int]] | None = None

    def fits(self, before: Tree) -> bool:
        return self.hashes is not None or before.size == self.offset

    def grow(self, before: Tree) -> Tree:
        size = before.size + self.count
        if self.hashes is not None:
            return Tree(size, merkle.frontier_append(before.frontier, before.size, self.hashes))
        return Tree(size, merkle.frontier_extend(before.frontier, before.size, self.blocks))


def sealed_leaves(entries, doc: dict, offset: int | None = None) -> Leaves | None:
    """The Merkle work of one checkpoint: its leaves if they make the signed root,
    else None; cut into subtrees for a tree of `offset` leaves, if given."""
    hashes = matching_leaves(entries, doc)
    if hashes is None:
        return None
    if offset is None:
        return Leaves(len(hashes), hashes=hashes)
    return Leaves(len(hashes), offset=offset, blocks=merkle.aligned_blocks(hashes, offset))


def tree_offsets(rows: list[Checkpoint]) -> list[int]:
    """The tree's size before each checkpoint, when every one before it holds."""
    offsets, size = [], 0
    for cp in rows:
        offsets.append(size)
        size += cp.size or 0
    return offsets


def check_tree(
    report: Report, cp: Checkpoint, leaves: Leaves | list[bytes] | None, before: Tree | None, key
) -> Tree | None:
    """`cp`'s tree head against the tree before it grown by its leaves, and its
    consistency proof from the previous head; returns the tree after `cp`.

    `leaves` None: they did not hash to the signed root (reported elsewhere), so
    the tree goes on from what `cp` recorded. Checkpoints sealed before the tree
    existed carry no head: their leaves only grow it.
    """
    if isinstance(leaves, list):
        leaves = Leaves(len(leaves), hashes=leaves)
    grown = None
    if before is not None and leaves is not None:
        grown = leaves.grow(before)
    if cp.tree_size is None:
        return grown
    where = {"checkpoint": cp.number}
    signed = key is None or signature_valid(tree_head_of(cp), cp.tree_signature, key)
    if not signed or (
        grown is not None and (grown.size != cp.tree_size or grown.root.hex() != cp.tree_root)
    ):
        report.add("checkpoint_tree", **where)
    if before is not None and before.size:
        try:
            proof = [bytes.fromhex(h) for h in cp.consistency]
            new_root = bytes.fromhex(cp.tree_root)
        except (TypeError, ValueError):
            proof, new_root = None, b""
        if proof is None or not merkle.verify_consistency(
            before.size, cp.tree_size, before.root, new_root, proof
        ):
            report.add("checkpoint_consistency", **where)
    return grown if grown is not None else Tree.stored(cp)


def _key() -> bytes | None:
    key = getattr(settings, "AUDIT_CHECKPOINT_KEY", "")
    return key.encode("utf-8") if key else None


def matching_leaves(entries, doc: dict) -> list[bytes] | None:
    """The leaf hashes of `entries` if they make the signed root, else None."""
    try:
        leaves = leaf_hashes(entries)
    except (TypeError, ValueError):
        return None
    if len(leaves) == doc["size"] and merkle.root(leaves).hex() == doc["root"]:
        return leaves
    return None


def _leaves_match(entries, doc: dict) -> bool:
    return matching_leaves(entries, doc) is not None


def published_differs(cp: Checkpoint, doc: dict, kept: dict) -> list[str]:
    """The fields in which the database's checkpoint differs from a published one."""
    kept_doc = statement_doc(**{k: kept.get(k) for k in STATEMENT_KEYS})
    differ = [k for k in STATEMENT_KEYS if kept_doc[k] != doc[k]]
    if kept.get("signature") != cp.signature:
        differ.append("signature")
    if "tree_root" in kept:
        ours = {
            "tree_size": cp.tree_size,
            "tree_root": cp.tree_root,
            "tree_signature": cp.tree_signature,
        }
        differ += [k for k in TREE_KEYS if kept.get(k) != ours[k]]
    return differ


def _index(sealed: dict[str, Sealed], entries, number: int) -> None:
    for subject, first, hexes in entries:
        last = first + len(hexes) // 64 - 1
        have = sealed.get(subject)
        if have is not None and have.last + 1 == first:
            have.hexes += hexes
            have.numbers.append((last, number))
        elif have is None or first > have.last:
            # A gap between runs (never in genuine data): keep the newest run only.
            sealed[subject] = Sealed(first, hexes, [(last, number)])


def exported_docs(exported: dict | None) -> dict[int, dict]:
    if not exported:
        return {}
    return {int(c["number"]): c for c in exported.get("checkpoints", [])}


def check_checkpoints(report: Report, *, exported: dict | None = None):
    """Verify every checkpoint; returns (sealed index, highest sealed event id).

    `exported` is a checkpoints export kept outside the database: each of its
    checkpoints must still be in the database, unchanged; where the database
    lost one, the export's own entries (if it carries them) stand in.
    """
    rows = list(Checkpoint.objects.order_by("number"))
    outside = exported_docs(exported)
    through, plan = checkpoints_checked(report, rows, outside)
    return sealed_index(plan, rows, outside), through


def sealed_index(plan: list[tuple[str, int]], rows: list[Checkpoint], outside: dict) -> dict:
    """The sealed index `plan` (checkpoints_checked) says to build: ("db", i) the
    entries of rows[i], ("kept", number) those of the export's checkpoint."""
    sealed: dict[str, Sealed] = {}
    for source, at in plan:
        if source == "db":
            _index(sealed, rows[at].entries, rows[at].number)
        else:
            _index(sealed, outside[at]["entries"], at)
    return sealed


def checkpoints_checked(
    report: Report,
    rows: list[Checkpoint],
    outside: dict[int, dict],
    leaves: list[Leaves | None] | None = None,
) -> tuple[int, list[tuple[str, int]]]:
    """check_checkpoints' checks of `rows` (every checkpoint, in number order);
    returns (highest sealed event id, the sealed index's plan for sealed_index).

    `leaves`: each row's Merkle work (sealed_leaves) done elsewhere, e.g. by the
    worker processes (parallel.Workers.merkle); a row's work cut for a tree of
    another size than the one it meets here is done again, in this process.
    """
    key = _key()
    plan: list[tuple[str, int]] = []
    through = 0
    prev_doc = None
    report.checkpoints = len(rows)
    if key is None and (rows or outside):
        report.add("checkpoint_key_missing")
    seen = set()
    tree: Tree | None = Tree()
    for i, cp in enumerate(rows):
        doc = statement_of(cp)
        seen.add(cp.number)
        where = {"checkpoint": cp.number}
        expected_prev = digest(prev_doc) if prev_doc else GENESIS
        expected_number = prev_doc["number"] + 1 if prev_doc else 1
        if cp.prev != expected_prev or cp.number != expected_number:
            report.add("checkpoint_link", **where, expected_number=expected_number)
        if key is not None and not signature_valid(doc, cp.signature, key):
            report.add("checkpoint_signature", **where)
        kept = outside.get(cp.number)
        source: tuple[str, int] | None = ("db", i)
        mine = sealed_leaves(cp.entries, doc) if leaves is None else leaves[i]
        if mine is not None and tree is not None and not mine.fits(tree):
            mine = sealed_leaves(cp.entries, doc)
        if mine is None:
            report.add("checkpoint_entries", **where)
        if kept is not None and (differ := published_differs(cp, doc, kept)):
            report.add("checkpoint_differs", **where, fields=differ)
            # What left the database stands: its leaves, signed, are what the events
            # must match, so the chain pass names the subjects that changed.
            kept_doc = statement_doc(**{k: kept.get(k) for k in STATEMENT_KEYS})
            kept_signed = key is None or signature_valid(kept_doc, kept.get("signature", ""), key)
            if kept_signed and "entries" in kept and _leaves_match(kept["entries"], kept_doc):
                source = ("kept", cp.number)
            elif mine is None:
                source = None
        elif mine is None:
            # The export's entries, if they verify against the export's root, still locate.
            if kept is not None and "entries" in kept and _leaves_match(kept["entries"], doc):
                source = ("kept", cp.number)
            else:
                source = None
        tree = check_tree(report, cp, mine, tree, key)
        if source is not None:
            plan.append(source)
        through = max(through, cp.last_event_id)
        prev_doc = doc
    for number in sorted(set(outside) - seen):
        kept = outside[number]
        report.add("checkpoint_missing", checkpoint=number)
        doc = statement_doc(**{k: kept.get(k) for k in STATEMENT_KEYS})
        signed = key is None or signature_valid(doc, kept.get("signature", ""), key)
        if signed and "entries" in kept and _leaves_match(kept["entries"], doc):
            plan.append(("kept", number))
            through = max(through, int(doc["last_event_id"]))
    return through, plan
