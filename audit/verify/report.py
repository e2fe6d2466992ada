"""What verification found, each problem at its exact place."""

from __future__ import annotations

from dataclasses import dataclass, field

# Problems and what they mean; every one names the subject and sequence it is
# about (checkpoint problems name the checkpoint instead).
KINDS = {
    "hash_mismatch": "the event's content does not match its hash (edited, or moved)",
    "broken_link": "prev_hash is not the previous event's hash (inserted, deleted or reordered)",
    "sequence_gap": "a sequence number is missing before this event (expected_seq was deleted)",
    "sealed_event_changed": "differs from what a checkpoint sealed (rewritten from here on)",
    "truncated_tail": "sealed events from here on are gone",
    "unsealed_event": "sits among sealed events but no checkpoint sealed it (inserted later)",
    "record_disagrees": "the live record's state or version is not the chain head's",
    "record_missing": "the chain's subject has no live record",
    "chain_missing": "a live record has no chain",
    "checkpoint_signature": "the checkpoint's signature does not verify",
    "checkpoint_link": "the checkpoint does not follow from the previous one",
    "checkpoint_entries": "the stored leaves do not hash to the signed root",
    "checkpoint_missing": "an exported checkpoint is not in the database",
    "checkpoint_differs": "an exported checkpoint differs from the database's",
    "checkpoint_key_missing": "no key to check checkpoint signatures with",
    "checkpoint_tree": "the tree head (size, root, signature) does not follow from the leaves",
    "checkpoint_consistency": "the consistency proof from the previous tree head does not verify",
    "checkpoint_head": "a recorded chain head is not a leaf of its checkpoint's signed root",
}


@dataclass
class Report:
    checked: int = 0
    problems: list[dict] = field(default_factory=list)
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: str, **where) -> None:
        self.problems.append({**where, "problem": problem})

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "checkpoints": self.checkpoints,
            "problems": self.problems,
        }
