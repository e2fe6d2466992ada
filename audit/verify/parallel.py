"""The chain pass in several processes (PostgreSQL), for databases with many events.

Subjects are split into `workers` shares by a hash of their name, computed in
SQL; each share is checked by one of the forked processes, over its own
connection, streaming only its events through the same code as one process
(chains.check_chains). All of them read the parent's snapshot (snapshot.py),
so shares, heads and live records agree even while people keep working. The
parent merges problems and heads; a sealed subject that no share saw is a
chain truncated from its first event, as in one process.

Fork, not spawn: the children inherit the loaded project, the sealed index
and the subject types without pickling them. They are forked with every
connection closed, before the parent opens its transaction, so no child ever
holds the parent's socket; they end with the parent (killed, it takes them
along) and are terminated when anything fails. Where this cannot hold
(SQLite, inside a transaction, with other threads running, in a daemonic
process such as a Celery pool worker, no fork), the caller checks in one
process: `obstacles` says why. Each worker holds one more database connection.

The checkpoints' Merkle work (each one's leaves hashed, its root and its share
of the log's tree rebuilt) is shared out too, before the chains: each worker
takes every `workers`-th checkpoint (`Workers.merkle`), from the rows the
parent read before forking; the parent then checks the checkpoints with that
work in hand (seals.checkpoints_checked), and each worker builds the sealed
index it decided on (seals.sealed_index) before its share of the chains.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import traceback
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from django.db import connection, connections, transaction

from ..checkpoints import statement_of
from . import reader, snapshot
from .chains import Context, Head, check_chains, report_unseen
from .report import Report
from .seals import Leaves, sealed_index, sealed_leaves, tree_offsets

_SHARE = 'mod(hashtext("subject_type" || \':\' || "subject_id")::bigint + 2147483648, %s) = %s'
# The default (workers=0) never asks for more than this many connections.
MAX_DEFAULT_WORKERS = 8
_PR_SET_PDEATHSIG = 1
# What the forked children inherit: set by `Workers`, read by `_check_share` and `_merkle_share`.
_inherited: dict = {}


def workers_wanted(workers: int | None) -> int:
    """`workers`, where 0 (or None) means one per CPU this process may use, at most 8."""
    if workers:
        return workers
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cpus or 1, MAX_DEFAULT_WORKERS))


def obstacles(workers: int) -> list[str]:
    """Why `workers` processes may not check the chains from here; none: they may."""
    opened = [c for c in connections.all(initialized_only=True) if c.connection is not None]
    found = []
    if workers < 2:
        found.append("one process asked for")
    if connection.vendor != "postgresql":
        found.append("not PostgreSQL")
    if not all(c.autocommit and not c.in_atomic_block for c in opened):
        found.append("inside a transaction, whose rows other processes cannot see")
    if threading.active_count() > 1:
        found.append("other threads are running, and may hold locks a fork would copy")
    if multiprocessing.current_process().daemon:
        found.append("a daemonic process (a Celery pool worker) may not have children")
    if "fork" not in multiprocessing.get_all_start_methods():
        found.append("no fork on this platform")
    return found


def usable(workers: int) -> bool:
    return not obstacles(workers)


def _die_with_parent(parent: int) -> None:
    """In a child: the kernel ends it when the parent dies (Linux), so no worker
    outlives a killed verification holding a connection and an old snapshot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # elsewhere an error in the parent still stops them (Workers.stop)
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)


def _merkle_share(share: int) -> dict[int, Leaves | None]:
    """The Merkle work of every `workers`-th checkpoint, from `share` on, by row index."""
    rows, step = _inherited["rows"], _inherited["workers"]
    offsets = tree_offsets(rows)
    return {
        i: sealed_leaves(rows[i].entries, statement_of(rows[i]), offsets[i])
        for i in range(share, len(rows), step)
    }


def _check_share(
    share: int, snapshot_id: str, plan: list, through: int
) -> tuple[int, list[dict], dict, set[str]]:
    """One share of the subjects, against the sealed index `plan` makes; returns
    (events checked, problems, heads, sealed subjects seen) for the parent to merge."""
    ctx = _inherited["ctx"]
    report = Report()
    sealed = sealed_index(plan, _inherited["rows"], _inherited["outside"])
    everything = set(sealed)
    mine = Context(
        report,
        sealed=sealed,  # consumed by the pass
        sealed_through=through,
        head_types=ctx.head_types,
    )
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            snapshot.begin(cursor, snapshot_id)
            chunks = reader.stream(
                where=_SHARE,
                params=[_inherited["workers"], share],
                chunk_size=_inherited["chunk_size"],
            )
            heads = check_chains(chunks, mine, unseen=False)
    finally:
        connections.close_all()
    return report.checked, report.problems, heads, everything - mine.sealed.keys()


def _child(share: int, pipe: Connection, parent: int) -> None:
    """A worker's life: the Merkle work if asked, then wait for the snapshot id
    and the sealed index's plan, check the share, send the result."""
    _die_with_parent(parent)
    try:
        job = pipe.recv()
        while job[0] == "merkle":
            pipe.send((True, _merkle_share(share)))
            job = pipe.recv()
        _, snapshot_id, plan, through = job
        result = (True, _check_share(share, snapshot_id, plan, through))
    except EOFError:
        return  # the parent gave up before starting us
    except BaseException:
        result = (False, traceback.format_exc())
    pipe.send(result)
    pipe.close()


class Workers:
    """One forked process per share, forked now with no connection open.

    `rows`: every checkpoint, for `merkle`; `outside`: the export's checkpoints
    by number (both inherited, for the sealed index the plan names).
    """

    def __init__(
        self,
        ctx: Context,
        shares: int,
        chunk_size: int,
        *,
        rows: list | None = None,
        outside: dict | None = None,
    ) -> None:
        self.ctx = ctx
        self.rows = rows or []
        self.pipes: dict[Connection, BaseProcess] = {}  # ours, to each share's process
        fork = multiprocessing.get_context("fork")
        _inherited.update(
            ctx=ctx, workers=shares, chunk_size=chunk_size, rows=self.rows, outside=outside or {}
        )
        connections.close_all()
        parent = os.getpid()
        try:
            for share in range(shares):
                mine, theirs = fork.Pipe()
                process = fork.Process(target=_child, args=(share, theirs, parent), daemon=True)
                process.start()
                theirs.close()
                self.pipes[mine] = process
        except BaseException:
            self.stop()
            raise
        finally:
            _inherited.clear()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        for process in self.pipes.values():
            if process.is_alive():
                process.terminate()
        for pipe, process in self.pipes.items():
            process.join()
            pipe.close()

    def results(self, job: tuple) -> Iterator:
        """Each share's result of `job` as it comes; a share that fails or dies raises."""
        for pipe in self.pipes:
            pipe.send(job)
        pending = dict(self.pipes)
        while pending:
            for pipe in wait(list(pending)):
                process = pending.pop(pipe)
                try:
                    ok, value = pipe.recv()
                except EOFError:
                    process.join()
                    raise RuntimeError(
                        f"a verification worker died (exit code {process.exitcode})"
                    ) from None
                if not ok:
                    raise RuntimeError(f"a verification worker failed:\n{value}")
                yield value

    def merkle(self) -> list[Leaves | None]:
        """sealed_leaves of every checkpoint (`rows`), shared out; by row."""
        leaves: list[Leaves | None] = [None] * len(self.rows)
        for done in self.results(("merkle",)):
            for i, work in done.items():
                leaves[i] = work
        return leaves

    def check_chains(
        self, snapshot_id: str, plan: list | None = None
    ) -> dict[str, dict[str, Head]]:
        """check_chains over every share, on `snapshot_id`, against the sealed index
        `plan` makes (seals.sealed_index; the parent's is `ctx.sealed`)."""
        ctx = self.ctx
        heads: dict[str, dict[str, Head]] = {t: {} for t in ctx.head_types}
        seen: set[str] = set()
        job = ("chains", snapshot_id, plan or [], ctx.sealed_through)
        for checked, problems, share_heads, share_seen in self.results(job):
            ctx.report.checked += checked
            ctx.report.problems.extend(problems)
            for subject_type, by_id in share_heads.items():
                heads[subject_type].update(by_id)
            seen |= share_seen
        report_unseen(ctx, sorted(ctx.sealed.keys() - seen))
        return heads
