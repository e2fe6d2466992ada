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
the chain pass runs in that many processes (parallel.py) on that snapshot, and
the checkpoints' Merkle work of step 1 is shared out among them before it.
"""

from __future__ import annotations

from contextlib import nullcontext

from ..models import AuditEvent, Checkpoint
from . import parallel, reader, seals, snapshot
from .chains import Context, check_chains
from .records import check_records, stateful_types
from .report import KINDS, Report
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


def _chains_and_records(
    ctx: Context, *, workers: int, chunk_size: int, records: bool, checkpoints=None
) -> None:
    """The chain pass and (`records`) the live records; with `checkpoints`, a
    function of the report and the workers (None: one process) that checks
    the checkpoints and sets ctx's sealed index first (verify_audit)."""
    workers = parallel.workers_wanted(workers)
    shared = parallel.usable(workers)
    rows, outside = (
        checkpoints.rows if checkpoints else [],
        checkpoints.outside if checkpoints else {},
    )
    # The workers are forked first, with no connection open; then the snapshot they join.
    with (
        parallel.Workers(ctx, workers, chunk_size, rows=rows, outside=outside)
        if shared
        else nullcontext() as shares
    ):
        plan = checkpoints.check(ctx, shares) if checkpoints else []
        with snapshot.consistent_reads() as cursor:
            if shares is None:
                heads = check_chains(reader.stream(chunk_size=chunk_size), ctx)
            else:
                heads = shares.check_chains(snapshot.export(cursor), plan)
            if records:
                check_records(heads, ctx.report)


class _Checkpoints:
    """Every checkpoint, read before any worker is forked (they inherit them), and
    checked by the parent with their Merkle work shared out to the workers."""

    def __init__(self, exported: dict | None) -> None:
        self.rows = list(Checkpoint.objects.order_by("number"))
        self.outside = seals.exported_docs(exported)

    def check(self, ctx: Context, shares: parallel.Workers | None) -> list:
        leaves = shares.merkle() if shares is not None else None
        through, plan = seals.checkpoints_checked(ctx.report, self.rows, self.outside, leaves)
        ctx.sealed = seals.sealed_index(plan, self.rows, self.outside)
        ctx.sealed_through = through
        return plan


def verify_chains(*, chunk_size: int = 10000, workers: int = 1) -> Report:
    """The hash chains alone (no checkpoints, no live records)."""
    report = Report()
    _chains_and_records(Context(report), workers=workers, chunk_size=chunk_size, records=False)
    return _ordered(report)


def verify_audit(
    *, exported: dict | None = None, chunk_size: int = 10000, workers: int = 1
) -> Report:
    """Everything; `workers` processes for the chain pass and the checkpoints'
    Merkle work (0: one per CPU), where usable.

    `exported`: checkpoints kept outside the database (an export, or the published
    heads); when not given, the heads published to AUDIT_PUBLISH_DIR, if any.
    """
    if exported is None:
        from ..publish import published_default

        exported = published_default()
    report = Report()
    checkpoints = _Checkpoints(exported)
    types = AuditEvent.objects.order_by().values_list("subject_type", flat=True).distinct()
    ctx = Context(report, head_types=stateful_types(set(types)))
    _chains_and_records(
        ctx, workers=workers, chunk_size=chunk_size, records=True, checkpoints=checkpoints
    )
    report = _ordered(report)
    from .last import verification_record

    verification_record(ok=not report.problems, problems=len(report.problems))
    return report
