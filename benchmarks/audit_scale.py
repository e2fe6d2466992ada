"""Benchmark: the audit table at millions of events, plain and partitioned by time (issue #21).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_bench \\
        .venv/bin/python benchmarks/audit_scale.py --sizes 1000000,10000000 \\
        --layouts plain,partitioned

For each layout it creates a throw-away test database (Django's test DB machinery,
migrated; `partitioned` then runs `audit.partition` on the empty table, yearly, with
partitions for 2022-2027 and the default one), and grows the event table to each
size in turn. At each size it measures:

- the write cost per event through the application's append path: `--samples`
  batches of `--batch` calls of `audit.services.audit_event_append`, each in its own
  transaction (committed, as a transition's), each continuing the chain of a random
  background subject (the head lookup reads the chain's index); printed as the median
  over batches of the mean µs per event, and the median single append; then the same
  appends inside one transaction per batch ("uncommitted": without the WAL flush);
- the inspector's search, first page: GET /api/audit/events/ with no filter, by
  actor, by action, since/until one week, by subject, and the web search page
  (/inspect/), through Django's test Client in this process (routing, middleware,
  serializers; no HTTP server): p50 and p99 of `--requests` requests after 2 warm-ups.

Background events are generated inside PostgreSQL (INSERT ... SELECT over
generate_series, in steps of 500,000 rows: the server's own bulk path, faster than
COPY from Python at this size) with ~1 KB rows like the application's (footprint.py:
~990 B): 500,000 subjects (seq = (i div 500,000) * 1000 + 1: the gaps leave room
for the appended events, which continue those chains between loads), 2,000 actors, 20 actions, 50
units, a 480-character reason and a small `changes`, `at` rising with the id from
2022-01-01 over five years of the final size. Their hashes are random: the background
is not a verifiable chain (verification is benchmarked in audit_verify.py); the
appended events are chained on it as the application chains. ANALYZE runs after each
load, as autovacuum would soon after. `--convert` then times `audit_partition` on the
plain layout's largest table (the conversion of a live table: nothing is copied).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.test")

SUBJECTS = 500_000
ACTORS = 2_000
UNITS = 50
STEP = 500_000
START = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
SPAN_DAYS = 5 * 365
ACTIONS = (
    "submit_plan", "approve_plan", "return_plan", "submit_self_assessment", "review",
    "approve", "appeal", "decide_appeal", "sign", "plan_item.created", "plan_item.updated",
    "plan_item.deleted", "note.added", "evidence.added", "evidence.removed", "reopen",
    "handover", "acting.assigned", "calibrate", "publish",
)  # fmt: skip


def seed_org() -> dict:
    """An instansi of UNITS units and an inspector over it (no appraisals are needed)."""
    from django.contrib.auth import get_user_model

    from appraisals.models import RoleAssignment
    from appraisals.services.organisation import unit_create
    from workflow.actors import system_actor

    actor = system_actor()
    root = unit_create(actor=actor, code="BENCH", name="Instansi Benchmark", kind="instansi")
    units = [
        unit_create(actor=actor, code=f"B-{i}", name=f"Unit {i}", kind="unit_kerja", parent=root)
        for i in range(UNITS)
    ]
    inspector = get_user_model().objects.create_user("inspector", password="bench-only")
    RoleAssignment.objects.create(
        user=inspector, role="inspector", unit=root, valid_from=dt.date(2020, 1, 1)
    )
    return {"inspector": inspector, "scopes": [u.path for u in units], "actor": actor}


LOAD_SQL = """
INSERT INTO audit_auditevent (subject_type, subject_id, seq, "at", actor_id, actor_username,
    actor_name, action, from_state, to_state, reason, changes, request_id, client_request_id,
    scope, prev_hash, hash)
SELECT 'appraisals.appraisal', (i %% {subjects})::text, (i / {subjects} * 1000 + 1)::int,
    %(start)s::timestamptz + (i::float8 / %(final)s) * interval '{span} days',
    NULL, 'pegawai' || (i * 7919 %% {actors}), 'Pegawai ' || (i * 7919 %% {actors}),
    (%(actions)s::text[])[1 + i %% {nactions}], 'draft', 'in_progress',
    repeat(md5(i::text), 15),
    jsonb_build_object('target', md5((i + 1)::text), 'realisation', repeat(md5((i + 2)::text), 3)),
    md5((i + 3)::text), '', (%(scopes)s::text[])[1 + i %% {units}],
    md5((i + 4)::text) || md5((i + 5)::text), md5((i + 6)::text) || md5((i + 7)::text)
FROM generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) AS i
"""


def load(lo: int, hi: int, final: int, scopes: list[str]) -> None:
    from django.db import connection, transaction

    sql = LOAD_SQL.format(
        subjects=SUBJECTS,
        span=SPAN_DAYS,
        actors=ACTORS,
        nactions=len(ACTIONS),
        units=len(scopes),
    )
    for start in range(lo, hi, STEP):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                sql,
                {
                    "start": START,
                    "final": final,
                    "actions": list(ACTIONS),
                    "scopes": scopes,
                    "lo": start,
                    "hi": min(hi, start + STEP),
                },
            )
        print(f"    loaded {min(hi, start + STEP):,}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")


def write_cost(seeded: dict, size: int, samples: int, batch: int) -> tuple[float, float, float]:
    """(median over batches of µs per event, median single append, median append uncommitted)."""
    from django.db import transaction

    from audit.services import audit_event_append

    rng = random.Random(size)
    population = min(size, SUBJECTS)
    meta = SimpleNamespace(label_lower="appraisals.appraisal")
    actor, scopes = seeded["actor"], seeded["scopes"]

    def append(subject):
        audit_event_append(
            subject=subject,
            actor=actor,
            action="note.added",
            from_state="in_progress",
            to_state="in_progress",
            reason="benchmark",
            changes={"note": ["", "x" * 200]},
            scope=rng.choice(scopes),
        )

    per_batch, singles = [], []
    for _ in range(samples + 1):  # the first batch warms up
        times = []
        for _ in range(batch):
            subject = SimpleNamespace(_meta=meta, pk=rng.randrange(population))
            t0 = time.perf_counter()
            with transaction.atomic():
                append(subject)
            times.append((time.perf_counter() - t0) * 1e6)
        per_batch.append(statistics.fmean(times))
        singles += times
    # The same appends in one transaction: what grows with the table, without the commit's
    # WAL flush (which does not depend on the table and dominates on a shared disk).
    inner = []
    for _ in range(samples):
        with transaction.atomic():
            for _ in range(batch):
                subject = SimpleNamespace(_meta=meta, pk=rng.randrange(population))
                t0 = time.perf_counter()
                append(subject)
                inner.append((time.perf_counter() - t0) * 1e6)
    return (
        statistics.median(per_batch[1:]),
        statistics.median(singles[batch:]),
        statistics.median(inner),
    )


def searches(size: int, final: int) -> list[tuple[str, str]]:
    middle = START + dt.timedelta(days=SPAN_DAYS * (size / final) / 2)
    week = (middle.isoformat(), (middle + dt.timedelta(days=7)).isoformat())
    return [
        ("API: no filter", "/api/audit/events/"),
        ("API: actor", "/api/audit/events/?actor=pegawai17"),
        ("API: action", "/api/audit/events/?action=approve_plan"),
        ("API: since/until one week", f"/api/audit/events/?since={week[0]}&until={week[1]}"),
        ("API: subject", "/api/audit/events/?subject=appraisals.appraisal:12345"),
        ("API: actor + action", "/api/audit/events/?actor=pegawai17&action=approve_plan"),
        ("web search: no filter", "/inspect/"),
        ("web search: action", "/inspect/?action=approve_plan"),
    ]


def search_times(seeded: dict, size: int, final: int, requests: int) -> dict:
    from urllib.parse import quote

    from django.test import Client

    client = Client()
    client.force_login(seeded["inspector"])
    out = {}
    for label, url in searches(size, final):
        url = url.replace("+00:00", quote("+00:00"))
        timings = []
        for i in range(requests + 2):
            t0 = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - t0) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{label}: {url} answered {response.status_code}")
            if i >= 2:
                timings.append(elapsed)
        timings.sort()
        p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
        count = response.json()["count"] if url.startswith("/api/") else ""
        out[label] = (statistics.median(timings), p99)
        print(f"    {label:<28} p50 {out[label][0]:8.1f} ms  p99 {p99:8.1f} ms  count {count}")
    return out


def database_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return cursor.fetchone()[0]


def run_layout(layout: str, sizes: list[int], args) -> dict:
    from django.db import connection

    from audit import partition

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    results = {}
    try:
        seeded = seed_org()
        if layout == "partitioned":
            partition.partition(interval="year", ahead=1)
            partition.partitions_ahead(interval="year", ahead=5, now=START)
        loaded = 0
        for size in sizes:
            t0 = time.perf_counter()
            load(loaded, size, sizes[-1], seeded["scopes"])
            loaded = size
            print(
                f"  {layout}, {size:,} events: loaded in {time.perf_counter() - t0:.0f} s, "
                f"database {database_size()}, load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            batch_us, single_us, inner_us = write_cost(seeded, size, args.samples, args.batch)
            print(
                f"    append: {batch_us:.0f} µs/event (median of batch means), "
                f"median single {single_us:.0f} µs, uncommitted {inner_us:.0f} µs",
                flush=True,
            )
            results[size] = (
                batch_us,
                inner_us,
                search_times(seeded, size, sizes[-1], args.requests),
            )
        if layout == "plain" and args.convert:
            t0 = time.perf_counter()
            report = partition.partition(interval="year", ahead=1)
            print(
                f"  audit_partition on the plain table of {report.archive_rows:,} events: "
                f"{time.perf_counter() - t0:.0f} s (archive before {report.archive_until:%Y-%m-%d},"
                f" then {', '.join(report.created)}), database {database_size()}",
                flush=True,
            )
            batch_us, single_us, inner_us = write_cost(seeded, sizes[-1], args.samples, args.batch)
            print(
                f"    append after conversion: {batch_us:.0f} µs/event, single {single_us:.0f} µs,"
                f" uncommitted {inner_us:.0f} µs",
                flush=True,
            )
    finally:
        connection.close()
        if args.keep:
            print(f"  kept {connection.settings_dict['NAME']}")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--layouts", default="plain,partitioned")
    parser.add_argument("--samples", type=int, default=10, help="timed batches of appends")
    parser.add_argument("--batch", type=int, default=200, help="appends per batch")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per search")
    parser.add_argument(
        "--convert", action="store_true", help="then time audit_partition on the plain table"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database (disk!)")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    if connection.vendor != "postgresql":
        raise SystemExit("audit_scale needs PostgreSQL (DATABASE_URL)")
    setup_test_environment()
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()}", flush=True)
    results = {}
    for layout in args.layouts.split(","):
        results[layout] = run_layout(layout, sizes, args)
    print()
    for layout, by_size in results.items():
        first = by_size[sizes[0]][0]
        inner_first = by_size[sizes[0]][1]
        for size, (batch_us, inner_us, searched) in by_size.items():
            worst = max(p50 for p50, _p99 in searched.values())
            print(
                f"{layout:<12} {size:>11,}: append {batch_us:6.0f} µs/event "
                f"({batch_us / first:4.2f}x of {sizes[0]:,}), uncommitted {inner_us:6.0f} µs "
                f"({inner_us / inner_first:4.2f}x), slowest search p50 {worst:7.1f} ms"
            )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
