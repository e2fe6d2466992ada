"""Benchmark: the rows and bytes one appraisal year leaves in the database (for deploy/SIZING.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/footprint.py --appraisals 100

Creates a throw-away test database, opens a cycle for N employees under one appraiser and walks
each appraisal through the plain year, through the services as the real actors: plan (one
result item, one indicator), approval (the SKP's PDF issued), four quarterly check-ins each with
one evidence file, self-assessment, review, discussion, result issued (its PDF), result accepted.
It also records --reads read-access rows per appraisal (pages opened). Then prints, per table,
rows per appraisal and bytes per row on disk (heap + TOAST + indexes, `pg_total_relation_size`,
after VACUUM ANALYZE). The evidence files' own bytes are not measured (the test files are tiny);
SIZING.md takes them as an assumption.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.test")

TABLES_LIKE = ("audit_%", "appraisals_%", "notifications_%", "workflow_%")


def walk(n: int, reads: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from appraisals.models import Appraisal, Indicator
    from appraisals.services.checkins import check_in_record
    from appraisals.services.cycles import cycle_open
    from appraisals.services.evidence import evidence_add
    from audit.services import read_access_record
    from tests.appraisals.checking import PDF
    from tests.factories import (
        EmployeeFactory,
        UserFactory,
        assign_role,
        make_cycle,
        make_unit,
        supervise,
    )
    from tests.flow import ACTOR, PATHS, add_plan_item, set_expectations, valid_body
    from workflow.actors import system_actor
    from workflow.services import perform

    instansi = make_unit("BENCH", "Instansi Benchmark", "instansi")
    unit = make_unit("BENCH-1", "Unit", "unit_kerja", instansi)
    head = EmployeeFactory(unit=unit, name="Kepala", user__username="superior")
    appraiser = EmployeeFactory(unit=unit, name="Atasan", user__username="appraiser")
    supervise(appraiser, head)
    staff = []
    for i in range(n):
        employee = EmployeeFactory(unit=unit, name=f"Pegawai {i}", user__username=f"e{i}")
        supervise(employee, appraiser)
        staff.append(employee)
    users = {"appraiser": appraiser.user, "superior": head.user}
    for role in ("panel", "authority", "inspector", "hr_admin"):
        users[role] = UserFactory(username=role)
        assign_role(users[role], role, instansi)
    cycle = make_cycle(instansi)
    cycle_open(cycle=cycle, actor=system_actor(), employees=staff)

    steps = PATHS["final"]
    for i, appraisal in enumerate(Appraisal.objects.filter(cycle=cycle).order_by("pk")):
        users["employee"] = appraisal.employee.user
        for name in steps:
            appraisal.refresh_from_db()
            if name == "submit_plan":
                add_plan_item(appraisal, users["employee"])
            if name == "submit_self_assessment":
                indicator = Indicator.objects.filter(item__appraisal=appraisal).first()
                for period in range(1, 5):
                    check_in_record(
                        appraisal=appraisal,
                        actor=users["employee"],
                        period=period,
                        note=f"Triwulan {period}",
                        entries=[{"indicator": indicator.pk, "realisation": "3 sekolah"}],
                    )
                    appraisal.refresh_from_db()
                    # Distinct bytes per file: identical uploads would share one blob.
                    content = PDF + f"% {appraisal.pk}-{period}\n".encode()
                    evidence_add(
                        appraisal=appraisal,
                        actor=users["employee"],
                        period=period,
                        upload=SimpleUploadedFile(f"bukti-{period}.pdf", content),
                        name=f"Bukti triwulan {period}",
                    )
                appraisal.refresh_from_db()
            body = dict(valid_body(name, appraisal))
            reason = body.pop("reason", "")
            perform(appraisal, name, actor=users[ACTOR[name]], payload=body, reason=reason)
            if name == "submit_plan":
                set_expectations(appraisal, users["appraiser"])
        for _ in range(reads):
            read_access_record(
                reader=users["appraiser"],
                subject=appraisal,
                purpose="web.appraisal",
                scope=appraisal.unit.path,
            )
        if (i + 1) % 25 == 0:
            print(f"  {i + 1} appraisals walked", flush=True)


WORKER_CPU = {"notifications.relay": [0.0, 0], "notifications.deliver": [0.0, 0]}


def count_worker_cpu() -> None:
    """Add up the CPU of the Celery tasks' services (run eagerly, in this process): what a
    worker would spend relaying the outbox and delivering the messages (PostgreSQL's CPU and
    any mail server's time are not counted)."""
    import notifications.delivery
    import notifications.relay

    def counted(module, name: str, key: str):
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            c0 = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                WORKER_CPU[key][0] += time.process_time() - c0
                WORKER_CPU[key][1] += 1

        setattr(module, name, wrapper)

    counted(notifications.relay, "outbox_relay", "notifications.relay")
    counted(notifications.delivery, "message_deliver", "notifications.deliver")


def report(n: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        where = " OR ".join("relname LIKE %s" for _ in TABLES_LIKE)
        cursor.execute(
            f"SELECT relname, pg_total_relation_size(oid) FROM pg_class "
            f"WHERE relkind = 'r' AND ({where}) ORDER BY relname",
            TABLES_LIKE,
        )
        sizes = cursor.fetchall()
        print(f"{'table':45} {'rows':>8} {'per appraisal':>14} {'bytes/row':>10}")
        total = 0
        for table, size in sizes:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            rows = cursor.fetchone()[0]
            if not rows:
                continue
            total += size
            print(f"{table:45} {rows:8d} {rows / n:14.2f} {size / rows:10.0f}")
        print(f"all of the above: {total / n:,.0f} bytes per appraisal year")
        for key, (seconds, calls) in WORKER_CPU.items():
            if calls:
                print(f"{key}: {calls} calls, {seconds * 1000 / calls:.1f} ms Python CPU each")
        cursor.execute(
            "SELECT action, count(*) FROM audit_auditevent "
            "WHERE subject_type = 'appraisals.appraisal' GROUP BY action ORDER BY action"
        )
        print("appraisal chain events per appraisal:")
        for action, count in cursor.fetchall():
            print(f"  {action:40} {count / n:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appraisals", type=int, default=100)
    parser.add_argument("--reads", type=int, default=10, help="read-access rows per appraisal")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only (pg_total_relation_size): set DATABASE_URL")
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        count_worker_cpu()
        t0 = time.perf_counter()
        walk(args.appraisals, args.reads)
        print(f"{args.appraisals} appraisal years walked in {time.perf_counter() - t0:.1f} s")
        report(args.appraisals)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
