"""Benchmark: verifying N audit events vs hashing the same canonical bytes with hashlib.

    .venv/bin/python benchmarks/audit_verify.py --events 1000000 --runs 3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/audit_verify.py --events 1000000 --runs 3

Creates a throw-away test database (Django's test DB machinery; SQLite in a
temporary file), writes N events in chains of --chain events (lifecycle-like
actions, changes, Indonesian reasons), seals them into checkpoints, then per
run times:

- `hashlib`: SHA-256(prev || canonical bytes) of every event, bytes in memory;
- `chains`: verify_chains(), every chain recomputed from the database;
- `full`: verify_audit(), chains + checkpoints (signatures, leaves, every
  sealed hash) + live records;
- `full-2`, `full-N`: verify_audit(workers=2) and with one worker per core
  (os.cpu_count(), or --workers): the checkpoints' Merkle work and then the
  chain pass in that many processes (PostgreSQL only; SQLite runs it in one),
  with the speed-up of each over `full` (one process).

Prints each run, the medians, events/s and the ratio to hashlib (the issue
aims for >= 0.3), and the CPU time this process spent verifying (PostgreSQL's
own CPU time to produce the rows comes on top; full-2's and full-N's worker
processes' CPU time is printed apart, as "workers").

With --incremental, instead: N sealed events (--events), then --new events
appended one to each of as many existing chains (continuing from their heads,
as new transitions do) and sealed in one more checkpoint; per run it times the
full verification against verify_since(the last checkpoint before the new
events) and prints the ratio (issue #21 aims for >= 50x at 1M sealed + 10k new):

    .venv/bin/python benchmarks/audit_verify.py --incremental --events 100000 --new 1000
    .venv/bin/python benchmarks/audit_verify.py --incremental --events 1000000 --new 10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.test")

PATH = [
    ("appraisal.created", "", "draft"),
    ("plan_item.created", "draft", "draft"),
    ("submit_plan", "draft", "plan_submitted"),
    ("behaviour.set", "plan_submitted", "plan_submitted"),
    ("approve_plan", "plan_submitted", "in_progress"),
    ("submit_self_assessment", "in_progress", "self_assessed"),
    ("submit_review", "self_assessed", "reviewed"),
    ("record_discussion", "reviewed", "discussed"),
    ("issue_result", "discussed", "result_issued"),
    ("accept_result", "result_issued", "final"),
]
REASONS = ["", "", "Perbaiki target kuantitas.", "Sesuai dialog kinerja — triwulan IV", ""]


def _changes(step: int, action: str, from_state: str, to_state: str, rng: random.Random):
    changes = {"version": [step or None, step + 1]}
    if from_state != to_state:
        changes["state"] = [from_state or None, to_state]
    if action == "plan_item.created":
        changes["plan_item"] = [
            None,
            {"result": f"Meningkatnya layanan {rng.randint(1, 500)}", "target": "12 sekolah"},
        ]
    if action == "submit_review":
        changes["result_rating"] = ["", rng.choice(["above", "meets", "below"])]
    return changes


def generate(n: int, chain: int, seed: int = 7) -> list[bytes]:
    """Write n events; returns their hash inputs (prev || canonical) for the baseline."""
    from django.db import connection
    from django.utils import timezone

    from audit.bulk import insert_rows
    from audit.canonical import GENESIS, canonical_bytes, normalise
    from audit.models import AuditEvent

    rng = random.Random(seed)
    start = timezone.now() - dt.timedelta(days=300)
    inputs: list[bytes] = []
    rows: list[dict] = []
    subjects = (n + chain - 1) // chain
    written = 0
    for s in range(subjects):
        prev = GENESIS
        scope = f"/1/{s % 37 + 2}/"
        for step in range(min(chain, n - written)):
            action, from_state, to_state = PATH[step % len(PATH)]
            at = start + dt.timedelta(
                seconds=s * 13 + step * 86400, microseconds=rng.randint(0, 999999)
            )
            changes = normalise(_changes(step, action, from_state, to_state, rng))
            fields = {
                "subject": f"bench.appraisal:{s + 1}",
                "seq": step + 1,
                "at": at,
                "actor": f"pegawai{s % 5000}",
                "actor_name": f"Pegawai Nomor {s % 5000}",
                "action": action,
                "from_state": from_state,
                "to_state": to_state,
                "reason": rng.choice(REASONS),
                "changes": changes,
                "scope": scope,
            }
            data = bytes.fromhex(prev) + canonical_bytes(**fields)
            digest = hashlib.sha256(data).hexdigest()
            inputs.append(data)
            rows.append(
                {
                    "subject_type": "bench.appraisal",
                    "subject_id": str(s + 1),
                    "seq": step + 1,
                    "at": at,
                    "actor_id": None,
                    "actor_username": fields["actor"],
                    "actor_name": fields["actor_name"],
                    "action": action,
                    "from_state": from_state,
                    "to_state": to_state,
                    "reason": fields["reason"],
                    "changes": changes,
                    "request_id": "",
                    "scope": scope,
                    "prev_hash": prev,
                    "hash": digest,
                }
            )
            prev = digest
            written += 1
        if len(rows) >= 50_000:
            _flush(connection, AuditEvent, rows, insert_rows)
            rows = []
    if rows:
        _flush(connection, AuditEvent, rows, insert_rows)
    return inputs


def extend(n: int, chain: int, seed: int = 11) -> int:
    """Append one event to each of the first n subjects, continuing its chain; returns n."""
    from django.db import connection
    from django.utils import timezone

    from audit.bulk import insert_rows
    from audit.canonical import canonical_bytes, normalise
    from audit.models import AuditEvent

    rng = random.Random(seed)
    heads = {}
    ids = [str(s + 1) for s in range(n)]
    for i in range(0, len(ids), 500):
        qs = AuditEvent.objects.filter(
            subject_type="bench.appraisal", subject_id__in=ids[i : i + 500]
        )
        for sid, seq, hash_ in qs.order_by("subject_id", "seq").values_list(
            "subject_id", "seq", "hash"
        ):
            heads[sid] = (seq, hash_)  # the last seq wins
    if len(heads) < n:
        raise SystemExit(f"--new {n} needs as many subjects; there are {len(heads)}")
    now = timezone.now()
    rows = []
    for s, sid in enumerate(ids):
        seq, prev = heads[sid][0] + 1, heads[sid][1]
        scope = f"/1/{s % 37 + 2}/"
        changes = normalise({"version": [seq - 1, seq], "catatan": f"tambahan {rng.randint(1, 9)}"})
        fields = {
            "subject": f"bench.appraisal:{sid}",
            "seq": seq,
            "at": now,
            "actor": f"pegawai{s % 5000}",
            "actor_name": f"Pegawai Nomor {s % 5000}",
            "action": "note.added",
            "from_state": "final",
            "to_state": "final",
            "reason": rng.choice(REASONS),
            "changes": changes,
            "scope": scope,
        }
        digest = hashlib.sha256(bytes.fromhex(prev) + canonical_bytes(**fields)).hexdigest()
        rows.append(
            {
                "subject_type": "bench.appraisal",
                "subject_id": sid,
                "seq": seq,
                "at": now,
                "actor_id": None,
                "actor_username": fields["actor"],
                "actor_name": fields["actor_name"],
                "action": "note.added",
                "from_state": "final",
                "to_state": "final",
                "reason": fields["reason"],
                "changes": changes,
                "request_id": "",
                "scope": scope,
                "prev_hash": prev,
                "hash": digest,
            }
        )
    _flush(connection, AuditEvent, rows, insert_rows)
    return n


def incremental(args) -> None:
    """Full verification against verify_since, 'sealed' + 'new' events."""
    from audit.checkpoints import checkpoint_seal
    from audit.verify import verify_audit, verify_since

    t = time.perf_counter()
    generate(args.events, args.chain)
    print(f"generated {args.events} in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    sealed = checkpoint_seal()
    print(f"sealed {len(sealed)} checkpoints in {time.perf_counter() - t:.1f} s")
    start = sealed[-1].number
    t = time.perf_counter()
    extend(args.new, args.chain)
    more = checkpoint_seal()
    print(
        f"{args.new} new events, {len(more)} more checkpoint(s) in {time.perf_counter() - t:.1f} s"
    )
    total = args.events + args.new
    full, since = [], []
    for run in range(args.runs):
        t = time.perf_counter()
        report = verify_audit()
        full.append(time.perf_counter() - t)
        assert report.ok and report.checked == total, report.problems[:5]
        t = time.perf_counter()
        report = verify_since(checkpoint=start)
        since.append(time.perf_counter() - t)
        assert report.ok and report.checked == args.new, report.problems[:5]
        print(f"run {run + 1}: full {full[-1]:.3f} s, since checkpoint {start} {since[-1]:.3f} s")
    f, i = statistics.median(full), statistics.median(since)
    print(
        f"median full: {f:.3f} s ({total / f:,.0f} events/s); "
        f"median incremental: {i:.3f} s ({args.new / i:,.0f} new events/s)"
    )
    print(f"incremental is {f / i:.1f}x faster than full (issue #21 aims for >= 50x at 1M + 10k)")


def _flush(connection, model, rows, insert_rows):
    from django.db import transaction

    with transaction.atomic():
        if connection.vendor == "postgresql":
            insert_rows(model, rows)
        else:
            model.objects.bulk_create([model(**r) for r in rows], batch_size=2000)


def _children_cpu() -> float:
    """CPU seconds of the ended child processes (the parallel verifier's workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def hash_only(inputs: list[bytes]) -> float:
    sha = hashlib.sha256
    t = time.perf_counter()
    for data in inputs:
        sha(data).hexdigest()
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--chain", type=int, default=10, help="events per subject")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--workers", type=int, default=0, help="processes for full-N (0: os.cpu_count())"
    )
    parser.add_argument(
        "--incremental",
        action="store_true",
        help="time full verification against verify_audit --since instead",
    )
    parser.add_argument(
        "--new", type=int, default=1000, help="with --incremental: events after the checkpoint"
    )
    args = parser.parse_args()

    import django
    from django.conf import settings

    tmp = tempfile.TemporaryDirectory()
    if not os.environ.get("DATABASE_URL"):
        settings.DATABASES["default"]["TEST"] = {"NAME": str(Path(tmp.name) / "bench.sqlite3")}
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from audit.checkpoints import checkpoint_seal
    from audit.models import AuditEvent
    from audit.verify import parallel, verify_audit, verify_chains

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        if args.incremental:
            print(f"database: {connection.vendor}, sealed: {args.events}, new: {args.new}")
            incremental(args)
            return
        workers = args.workers or os.cpu_count() or 1
        alone = "; ".join(parallel.obstacles(workers))
        print(
            f"database: {connection.vendor}, events: {args.events}, chain: {args.chain}, "
            f"workers: {workers}{f' (one process: {alone})' if alone else ''}"
        )
        t = time.perf_counter()
        inputs = generate(args.events, args.chain)
        print(f"generated in {time.perf_counter() - t:.1f} s")
        if connection.vendor == "postgresql":
            # What autovacuum would have done by now: statistics for the planner.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(AuditEvent._meta.db_table)}")
        t = time.perf_counter()
        sealed = checkpoint_seal()
        print(f"sealed {len(sealed)} checkpoints in {time.perf_counter() - t:.1f} s")
        counts = sorted({2, workers} - {1})
        shared = {f"full-{w}": w for w in counts}
        results = {"hashlib": [], "chains": [], "full": [], **{k: [] for k in shared}}
        cpu = {k: [] for k in results if k != "hashlib"}
        children = {k: [] for k in shared}
        for run in range(args.runs):
            results["hashlib"].append(hash_only(inputs))
            t, c = time.perf_counter(), time.process_time()
            report = verify_chains()
            results["chains"].append(time.perf_counter() - t)
            cpu["chains"].append(time.process_time() - c)
            assert report.ok and report.checked == args.events, report.as_dict()
            t, c = time.perf_counter(), time.process_time()
            report = verify_audit()
            results["full"].append(time.perf_counter() - t)
            cpu["full"].append(time.process_time() - c)
            assert report.ok and report.checked == args.events, report.problems[:5]
            for name, w in shared.items():
                t, c, k = time.perf_counter(), time.process_time(), _children_cpu()
                report = verify_audit(workers=w)
                results[name].append(time.perf_counter() - t)
                cpu[name].append(time.process_time() - c)
                children[name].append(_children_cpu() - k)
                assert report.ok and report.checked == args.events, report.problems[:5]
            print(
                f"run {run + 1}: "
                + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in results.items())
                + " (verifier CPU: "
                + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in cpu.items())
                + "; workers: "
                + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in children.items())
                + ")"
            )
        n = args.events
        base = statistics.median(results["hashlib"])
        print(f"median hashlib: {base:.2f} s ({n / base:,.0f} events/s)")
        for name in cpu:
            med = statistics.median(results[name])
            print(
                f"median {name}: {med:.2f} s ({n / med:,.0f} events/s), "
                f"ratio to hashlib {base / med:.2f}, "
                f"verifier CPU {statistics.median(cpu[name]):.2f} s"
                + (
                    f" + workers {statistics.median(children[name]):.2f} s"
                    if name in children
                    else ""
                )
            )
        one = statistics.median(results["full"])
        for name, w in shared.items():
            med = statistics.median(results[name])
            print(f"speed-up of full verification, {w} workers over 1: {one / med:.2f}x")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        tmp.cleanup()


if __name__ == "__main__":
    main()
