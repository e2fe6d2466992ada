"""Recompute everything and say exactly where it breaks.

verify_audit() runs, in order:
1. the checkpoints (signature, their own chain, leaves against the signed root,
   and an export kept outside the database, if given);
2. one pass over every event (chains.py): the hash of each event, the link and
   sequence number to the previous one, and each sealed event against its
   sealed hash, which finds truncated tails, rewritten suffixes and late
   insertions;
3. live records (state, version) against the heads of their chains.

On PostgreSQL, 2 and 3 read one snapshot (snapshot.py). With `workers` > 1,
the chain pass runs in that many processes (parallel.py) on that snapshot.
"""

from __future__ import annotations

from contextlib import nullcontext

from ..models import AuditEvent
from . import parallel, reader, snapshot
from .chains import Context, check_chains
from .records import check_records, stateful_types
from .report import KINDS, Report
from .seals import check_checkpoints
from .since import CannotStart, verify_since
from .subject import verify_subject

__all__ = [
    "KINDS",
    "CannotStart",
    "Report",
    "verify_audit",
    "verify_chains",
    "verify_since",
    "verify_subject",
]


def _ordered(report: Report) -> Report:
    report.problems.sort(
        key=lambda p: (p.get("subject", ""), p.get("seq", 0), p.get("checkpoint") or 0)
    )
    return report


def _chains_and_records(ctx: Context, *, workers: int, chunk_size: int, records: bool) -> None:
    workers = parallel.workers_wanted(workers)
    shared = parallel.usable(workers)
    # The workers are forked first, with no connection open; then the snapshot they join.
    with (
        parallel.Workers(ctx, workers, chunk_size) if shared else nullcontext() as shares,
        snapshot.consistent_reads() as cursor,
    ):
        if shares is None:
            heads = check_chains(reader.stream(chunk_size=chunk_size), ctx)
        else:
            heads = shares.check_chains(snapshot.export(cursor))
        if records:
            check_records(heads, ctx.report)


def verify_chains(*, chunk_size: int = 10000, workers: int = 1) -> Report:
    """The hash chains alone (no checkpoints, no live records)."""
    report = Report()
    _chains_and_records(Context(report), workers=workers, chunk_size=chunk_size, records=False)
    return _ordered(report)


def verify_audit(
    *, exported: dict | None = None, chunk_size: int = 10000, workers: int = 1
) -> Report:
    """Everything; `workers` processes for the chain pass (0: one per CPU), where usable.

    `exported`: checkpoints kept outside the database (an export, or the published
    heads); when not given, the heads published to AUDIT_PUBLISH_DIR, if any.
    """
    if exported is None:
        from ..publish import published_default

        exported = published_default()
    report = Report()
    sealed, through = check_checkpoints(report, exported=exported)
    types = AuditEvent.objects.order_by().values_list("subject_type", flat=True).distinct()
    ctx = Context(
        report, sealed=sealed, sealed_through=through, head_types=stateful_types(set(types))
    )
    _chains_and_records(ctx, workers=workers, chunk_size=chunk_size, records=True)
    report = _ordered(report)
    from .last import verification_record

    verification_record(ok=not report.problems, problems=len(report.problems))
    return report
