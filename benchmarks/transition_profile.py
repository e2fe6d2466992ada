"""Profile: the Python CPU of one transition request, in-process, on production settings.

    .venv/bin/python benchmarks/transition_profile.py --db kin_prof \
        --redis redis://127.0.0.1:6379/7 [--requests 400] [--profile out.prof] [--statements]

Issue #17. Seeds an agency as `benchmarks/transitions.py` does (into `--db`, dropped and made
anew), then POSTs `submit_plan` through Django's test `Client` (the whole middleware stack,
DRF, the engine; no HTTP server) on `settings.production` against PostgreSQL and Redis, each
request on its own appraisal with its employee's token. Prints the median, mean and p90 of the
process CPU per request (`time.process_time`, which leaves out the database server's own
work and most of the load of other processes), and with `--profile` a cProfile of the timed
requests, sorted by `--sort`. The in-process CPU is close to a gunicorn worker's per request,
without the WSGI server's own share. Run it from outside the repository when comparing two
checkouts: the Celery app puts the working directory first on the import path, so from inside
one checkout the other's script would import this one's code.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import transitions as bench  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="kinerja_profile")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--warm", type=int, default=30)
    parser.add_argument("--profile", default="", help="write a cProfile of the timed requests")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--prepared", action="store_true")
    parser.add_argument(
        "--statements", action="store_true", help="print each statement's median wall time"
    )
    args = parser.parse_args()
    env = bench.production_env(args)
    os.environ.update(env)
    bench.recreate(args, args.db)
    import django

    django.setup()
    from django.test import Client

    batch = bench.kinerja_seed(2 * (args.warm + args.requests))["submit_plan"]

    # One client, as one gunicorn worker holds one handler: a Client per request would
    # build the middleware stack (WhiteNoise scanning the static files) every time.
    client = Client()

    def post(pk: int, token: str) -> None:
        r = client.post(
            f"/api/appraisals/{pk}/transitions/submit_plan/",
            "{}",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token}",
        )
        if r.status_code != 200:
            raise SystemExit(f"submit_plan on {pk}: {r.status_code} {r.content[:300]!r}")

    for pk, token in batch[: args.warm]:
        post(pk, token)
    timed = batch[args.warm : args.warm + args.requests]
    # CPU time, not wall: waiting for PostgreSQL or Redis is not what is being cut here.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    from django.db import connection

    spent: dict[int, list[tuple[str, float]]] = {}

    def timer(execute, sql, params, many, context):
        w = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.setdefault(len(cpu), []).append((sql, (time.perf_counter() - w) * 1000))

    cpu, wall = [], []
    for pk, token in timed:
        if profiler:
            profiler.enable()
        t0, w0 = time.process_time(), time.perf_counter()
        if args.statements:
            with connection.execute_wrapper(timer):
                post(pk, token)
        else:
            post(pk, token)
        cpu.append((time.process_time() - t0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
        if profiler:
            profiler.disable()
    cpu.sort()
    print(
        f"submit_plan in-process, {len(cpu)} requests: CPU/req median {statistics.median(cpu):.2f}"
        f" ms, mean {statistics.fmean(cpu):.2f} ms, p90 {cpu[int(len(cpu) * 0.9)]:.2f} ms;"
        f" wall median {statistics.median(wall):.2f} ms"
        f"{' (under cProfile)' if profiler else ''}; load {os.getloadavg()[0]:.2f}"
    )
    if args.statements:
        columns = list(zip(*[[ms for _sql, ms in spent[i]] for i in sorted(spent)], strict=False))
        for k, times in enumerate(columns):
            sql = spent[0][k][0]
            print(f"{statistics.median(times):7.2f} ms  {sql[:110]}")
    if profiler:
        profiler.dump_stats(args.profile)
        stats = pstats.Stats(args.profile)
        stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
