"""Benchmark: opening a cycle for N employees vs a plain bulk_create of the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/cycle_open.py --employees 100000 --runs 3

Creates a throw-away test database (Django's test DB machinery), builds an
organisation of N employees under supervisors, then per run times
`cycle_open` (appraisals + history rows + the first audit event of each
chain, appraiser and reviewer resolved) and a plain `bulk_create` of the
same Appraisal rows into another cycle. Prints each run and the medians and
their ratio (issue #3 aims for <= 3x).
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


def build_org(n: int):
    from appraisals.models import Cycle, Employee, SupervisorRelation
    from appraisals.services.organisation import unit_create
    from workflow.actors import system_actor

    actor = system_actor()
    root = unit_create(actor=actor, code="BENCH", name="Instansi Benchmark", kind="instansi")
    unit = unit_create(actor=actor, code="BENCH-1", name="Unit", kind="unit_kerja", parent=root)
    employees = [
        Employee(nip=f"{199001010000000000 + i:018d}", name=f"Pegawai {i}", unit=unit)
        for i in range(n)
    ]
    Employee.objects.bulk_create(employees, batch_size=5000)
    ids = list(Employee.objects.order_by("id").values_list("id", flat=True))
    # One head, a supervisor per 25 staff, everyone else under a supervisor.
    head, rest = ids[0], ids[1:]
    supervisors = rest[::25]
    relations = [
        SupervisorRelation(employee_id=s, supervisor_id=head, valid_from=dt.date(2020, 1, 1))
        for s in supervisors
    ]
    relations += [
        SupervisorRelation(
            employee_id=e, supervisor_id=supervisors[i // 25], valid_from=dt.date(2020, 1, 1)
        )
        for i, e in enumerate(rest)
        if e not in set(supervisors)
    ]
    SupervisorRelation.objects.bulk_create(relations, batch_size=5000)

    def new_cycle(tag: str):
        return Cycle.objects.create(
            name=f"Bench {tag}",
            instansi=root,
            year=2026,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 12, 31),
        )

    return root, new_cycle, actor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from appraisals.models import Appraisal, Employee
    from appraisals.services.cycles import cycle_open

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor}, employees: {args.employees}")
        t0 = time.perf_counter()
        _root, new_cycle, actor = build_org(args.employees)
        print(f"organisation built in {time.perf_counter() - t0:.1f} s")
        employees = list(Employee.objects.order_by("id"))
        ours, plain = [], []
        for run in range(args.runs):
            cycle = new_cycle(f"ours {run}")
            t0 = time.perf_counter()
            created = cycle_open(cycle=cycle, actor=actor, batch_size=5000)
            ours.append(time.perf_counter() - t0)
            assert created == args.employees, created

            cycle = new_cycle(f"plain {run}")
            rows = [Appraisal(cycle=cycle, employee=e, unit_id=e.unit_id) for e in employees]
            t0 = time.perf_counter()
            Appraisal.objects.bulk_create(rows, batch_size=5000)
            plain.append(time.perf_counter() - t0)
            print(f"run {run + 1}: cycle_open {ours[-1]:.2f} s, bulk_create {plain[-1]:.2f} s")
        m_ours, m_plain = statistics.median(ours), statistics.median(plain)
        print(f"median cycle_open: {m_ours:.2f} s ({args.employees / m_ours:,.0f} appraisals/s)")
        print(f"median plain bulk_create: {m_plain:.2f} s")
        print(f"ratio: {m_ours / m_plain:.2f}x (aim <= 3x)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
