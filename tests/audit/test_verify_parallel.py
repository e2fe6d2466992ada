"""The chain pass in several processes finds what one process finds, on one snapshot.

These tests commit (the worker processes have their own connections and see
only committed rows), so they run on PostgreSQL only, where the parallel
verifier runs; elsewhere verify_audit(workers=N) is the one-process pass.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

import audit.verify as verify
from audit.checkpoints import checkpoint_seal
from audit.verify import parallel, verify_audit, verify_chains
from audit.verify.chains import NO_VERSION

from ..flow import advance
from .mutations import KINDS, SUBJECT_TYPE
from .tamper import raw
from .test_mutations import library, place  # noqa: F401  (library: the fixture)


def committed(test):
    """Rows committed, for the worker processes' own connections to see."""
    return pytest.mark.postgres(pytest.mark.django_db(transaction=True)(test))


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the parallel verifier runs on PostgreSQL (run with DATABASE_URL)")
    # Else these tests would quietly compare one process with itself.
    assert not parallel.obstacles(2), (parallel.obstacles(2), threading.enumerate())


def test_no_version_survives_pickling():
    """Heads travel between processes; `is NO_VERSION` must still hold after."""
    assert pickle.loads(pickle.dumps(NO_VERSION)) is NO_VERSION


@pytest.mark.django_db
def test_inside_a_transaction_one_process_does_it(histories):
    """The caller's transaction holds rows other processes cannot see: one process then."""
    assert connection.in_atomic_block
    assert any("inside a transaction" in o for o in parallel.obstacles(2))
    assert verify_audit(workers=2).as_dict() == verify_audit().as_dict()


@pytest.mark.parametrize("workers", [None, 0])
def test_zero_workers_means_one_per_cpu_up_to_eight(workers):
    cpus = len(os.sched_getaffinity(0))
    assert parallel.workers_wanted(workers) == min(cpus, parallel.MAX_DEFAULT_WORKERS)
    assert parallel.workers_wanted(12) == 12


def test_a_daemonic_process_checks_alone(monkeypatch):
    """Celery's pool workers are daemonic and may not fork children."""
    reason = "a daemonic process (a Celery pool worker) may not have children"
    assert reason not in parallel.obstacles(2)

    class Daemonic:
        daemon = True

    monkeypatch.setattr(multiprocessing, "current_process", Daemonic)
    assert reason in parallel.obstacles(2)
    assert not parallel.usable(2)


def test_other_threads_mean_one_process():
    """Forking a process whose other threads hold locks is unsafe."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert any("other threads" in o for o in parallel.obstacles(2))
        assert not parallel.usable(2)
    finally:
        stop.set()
        thread.join()


def test_one_worker_or_sqlite_is_one_process():
    assert "one process asked for" in parallel.obstacles(1)
    assert ("not PostgreSQL" in parallel.obstacles(2)) == (connection.vendor != "postgresql")


@pytest.mark.django_db
def test_command_refuses_negative_workers():
    with pytest.raises(CommandError, match="--workers"):
        call_command("verify_audit", "--workers", "-1")


@committed
def test_genuine_history_in_shares(on_postgres, library):  # noqa: F811
    checkpoint_seal()
    one = verify_audit()
    assert one.ok, one.problems
    for workers in (2, 3):
        shared = verify_audit(workers=workers)
        assert shared.ok, shared.problems
        assert shared.checked == one.checked > 0
    assert verify_chains(workers=2).as_dict() == verify_chains().as_dict()


@committed
def test_every_kind_of_tampering_found_alike(on_postgres, library):  # noqa: F811
    """One kind of tampering per appraisal, committed: every process count
    reports the same problems, each at its victim."""
    checkpoint_seal()
    expected = {}
    for (kind, tamper), appraisal in zip(KINDS.items(), library[: len(KINDS)], strict=True):
        outcome = tamper(str(appraisal.pk), 1, 1)
        assert outcome is not None, kind
        expected[f"{SUBJECT_TYPE}:{appraisal.pk}"] = outcome
    # A whole chain cut off: no share sees any of its events.
    gone = library[len(KINDS)]
    expected[f"{SUBJECT_TYPE}:{gone.pk}"] = KINDS["truncate"](str(gone.pk), 0, 0)
    one = verify_audit()
    found = {(p.get("subject"), place(p), p["problem"]) for p in one.problems}
    for subject, (seq, problem) in expected.items():
        assert (subject, seq, problem) in found, (subject, seq, problem, one.problems)
    assert {p.get("subject") for p in one.problems} <= set(expected)
    # 12: more shares than subjects, some of them empty.
    for workers in (2, 3, 12):
        assert verify_audit(workers=workers).as_dict() == one.as_dict()


@committed
def test_a_failing_share_fails_the_verification(on_postgres, appraisal, monkeypatch):
    """No quiet "ok" from the shares that did finish; no worker left behind."""

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(parallel, "check_chains", broken)  # inherited by the forks
    with pytest.raises(RuntimeError, match="disk on fire"):
        verify_audit(workers=2)
    assert not multiprocessing.active_children()
    monkeypatch.undo()
    assert verify_audit(workers=2).ok


@pytest.mark.parametrize(
    ("workers", "before"),
    [
        (1, "check_records"),
        (2, "check_records"),
        (2, "shares"),
    ],
)
@committed
def test_a_transition_committed_meanwhile_is_no_disagreement(
    on_postgres, org, appraisal, monkeypatch, workers, before
):
    """Chains and live records are read in one snapshot: a plan submitted while
    verification runs (after the snapshot was taken, before the records, or
    the shares' chains, are read) is not taken for a forged record."""
    target = parallel.Workers if before == "shares" else verify
    name = "check_chains" if before == "shares" else before
    real = getattr(target, name)

    def submitted_first(*args, **kwargs):
        def submit():
            try:
                advance(appraisal, "plan_submitted", users=org.users)
            finally:
                connections.close_all()

        thread = threading.Thread(target=submit)
        thread.start()
        thread.join(timeout=60)
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, submitted_first)
    report = verify_audit(workers=workers)
    assert report.ok, report.problems
    appraisal.refresh_from_db()
    assert appraisal.state == "plan_submitted"
    monkeypatch.undo()
    assert verify_audit(workers=workers).ok


@committed
def test_command_takes_workers(on_postgres, appraisal, capsys):
    call_command("verify_audit", "--workers", "2")
    assert '"ok": true' in capsys.readouterr().out


def _flip(hexes: str) -> str:
    return ("1" if hexes[0] == "0" else "0") + hexes[1:]


def _tamper_checkpoint(cp, how: str) -> str:
    """One checkpoint changed as a superuser would; returns the problem it must raise."""
    if how == "leaf":  # one sealed hash changed in its entries
        entries = [list(e) for e in cp.entries]
        entries[-1][2] = _flip(entries[-1][2])
        raw(
            "UPDATE audit_checkpoint SET entries = CAST(%s AS jsonb) WHERE number = %s",
            [json.dumps(entries), cp.number],
        )
        return "checkpoint_entries"
    if how == "root":  # the signed Merkle root
        raw("UPDATE audit_checkpoint SET root = %s WHERE number = %s", [_flip(cp.root), cp.number])
        return "checkpoint_entries"
    if how == "tree_root":  # the whole log's tree head
        raw(
            "UPDATE audit_checkpoint SET tree_root = %s WHERE number = %s",
            [_flip(cp.tree_root), cp.number],
        )
        return "checkpoint_tree"
    assert how == "consistency" and cp.consistency, "the first checkpoint proves nothing"
    proof = [_flip(cp.consistency[0]), *cp.consistency[1:]]
    raw(
        "UPDATE audit_checkpoint SET consistency = CAST(%s AS jsonb) WHERE number = %s",
        [json.dumps(proof), cp.number],
    )
    return "checkpoint_consistency"


@pytest.mark.parametrize("how", ["leaf", "root", "tree_root", "consistency"])
@committed
def test_a_tampered_checkpoint_is_found_when_workers_do_the_merkle_work(
    on_postgres,
    library,  # noqa: F811
    monkeypatch,
    how,
):
    """The checkpoints' leaves, roots and tree heads are rebuilt in the worker
    processes: a changed sealed leaf, root, tree head or consistency proof is
    found there, at its checkpoint, as one process finds it."""
    sealed = checkpoint_seal(max_events=5)
    assert len(sealed) >= 6
    victim = sealed[len(sealed) // 2]
    problem = _tamper_checkpoint(victim, how)
    one = verify_audit()
    assert (problem, victim.number) in {(p["problem"], p.get("checkpoint")) for p in one.problems}
    shared_out = []
    real = parallel.Workers.merkle

    def watched(self):
        leaves = real(self)
        shared_out.append(leaves)
        return leaves

    monkeypatch.setattr(parallel.Workers, "merkle", watched)
    for workers in (2, 3):
        assert verify_audit(workers=workers).as_dict() == one.as_dict()
    assert len(shared_out) == 2
    for leaves in shared_out:
        # Sent back by the workers: cut into subtrees there, no leaf hashes.
        done = [(i, work) for i, work in enumerate(leaves) if work is not None]
        assert len(done) >= len(sealed) - 1
        assert all(work.hashes is None and work.blocks for _, work in done)
        if how in ("leaf", "root"):
            assert leaves[sealed.index(victim)] is None
