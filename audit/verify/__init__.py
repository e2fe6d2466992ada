"""Recompute everything and say exactly where it breaks.

verify_audit() runs, in order:
1. the checkpoints (signature, their own chain, leaves against the signed root,
   and an export kept outside the database, if given);
2. one pass over every event (chains.py): the hash of each event, the link and
   sequence number to the previous one, and each sealed event against its
   sealed hash, which finds truncated tails, rewritten suffixes and late
   insertions;
3. live records (state, version) against the heads of their chains.
"""

from __future__ import annotations

from ..models import AuditEvent
from . import reader
from .chains import Context, check_chains
from .records import check_records, stateful_types
from .report import KINDS, Report
from .seals import check_checkpoints
from .subject import verify_subject

__all__ = ["KINDS", "Report", "verify_audit", "verify_chains", "verify_subject"]


def _ordered(report: Report) -> Report:
    report.problems.sort(
        key=lambda p: (p.get("subject", ""), p.get("seq", 0), p.get("checkpoint") or 0)
    )
    return report


def verify_chains(*, chunk_size: int = 10000) -> Report:
    """The hash chains alone (no checkpoints, no live records)."""
    report = Report()
    check_chains(reader.stream(chunk_size=chunk_size), Context(report))
    return _ordered(report)


def verify_audit(*, exported: dict | None = None, chunk_size: int = 10000) -> Report:
    report = Report()
    sealed, through = check_checkpoints(report, exported=exported)
    types = AuditEvent.objects.order_by().values_list("subject_type", flat=True).distinct()
    ctx = Context(
        report, sealed=sealed, sealed_through=through, head_types=stateful_types(set(types))
    )
    heads = check_chains(reader.stream(chunk_size=chunk_size), ctx)
    check_records(heads, report)
    return _ordered(report)
