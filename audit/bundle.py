"""Evidence bundles: one appraisal's (or one unit-cycle's) chains, with the
checkpoints that sealed them and an RFC 9162 inclusion proof for every sealed
event, as one JSON file that audit/verify_bundle.py checks on any machine.

The file is exactly `canonical_json(doc) + "\\n"` (sorted keys, no white space,
ASCII only) and `doc["digest"]` is the SHA-256 of the canonical JSON of the
rest: any changed byte either breaks the JSON, the canonical form or the
digest. What makes the content trustworthy is not the digest (anyone can
recompute it) but the hashes: each event's hash recomputes from its fields,
each chain links from GENESIS, each sealed event's leaf is proven under a
checkpoint root, and each checkpoint statement is signed (HMAC; the verifier
needs the key) or matches an export the inspectorate kept.
"""

from __future__ import annotations

import bisect
import hashlib
import json

from django.utils import timezone

from . import merkle
from .canonical import format_time
from .checkpoints import exported, leaf_hashes, leaf_index
from .models import AuditEvent, Checkpoint

FORMAT = "kinerja-audit-bundle/1"
EVENT_FIELDS = (
    "seq",
    "at",
    "actor_username",
    "actor_name",
    "action",
    "from_state",
    "to_state",
    "reason",
    "changes",
    "scope",
    "prev_hash",
    "hash",
)


def canonical_json(doc) -> bytes:
    return json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def bundle_bytes(doc: dict) -> bytes:
    return canonical_json(doc) + b"\n"


def digest_of(doc: dict) -> str:
    return hashlib.sha256(
        canonical_json({k: v for k, v in doc.items() if k != "digest"})
    ).hexdigest()


class _Trees:
    """Checkpoints by the events they cover, each tree built once."""

    def __init__(self) -> None:
        self.checkpoints = list(Checkpoint.objects.order_by("number"))
        self.lasts = [cp.last_event_id for cp in self.checkpoints]
        self.trees: dict[int, list[list[bytes]]] = {}
        self.used: dict[int, Checkpoint] = {}

    def proof(self, event_id: int, subject: str, seq: int) -> dict | None:
        at = bisect.bisect_left(self.lasts, event_id)
        if at == len(self.checkpoints):
            return None  # not sealed yet
        cp = self.checkpoints[at]
        index = leaf_index(cp.entries, subject, seq)
        if index is None:
            return None
        tree = self.trees.get(cp.number)
        if tree is None:
            tree = self.trees[cp.number] = merkle.levels(leaf_hashes(cp.entries))
        self.used[cp.number] = cp
        path = merkle.inclusion_path(tree, index)
        return {"checkpoint": cp.number, "index": index, "path": [p.hex() for p in path]}


def _event(row: dict, proof: dict | None) -> dict:
    return {
        "seq": row["seq"],
        "at": format_time(row["at"]),
        "actor": row["actor_username"],
        "actor_name": row["actor_name"],
        "action": row["action"],
        "from_state": row["from_state"],
        "to_state": row["to_state"],
        "reason": row["reason"],
        "changes": row["changes"],
        "scope": row["scope"],
        "prev_hash": row["prev_hash"],
        "hash": row["hash"],
        "proof": proof,
    }


def bundle_build(*, subjects: list[str], title: str = "") -> dict:
    """The evidence bundle of `subjects` ("app_label.model:id"), every event from seq 1."""
    trees = _Trees()
    out = []
    for subject in subjects:
        subject_type, _, subject_id = subject.partition(":")
        rows = (
            AuditEvent.objects.filter(subject_type=subject_type, subject_id=subject_id)
            .order_by("seq")
            .values("id", *EVENT_FIELDS)
        )
        events = [_event(r, trees.proof(r["id"], subject, r["seq"])) for r in rows]
        out.append({"subject": subject, "events": events})
    doc = {
        "format": FORMAT,
        "title": title,
        "generated_at": format_time(timezone.now()),
        "subjects": out,
        "checkpoints": [exported(cp) for _n, cp in sorted(trees.used.items())],
    }
    doc["digest"] = digest_of(doc)
    return doc
