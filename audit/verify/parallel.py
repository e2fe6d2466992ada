"""The chain pass in several processes (PostgreSQL), for databases with many events.

Subjects are split into `workers` shares by a hash of their name, computed in
SQL; each share is checked by one forked process with its own connection,
streaming only its events through the same code as one process
(chains.check_chains). All of them read one snapshot: the parent exports it
from its REPEATABLE READ transaction (as pg_dump --jobs does), so shares,
heads and live records agree even while people keep working. The parent then
merges problems and heads; a sealed subject that no share saw is a chain
truncated from its first event, as in one process.

Fork, not spawn: the children inherit the loaded project, the sealed index
and the subject types without pickling them. They are forked before the
parent opens its transaction, with every connection closed, so no child ever
holds the parent's socket. Where this cannot hold (SQLite, inside a caller's
transaction, a daemonic process such as a Celery pool worker, no fork), the
caller checks in one process: `usable` says which.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from django.db import connection, connections, transaction

from . import reader
from .chains import Context, Head, check_chains, report_unseen
from .report import Report

_SHARE = 'mod(hashtext("subject_type" || \':\' || "subject_id")::bigint + 2147483648, %s) = %s'
# What the forked children inherit: set by `pool`, read by `_check_share`.
_inherited: dict = {}


def workers_wanted(workers: int | None) -> int:
    """`workers`, where 0 (or None) means one per CPU this process may use."""
    if not workers:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return workers


def usable(workers: int) -> bool:
    return (
        workers > 1
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and not multiprocessing.current_process().daemon
        and "fork" in multiprocessing.get_all_start_methods()
    )


def begin_snapshot(cursor, snapshot: str | None = None) -> None:
    """Make the current transaction a read-only REPEATABLE READ one, on
    `snapshot` (exported by another transaction) if given."""
    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    if snapshot:
        cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])


def pool(ctx: Context, workers: int, chunk_size: int) -> ProcessPoolExecutor:
    """`workers` processes forked now, each holding `ctx`; close it when done."""
    _inherited.update(ctx=ctx, workers=workers, chunk_size=chunk_size)
    connections.close_all()
    executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        # With fork, the first task forks every worker at once: now, with no
        # connection open, rather than later inside the parent's transaction.
        executor.submit(os.getpid).result()
    except BaseException:
        executor.shutdown(cancel_futures=True)
        raise
    finally:
        _inherited.clear()
    return executor


def _check_share(share: int, snapshot: str):
    """In a child: one share of the subjects; returns what the parent merges."""
    ctx, workers = _inherited["ctx"], _inherited["workers"]
    report = Report()
    mine = Context(
        report,
        sealed=ctx.sealed,
        sealed_through=ctx.sealed_through,
        head_types=ctx.head_types,
    )
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            begin_snapshot(cursor, snapshot)
            chunks = reader.stream(
                where=_SHARE, params=[workers, share], chunk_size=_inherited["chunk_size"]
            )
            heads = check_chains(chunks, mine, unseen=False)
    finally:
        connections.close_all()
    return report.checked, report.problems, heads, set(mine.sealed)


def check_chains_shared(
    executor: ProcessPoolExecutor, ctx: Context, workers: int, snapshot: str
) -> dict[str, dict[str, Head]]:
    """check_chains over every share, in the pool's processes, on `snapshot`."""
    heads: dict[str, dict[str, Head]] = {t: {} for t in ctx.head_types}
    unseen: set[str] | None = None
    for checked, problems, share_heads, left in executor.map(
        _check_share, range(workers), [snapshot] * workers
    ):
        ctx.report.checked += checked
        ctx.report.problems.extend(problems)
        for subject_type, by_id in share_heads.items():
            heads[subject_type].update(by_id)
        unseen = left if unseen is None else unseen & left
    report_unseen(ctx, sorted(unseen or ()))
    return heads
