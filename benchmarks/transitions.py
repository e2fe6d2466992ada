"""Benchmark: one transition over HTTP, Kinerja beside the naive peer and the SQL floor.

    .venv/bin/python benchmarks/transitions.py --db kin_bench --redis redis://127.0.0.1:6379/7

Issue #17. Runs side by side on one machine, interleaved (`--reps`, default 3):

- pgbench with `<baselines>/limit/txn.sql` (the transition as five SQL statements), when
  pgbench and the file are there;
- the naive peer `<baselines>/naive/naive.py` (django-fsm-2 + simple-history + DRF) under
  gunicorn, `POST /fsm/<id>/`, and its bare floor `POST /bare/<id>/`;
- Kinerja under gunicorn with `settings.production` on PostgreSQL and Redis: `submit_plan`
  (the employee) and `approve_plan` (the appraiser, which issues the SKP PDF), each request on
  a different appraisal in the right state, with the actor's own API token.

Every HTTP run is `wrk -t2 -c8 -d<duration>s --latency` (4 sync workers each). Printed per
target: req/s, p50, p99, non-2xx answers, CPU per request of the gunicorn workers and of the
PostgreSQL backends serving them (utime+stime from /proc before and after), statements per
transition (counted in this process with Django's CaptureQueriesContext on the same settings,
BEGIN and COMMIT left out), medians over the reps and the
ratios to the peer and to pgbench.

Baselines: `--baselines` (default `../shared/baselines` beside the repository). gunicorn:
taken from the project's venv when it has it, else from `--gunicorn` / `$GUNICORN` (the path
of a gunicorn executable in another venv: only its package is borrowed, the project's
interpreter runs it). Databases: `--db` (Kinerja), `<db>_naive`, `<db>_limit`; all three are
dropped and made anew unless `--no-seed`. Seeding shortcuts (for load, not for behaviour):
the appraisals for `approve_plan` are set to `plan_submitted` in bulk with their plan and
behaviour expectations, and the tokens are marked as used in the last minute (the steady state
of a client using its token, which skips the once-a-minute `last_used` write).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CLK_TCK = os.sysconf("SC_CLK_TCK")
KINERJA_PORT, NAIVE_PORT = 8811, 8801
TRANSITIONS = ("submit_plan", "approve_plan")
# Django on psycopg 3 logs these too; they are not counted as statements.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT")


# -- environment ---------------------------------------------------------------


def production_env(args) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="settings.production",
        DATABASE_URL=f"{args.pg}/{args.db}",
        CELERY_BROKER_URL=args.redis,
        CACHE_URL=args.redis,
        SECRET_KEY="benchmark-only-secret-key-0123456789abcdef",
        AUDIT_CHECKPOINT_KEY="benchmark-only-checkpoint-key",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",  # wrk speaks plain HTTP to the workers
        LOG_LEVEL="WARNING",
        KINERJA_VAR_DIR=str(Path(tempfile.gettempdir()) / "kinerja-bench-var"),
        DATABASE_PREPARED="1" if args.prepared else "0",
    )
    return env


def gunicorn_pythonpath(args) -> str:
    """'' when the project's venv has gunicorn; else a folder holding only its package."""
    probe = subprocess.run([sys.executable, "-c", "import gunicorn"], capture_output=True)
    if probe.returncode == 0:
        return ""
    exe = args.gunicorn or os.environ.get("GUNICORN") or shutil.which("gunicorn")
    if not exe:
        sys.exit("gunicorn is missing: install it in the venv, or pass --gunicorn / $GUNICORN")
    python = Path(exe).resolve().parent / "python"
    where = subprocess.run(
        [str(python), "-c", "import gunicorn, os; print(os.path.dirname(gunicorn.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    borrowed = Path(tempfile.mkdtemp(prefix="bench-gunicorn-"))
    (borrowed / "gunicorn").symlink_to(where)
    return str(borrowed)


def psql(args, db: str, sql: str) -> str:
    return subprocess.run(
        ["psql", f"{args.pg}/{db}", "-Atqc", sql], capture_output=True, text=True, check=True
    ).stdout


def recreate(args, db: str) -> None:
    psql(args, "postgres", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    psql(args, "postgres", f'CREATE DATABASE "{db}"')


# -- Kinerja's data ------------------------------------------------------------


def token_of(user_id: int) -> str:
    return f"bench-{user_id}-token"


def kinerja_seed(n_appraisals: int) -> dict[str, list[tuple[int, str]]]:
    """An agency of n employees (plus their supervisors), a cycle, one appraisal each with one
    measured result item; half stay in draft (submit_plan), half are put in plan_submitted with
    their behaviour expectations (approve_plan). Returns (appraisal id, actor token) per
    transition, in id order."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from appraisals.models import (
        ApiToken,
        Appraisal,
        BehaviourExpectation,
        BehaviourValue,
        Cycle,
        Employee,
        Indicator,
        PlanItem,
        Position,
        SupervisorRelation,
    )
    from appraisals.services.cycles import cycle_open
    from appraisals.services.organisation import unit_create
    from workflow.actors import system_actor

    call_command("migrate", verbosity=0)
    actor = system_actor()
    root = unit_create(actor=actor, code="BENCH", name="Instansi Benchmark", kind="instansi")
    unit = unit_create(actor=actor, code="BENCH-1", name="Unit", kind="unit_kerja", parent=root)
    staff_position = Position.objects.create(name="Analis", unit=unit, kind="pelaksana")
    lead_position = Position.objects.create(name="Kepala Seksi", unit=unit, kind="pengawas")
    per_supervisor = 25
    n_supervisors = n_appraisals // per_supervisor + 1
    total = n_supervisors + n_appraisals + 1
    User = get_user_model()
    User.objects.bulk_create(
        [User(username=f"bench{i}", password="!", first_name=f"Pegawai {i}") for i in range(total)],
        batch_size=5000,
    )
    users = list(User.objects.filter(username__startswith="bench").order_by("id"))
    Employee.objects.bulk_create(
        [
            Employee(
                nip=f"{199001010000000000 + i:018d}",
                name=f"Pegawai {i}",
                unit=unit,
                user=u,
                position=lead_position if i <= n_supervisors else staff_position,
            )
            for i, u in enumerate(users)
        ],
        batch_size=5000,
    )
    ids = list(Employee.objects.filter(unit=unit).order_by("id").values_list("id", flat=True))
    head, supervisors, staff = ids[0], ids[1 : n_supervisors + 1], ids[n_supervisors + 1 :]
    since = dt.date(2020, 1, 1)
    relations = [
        SupervisorRelation(employee_id=s, supervisor_id=head, valid_from=since) for s in supervisors
    ]
    relations += [
        SupervisorRelation(
            employee_id=e, supervisor_id=supervisors[i // per_supervisor], valid_from=since
        )
        for i, e in enumerate(staff)
    ]
    SupervisorRelation.objects.bulk_create(relations, batch_size=5000)
    year = timezone.localdate().year
    cycle = Cycle.objects.create(
        name="Bench",
        instansi=root,
        year=year,
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 12, 31),
    )
    cycle_open(cycle=cycle, actor=actor, employees=Employee.objects.filter(pk__in=staff))
    appraisals = list(
        Appraisal.objects.filter(cycle=cycle)
        .order_by("id")
        .values_list("id", "employee_id", "appraiser_id")
    )
    PlanItem.objects.bulk_create(
        [PlanItem(appraisal_id=a, result="Meningkatnya mutu layanan") for a, _e, _r in appraisals],
        batch_size=5000,
    )
    items = PlanItem.objects.filter(appraisal__cycle=cycle).values_list("id", flat=True)
    Indicator.objects.bulk_create(
        [
            Indicator(item_id=i, name="Layanan tepat waktu", aspect="quantity", target="12")
            for i in items
        ],
        batch_size=5000,
    )
    half = len(appraisals) // 2
    to_approve = [a for a, _e, _r in appraisals[half:]]
    Appraisal.objects.filter(pk__in=to_approve).update(state="plan_submitted")
    BehaviourExpectation.objects.bulk_create(
        [
            BehaviourExpectation(appraisal_id=a, value=value, expectation=f"Ekspektasi {label}")
            for a in to_approve
            for value, label in BehaviourValue.choices
        ],
        batch_size=5000,
    )
    user_of = dict(Employee.objects.filter(unit=unit).values_list("id", "user_id"))
    now = timezone.now()
    ApiToken.objects.bulk_create(
        [
            ApiToken(
                user_id=u.pk,
                digest=hashlib.sha256(token_of(u.pk).encode()).hexdigest(),
                created=now,
                expires=now + dt.timedelta(days=1),
                # As used a moment ago, for the whole run (see the module's docstring).
                last_used=now + dt.timedelta(hours=1),
                client="benchmark",
            )
            for u in users
        ],
        batch_size=5000,
    )
    return {
        "submit_plan": [(a, token_of(user_of[e])) for a, e, _r in appraisals[:half]],
        "approve_plan": [(a, token_of(user_of[r])) for a, _e, r in appraisals[half:]],
    }


def kinerja_statements(name: str, batch: list[tuple[int, str]]) -> list[int]:
    """Statements per transition, counted in this process on the same settings (a fresh
    client per request, as each real request authenticates and loads its user anew)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = []
    for pk, token in batch:
        client = Client(HTTP_AUTHORIZATION=f"Token {token}")
        with CaptureQueriesContext(connection) as ctx:
            r = client.post(
                f"/api/appraisals/{pk}/transitions/{name}/", "{}", content_type="application/json"
            )
        if r.status_code != 200:
            raise SystemExit(f"{name} on {pk}: {r.status_code} {r.content[:300]!r}")
        counts.append(sum(q["sql"] not in TRANSACTION_CONTROL for q in ctx.captured_queries))
    connection.close()
    return counts


# -- processes and measures ---------------------------------------------------


def gunicorn_start(args, *, app: str, port: int, cwd: Path, env: dict, extra_path: str):
    if extra_path:
        env = {
            **env,
            "PYTHONPATH": os.pathsep.join(p for p in (env.get("PYTHONPATH"), extra_path) if p),
        }
    cmd = [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-k", "sync"]
    cmd += ["-b", f"127.0.0.1:{port}", "--log-level", "warning", app]
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn for {app} exited ({proc.returncode})")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            break
        except urllib.error.HTTPError:
            break  # it answers (404/405/302 are answers)
        except OSError:
            time.sleep(0.3)
    return proc


def gunicorn_stop(proc) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text().split() if (task / "children").exists() else []
        found += [int(p) for p in text]
    return found


def cpu_ticks(pids) -> dict[int, int]:
    ticks = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks[pid] = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks


def backends(args, db: str) -> list[int]:
    sql = f"SELECT pid FROM pg_stat_activity WHERE datname = '{db}' AND pid <> pg_backend_pid()"
    return [int(p) for p in psql(args, "postgres", sql).split()]


def spent(before: dict[int, int], after: dict[int, int]) -> float:
    """Seconds of CPU between two readings (a process born meanwhile counts whole)."""
    return sum(t - before.get(pid, 0) for pid, t in after.items()) / CLK_TCK


WRK_LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(args, url: str, script: Path, script_args: list[str], duration: float) -> dict:
    cmd = [
        "wrk",
        "-t2",
        f"-c{args.connections}",
        f"-d{duration:g}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    if script_args:
        cmd += ["--", *script_args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    latency = {p: _ms(v, u) for p, v, u in WRK_LATENCY.findall(out)}
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "requests": requests,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def measured_http(args, *, url, script, script_args, master, db, duration) -> dict:
    workers = children(master.pid)
    py0, pg0 = cpu_ticks(workers), cpu_ticks(backends(args, db))
    result = wrk(args, url, script, script_args, duration)
    py1, pg1 = cpu_ticks(children(master.pid)), cpu_ticks(backends(args, db))
    n = max(result["requests"], 1)
    result["py_cpu_ms"] = spent(py0, py1) * 1000 / n
    result["pg_cpu_ms"] = spent(pg0, pg1) * 1000 / n
    return result


KINERJA_LUA = """
-- POST one transition per request, each on its own appraisal (never the same twice)
local name, data = "%(name)s", "%(data)s"
local threads, counter = {}, 0
function setup(thread)
  counter = counter + 1; thread:set("tid", counter); table.insert(threads, thread)
end
local mine, i = {}, 0
function init(args)
  local all = dofile(data)
  for k, item in ipairs(all) do if (k %% 2) + 1 == tid then table.insert(mine, item) end end
  math.randomseed(tid * 7919)
  for k = #mine, 2, -1 do local j = math.random(1, k); mine[k], mine[j] = mine[j], mine[k] end
end
function request()
  i = i + 1
  local item = mine[i] or mine[#mine]
  return wrk.format("POST", "/api/appraisals/" .. item[1] .. "/transitions/" .. name .. "/",
    {["Authorization"] = "Token " .. item[2], ["Content-Type"] = "application/json"}, "{}")
end
"""


def kinerja_script(workdir: Path, name: str, batch, tag: str) -> Path:
    data = workdir / f"{tag}.data.lua"
    rows = ",\n".join(f'{{{pk}, "{token}"}}' for pk, token in batch)
    data.write_text("return {\n" + rows + "\n}\n")
    script = workdir / f"{tag}.lua"
    script.write_text(KINERJA_LUA % {"name": name, "data": data})
    return script


def pgbench(args, limit_dir: Path, db: str, duration: float) -> dict:
    out = subprocess.run(
        [
            "pgbench",
            "-n",
            "-c",
            str(args.connections),
            "-j",
            "2",
            "-T",
            str(int(duration)),
            "-r",
            "-f",
            str(limit_dir / "txn.sql"),
            f"{args.pg}/{db}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    lat = re.search(r"latency average = ([\d.]+) ms", out)
    return {
        "rps": tps,
        "p50": None,
        "p99": None,
        "avg_ms": float(lat.group(1)) if lat else None,
        "requests": int(
            re.search(r"number of transactions actually processed: (\d+)", out).group(1)
        ),
        "non_2xx": 0,
        "py_cpu_ms": None,
        "pg_cpu_ms": None,
    }


def naive_statements(naive_dir: Path, env: dict) -> dict[str, int]:
    code = (
        "import json, naive\n"
        "from django.db import connection\n"
        "from django.test import RequestFactory\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "out = {}\n"
        "views = (('fsm', naive.fsm_view, 19999), ('bare', naive.bare_view, 20000))\n"
        "for name, view, pk in views:\n"
        "    with CaptureQueriesContext(connection) as ctx:\n"
        "        view(RequestFactory().post(f'/{name}/{pk}/'), pk=pk)\n"
        "    out[name] = sum(q['sql'] not in ('BEGIN', 'COMMIT') for q in ctx.captured_queries)\n"
        "print(json.dumps(out))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=naive_dir,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# -- the run ----------------------------------------------------------------------


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, spec=".1f"):
    return "—" if value is None else format(value, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baselines", default=str(REPO.parent / "shared" / "baselines"))
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="kinerja_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--gunicorn", default="", help="a gunicorn executable (other venv)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--per-run", type=int, default=3000, help="appraisals per run")
    parser.add_argument("--transitions", default=",".join(TRANSITIONS))
    parser.add_argument("--json", default="", help="also write the figures here")
    parser.add_argument(
        "--prepared", action="store_true", help="DATABASE_PREPARED=1 (settings/production.py)"
    )
    args = parser.parse_args()
    transitions = [t for t in args.transitions.split(",") if t]
    baselines = Path(args.baselines).resolve()
    naive_dir, limit_dir = baselines / "naive", baselines / "limit"
    has_naive = (naive_dir / "naive.py").exists()
    has_limit = (limit_dir / "txn.sql").exists() and shutil.which("pgbench")
    naive_db, limit_db = f"{args.db}_naive", f"{args.db}_limit"
    env = production_env(args)
    os.environ.update(env)
    extra_path = gunicorn_pythonpath(args)

    # Seed.
    spare = 20  # per transition: counted in-process, after the runs
    warm = 300
    per_transition = args.reps * args.per_run + warm + spare
    t0 = time.monotonic()
    recreate(args, args.db)
    import django

    django.setup()
    batches = kinerja_seed(per_transition * 2)
    from django.db import connection

    connection.close()
    print(
        f"seeded Kinerja ({per_transition} appraisals per transition) "
        f"in {time.monotonic() - t0:.0f} s"
    )
    naive_env = {**os.environ, "DATABASE_URL": f"{args.pg}/{naive_db}"}
    if has_naive:
        recreate(args, naive_db)
        subprocess.run(
            [sys.executable, "-c", "import naive; naive.setup(20000)"],
            cwd=naive_dir,
            env=naive_env,
            check=True,
            capture_output=True,
        )
    if has_limit:
        recreate(args, limit_db)
        subprocess.run(
            ["psql", f"{args.pg}/{limit_db}", "-qf", str(limit_dir / "limit.sql")],
            check=True,
            capture_output=True,
        )

    workdir = Path(tempfile.mkdtemp(prefix="bench-transitions-"))
    slices = {}
    for name in transitions:
        batch = batches[name]
        slices[name] = {
            "warm": batch[:warm],
            "runs": [
                batch[warm + r * args.per_run : warm + (r + 1) * args.per_run]
                for r in range(args.reps)
            ],
            "spare": batch[-spare:],
        }
    kinerja = gunicorn_start(
        args,
        app="settings.wsgi:application",
        port=KINERJA_PORT,
        cwd=REPO,
        env=os.environ.copy(),
        extra_path=extra_path,
    )
    naive = None
    if has_naive:
        naive = gunicorn_start(
            args,
            app="naive:application",
            port=NAIVE_PORT,
            cwd=naive_dir,
            env=naive_env,
            extra_path=extra_path,
        )
    naive_lua = naive_dir / "post-random.lua"
    results: dict[str, list[dict]] = {}
    try:
        # Warm-up: every worker holds its connection and has imported what it needs.
        for name in transitions:
            wrk(
                args,
                f"http://127.0.0.1:{KINERJA_PORT}",
                kinerja_script(workdir, name, slices[name]["warm"], f"{name}-warm"),
                [],
                2,
            )
        if naive:
            wrk(args, f"http://127.0.0.1:{NAIVE_PORT}", naive_lua, ["/fsm/"], 2)
        for rep in range(args.reps):
            order = []
            if has_limit:
                order.append(("pgbench", lambda: pgbench(args, limit_dir, limit_db, args.duration)))
            if naive:
                for path in ("fsm", "bare"):
                    order.append(
                        (
                            f"naive {path}",
                            lambda p=path: measured_http(
                                args,
                                url=f"http://127.0.0.1:{NAIVE_PORT}",
                                script=naive_lua,
                                script_args=[f"/{p}/"],
                                master=naive,
                                db=naive_db,
                                duration=args.duration,
                            ),
                        )
                    )
            for name in transitions:
                script = kinerja_script(workdir, name, slices[name]["runs"][rep], f"{name}-{rep}")
                order.append(
                    (
                        f"kinerja {name}",
                        lambda s=script: measured_http(
                            args,
                            url=f"http://127.0.0.1:{KINERJA_PORT}",
                            script=s,
                            script_args=[],
                            master=kinerja,
                            db=args.db,
                            duration=args.duration,
                        ),
                    )
                )
            for label, run in order:
                r = run()
                results.setdefault(label, []).append(r)
                print(
                    f"rep {rep + 1} {label:22} {r['rps']:8.1f} req/s  p50 {fmt(r['p50'])} ms  "
                    f"p99 {fmt(r['p99'])} ms  py {fmt(r['py_cpu_ms'], '.2f')} ms  "
                    f"pg {fmt(r['pg_cpu_ms'], '.2f')} ms  non-2xx {r['non_2xx']}",
                    flush=True,
                )
    finally:
        gunicorn_stop(kinerja)
        if naive:
            gunicorn_stop(naive)

    statements = {
        f"kinerja {name}": median(kinerja_statements(name, slices[name]["spare"]))
        for name in transitions
    }
    if naive:
        counted = naive_statements(naive_dir, naive_env)
        statements.update({f"naive {k}": v for k, v in counted.items()})
    if has_limit:
        lines = [
            ln.strip().rstrip(";").upper()
            for ln in (limit_dir / "txn.sql").read_text().splitlines()
        ]
        statements["pgbench"] = sum(
            1 for ln in lines if ln and not ln.startswith(("\\", "--", "BEGIN", "COMMIT"))
        )

    summary = {}
    for label, runs in results.items():
        summary[label] = {
            k: median([r[k] for r in runs]) for k in ("rps", "p50", "p99", "py_cpu_ms", "pg_cpu_ms")
        }
        summary[label]["non_2xx"] = sum(r["non_2xx"] for r in runs)
        summary[label]["statements"] = statements.get(label)
    peer = summary.get("naive fsm", {}).get("rps")
    floor = summary.get("pgbench", {}).get("rps")
    load = os.getloadavg()
    print(
        f"\n{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"load {load[0]:.2f}; wrk -t2 -c{args.connections} -d{args.duration:g}s, "
        f"{args.workers} sync workers; medians of {args.reps}"
    )
    print(
        f"{'target':22} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'py CPU/req':>10} {'pg CPU/req':>10} "
        f"{'stmts':>5} {'x peer':>7} {'x pgbench':>9} {'non-2xx':>7}"
    )
    for label, s in summary.items():
        print(
            f"{label:22} {s['rps']:8.1f} {fmt(s['p50']):>7} {fmt(s['p99']):>7} "
            f"{fmt(s['py_cpu_ms'], '.2f'):>10} {fmt(s['pg_cpu_ms'], '.2f'):>10} "
            f"{fmt(s['statements'], 'g'):>5} "
            f"{fmt(s['rps'] / peer if peer else None, '.2f'):>7} "
            f"{fmt(s['rps'] / floor if floor else None, '.3f'):>9} "
            f"{s['non_2xx']:>7}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps({"summary": summary, "runs": results}, indent=2))


if __name__ == "__main__":
    main()
