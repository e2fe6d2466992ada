"""Recompute every chain and say exactly where it breaks."""

from __future__ import annotations

from dataclasses import dataclass, field

from .canonical import GENESIS, chain_hash
from .models import AuditEvent


@dataclass
class Report:
    checked: int = 0
    problems: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {"ok": self.ok, "checked": self.checked, "problems": self.problems}


def verify_chains(*, queryset=None, chunk_size: int = 5000) -> Report:
    report = Report()
    qs = (queryset if queryset is not None else AuditEvent.objects.all()).order_by(
        "subject_type", "subject_id", "seq"
    )
    subject = None
    expected_seq, prev_hash = 1, GENESIS
    for event in qs.iterator(chunk_size=chunk_size):
        if event.subject != subject:
            subject, expected_seq, prev_hash = event.subject, 1, GENESIS
        report.checked += 1
        where = {"subject": event.subject, "seq": event.seq, "event_id": event.pk}
        if event.seq != expected_seq:
            report.problems.append(
                {**where, "problem": "sequence_gap", "expected_seq": expected_seq}
            )
        if event.prev_hash != prev_hash:
            report.problems.append({**where, "problem": "broken_link"})
        if chain_hash(event.prev_hash, event.canonical()) != event.hash:
            report.problems.append({**where, "problem": "hash_mismatch"})
        expected_seq, prev_hash = event.seq + 1, event.hash
    return report
