"""Benchmark: p50/p99 of the main read paths at two data sizes, and their ratio.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/read_paths.py --sizes 1000,100000 --requests 30

For each size it creates a throw-away test database (Django's test DB
machinery), seeds it in bulk and times GET requests through Django's test
`Client` in this process: the real URL routing, middleware (sessions, auth,
CSRF, locale, CSP, request ids, the read-access records) and templates, but
no HTTP server and no network. Figures are therefore the application's and
the database's time per request, not a server's throughput.

What is seeded per size N (appraisals):
- N employees in 50 units under one instansi, each with one appraisal in an
  open cycle (opened with `cycle_open`, so each has its history row and the
  first event of its audit chain); states spread over the lifecycle;
- one supervisor appraising min(3,000, 3 % of N) of them (3,000 at 100k;
  everyone else under a supervisor per 25), an HR admin and an inspector
  scoped to the whole instansi (they see all N);
- two of the supervisor's appraisals with 10 and with 10,000 history events
  (hash-chained as `audit_event_append` would chain them);
- `--events` audit events in all (default: 3 per appraisal), spread over the
  appraisals' chains, for the inspector's search.

Audit rows go in with COPY (audit/bulk.py), their hashes computed here from
the canonical form, exactly as `audit_events_open_chains` does for the first
event of each chain (benchmarks/cycle_open.py seeds the same way).

Prints, per path, p50 and p99 in ms at each size and the ratio of the p50s
(the issue's goal: within 1.5x between 1k and 100k).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.test")

UNITS = 50
HISTORY_SIZES = (10, 10_000)
# States the seeded appraisals are spread over (in turn), so the supervisor has work waiting.
SPREAD = ("draft", "plan_submitted", "in_progress", "self_assessed", "in_progress", "reviewed")


def _chain(subject_type, subject_id, *, start_seq, prev_hash, count, actor, scope, at):
    """Rows of `count` events continuing a chain at `start_seq` after `prev_hash`."""
    from audit.canonical import canonical_bytes, chain_hash

    rows = []
    for seq in range(start_seq, start_seq + count):
        reason = f"catatan {seq}"
        when = at + dt.timedelta(seconds=seq)
        payload = canonical_bytes(
            subject=f"{subject_type}:{subject_id}",
            seq=seq,
            at=when,
            actor=actor.username,
            actor_name="",
            action="note.added",
            from_state="",
            to_state="",
            reason=reason,
            changes={},
            scope=scope,
        )
        digest = chain_hash(prev_hash, payload)
        rows.append(
            {
                "subject_type": subject_type,
                "subject_id": subject_id,
                "seq": seq,
                "at": when,
                "actor_id": actor.pk,
                "actor_username": actor.username,
                "actor_name": "",
                "action": "note.added",
                "from_state": "",
                "to_state": "",
                "reason": reason,
                "changes": {},
                "request_id": "",
                "client_request_id": "",
                "scope": scope,
                "prev_hash": prev_hash,
                "hash": digest,
            }
        )
        prev_hash = digest
    return rows


def seed(n: int, events: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from appraisals.models import (
        Appraisal,
        Cycle,
        Employee,
        RoleAssignment,
        SupervisorRelation,
    )
    from appraisals.services.cycles import cycle_open
    from appraisals.services.organisation import unit_create
    from audit.bulk import insert_rows
    from audit.models import AuditEvent
    from workflow.actors import system_actor

    actor = system_actor()
    User = get_user_model()
    root = unit_create(actor=actor, code="BENCH", name="Instansi Benchmark", kind="instansi")
    units = [
        unit_create(actor=actor, code=f"B-{i}", name=f"Unit {i}", kind="unit_kerja", parent=root)
        for i in range(UNITS)
    ]
    users = {
        name: User.objects.create_user(name, password="bench-only")
        for name in ("supervisor", "hr", "inspector")
    }
    Employee.objects.bulk_create(
        [
            Employee(
                nip=f"{199001010000000000 + i:018d}",
                name=f"Pegawai {i}",
                unit=units[i % UNITS],
                user=users["supervisor"] if i == 1 else None,
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    ids = list(Employee.objects.order_by("id").values_list("id", flat=True))
    head, boss, rest = ids[0], ids[1], ids[2:]
    mine = rest[: min(3000, max(1, n * 3 // 100))]
    others = rest[len(mine) :]
    supervisors = others[::25]
    since = dt.date(2020, 1, 1)
    relations = [SupervisorRelation(employee_id=boss, supervisor_id=head, valid_from=since)]
    relations += [
        SupervisorRelation(employee_id=e, supervisor_id=boss, valid_from=since) for e in mine
    ]
    relations += [
        SupervisorRelation(employee_id=s, supervisor_id=head, valid_from=since) for s in supervisors
    ]
    boss_of = {}
    for i, e in enumerate(others):
        if i % 25:
            boss_of[e] = supervisors[i // 25]
    relations += [
        SupervisorRelation(employee_id=e, supervisor_id=s, valid_from=since)
        for e, s in boss_of.items()
    ]
    SupervisorRelation.objects.bulk_create(relations, batch_size=5000)
    for name, role in (("hr", "hr_admin"), ("inspector", "inspector")):
        RoleAssignment.objects.create(user=users[name], role=role, unit=root, valid_from=since)
    cycle = Cycle.objects.create(
        name="Bench",
        instansi=root,
        year=2026,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    cycle_open(cycle=cycle, actor=actor, batch_size=5000)
    # Spread the states (a plain UPDATE: the benchmark reads, it does not replay the lifecycle).
    all_ids = list(Appraisal.objects.order_by("id").values_list("id", flat=True))
    with transaction.atomic():
        for k, state in enumerate(SPREAD):
            chosen = all_ids[k :: len(SPREAD)]
            for start in range(0, len(chosen), 10_000):
                Appraisal.objects.filter(pk__in=chosen[start : start + 10_000]).update(state=state)
    heads = dict(
        AuditEvent.objects.filter(subject_type="appraisals.appraisal").values_list(
            "subject_id", "hash"
        )
    )
    scope_of = dict(
        Appraisal.objects.values_list("id", "unit__path"),
    )
    theirs = list(
        Appraisal.objects.filter(appraiser_id=boss).order_by("id").values_list("id", flat=True)
    )
    at = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    histories = {}
    budget = max(0, events - n)
    with transaction.atomic():
        for size, pk in zip(HISTORY_SIZES, theirs, strict=False):
            rows = _chain(
                "appraisals.appraisal",
                str(pk),
                start_seq=2,
                prev_hash=heads[str(pk)],
                count=size - 1,
                actor=users["supervisor"],
                scope=scope_of[pk],
                at=at,
            )
            insert_rows(AuditEvent, rows)
            histories[size] = pk
            budget -= len(rows)
        # The rest of the events: a few more on each chain, in turn, until the budget is spent.
        spare = [pk for pk in all_ids if pk not in histories.values()]
        per = max(0, budget // max(1, len(spare)))
        if per:
            batch = []
            for pk in spare:
                batch += _chain(
                    "appraisals.appraisal",
                    str(pk),
                    start_seq=2,
                    prev_hash=heads[str(pk)],
                    count=per,
                    actor=users["supervisor"],
                    scope=scope_of[pk],
                    at=at,
                )
                if len(batch) >= 50_000:
                    insert_rows(AuditEvent, batch)
                    batch = []
            insert_rows(AuditEvent, batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "users": users,
        "histories": histories,
        "unit": root.pk,
        "cycle": cycle.pk,
        "events": AuditEvent.objects.count(),
    }


def paths(seeded: dict) -> list[tuple[str, str, str]]:
    """(label, user, url) of each read path timed."""
    h10, h10k = seeded["histories"][10], seeded["histories"][10_000]
    return [
        ("supervisor: web home", "supervisor", "/"),
        ("supervisor: GET /api/me/", "supervisor", "/api/me/"),
        ("supervisor: GET /api/appraisals/", "supervisor", "/api/appraisals/"),
        ("supervisor: web appraisal list", "supervisor", "/appraisals/"),
        ("HR: GET /api/me/", "hr", "/api/me/"),
        ("HR: GET /api/appraisals/", "hr", "/api/appraisals/"),
        ("HR: GET /api/appraisals/?page=10", "hr", "/api/appraisals/?page=10"),
        ("HR: web appraisal list", "hr", "/appraisals/"),
        ("HR: web appraisal list, state filter", "hr", "/appraisals/?state=reviewed"),
        ("HR: web dashboards (units)", "hr", "/hr/units/"),
        ("HR: web unit dashboard", "hr", f"/hr/units/{seeded['unit']}/"),
        ("history API, 10 events", "supervisor", f"/api/appraisals/{h10}/history/"),
        ("history API, 10,000 events", "supervisor", f"/api/appraisals/{h10k}/history/"),
        ("web appraisal page, 10 events", "supervisor", f"/appraisals/{h10}/"),
        ("web appraisal page, 10,000 events", "supervisor", f"/appraisals/{h10k}/"),
        ("inspector: web search", "inspector", "/inspect/"),
        ("inspector: web search by action", "inspector", "/inspect/?action=note.added"),
        ("inspector: GET /api/audit/events/", "inspector", "/api/audit/events/"),
        ("inspector: timeline, 10,000 events", "inspector", f"/inspect/appraisals/{h10k}/"),
    ]


def measure(seeded: dict, requests: int) -> dict[str, tuple[float, float]]:
    from django.test import Client

    from appraisals.policies import forget_profile

    clients = {}
    for name, user in seeded["users"].items():
        client = Client()
        client.force_login(user)
        clients[name] = client
    out = {}
    for label, who, url in paths(seeded):
        client = clients[who]
        timings, cpu = [], []
        for i in range(requests + 2):
            forget_profile(seeded["users"][who])
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url)
            elapsed, used = time.perf_counter() - t0, time.process_time() - c0
            if response.status_code != 200:
                raise SystemExit(f"{label}: {url} answered {response.status_code}")
            if i >= 2:  # two warm-up requests
                timings.append(elapsed * 1000)
                cpu.append(used * 1000)
        timings.sort()
        p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
        # This process's CPU (Python: Django, templates, psycopg), not PostgreSQL's: on a
        # loaded machine it is steadier than the wall time, and what sizing web workers needs.
        out[label] = (
            statistics.median(timings),
            p99,
            len(response.content),
            statistics.median(cpu),
        )
        print(
            f"  {label:<42} p50 {out[label][0]:8.1f} ms  p99 {p99:8.1f} ms  "
            f"Python CPU p50 {out[label][3]:7.1f} ms",
            flush=True,
        )
    return out


def run_size(n: int, events: int, requests: int) -> dict:
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        t0 = time.perf_counter()
        seeded = seed(n, events or 3 * n)
        print(
            f"size {n:,} appraisals, {seeded['events']:,} audit events: "
            f"seeded in {time.perf_counter() - t0:.0f} s",
            flush=True,
        )
        return measure(seeded, requests)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="1000,100000", help="two appraisal counts, e.g. 1000,20000"
    )
    parser.add_argument("--requests", type=int, default=30, help="timed requests per path")
    parser.add_argument(
        "--events", type=int, default=0, help="audit events, larger size (3 per appraisal)"
    )
    args = parser.parse_args()
    small, large = (int(s) for s in args.sizes.split(","))

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    load = os.getloadavg()[0]
    print(f"database: {connection.vendor}; in-process test Client; load {load:.1f}")
    results = {}
    for n, events in ((small, 0), (large, args.events)):
        results[n] = run_size(n, events, args.requests)
    print()
    heads = (f"p50 {small}", f"p50 {large}", f"p99 {large}")
    print(f"{'path':<42} {heads[0]:>12} {heads[1]:>12} {heads[2]:>12} ratio")
    for label in results[small]:
        a, b = results[small][label], results[large][label]
        flag = "" if b[0] <= 1.5 * a[0] else "  > 1.5x"
        print(f"{label:<42} {a[0]:10.1f}ms {b[0]:10.1f}ms {b[1]:10.1f}ms {b[0] / a[0]:5.2f}x{flag}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
