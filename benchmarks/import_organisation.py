"""Benchmark: importing N employees from a CSV vs a plain bulk_create of the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/import_organisation.py --employees 100000 --runs 3

Creates a throw-away test database (Django's test DB machinery) and writes a
CSV the way an HR office exports it (an instansi, 20 dinas of 5 bidang, their
heads, staff under the heads of bidang, `;`-delimited with a BOM). Per run,
it times `organisation_import(commit=True)` of a fresh instansi (read, check,
units, positions, employees and supervisor relations, each with history),
then a no-op re-import of the same file, then a plain
`Employee.objects.bulk_create` of the same employee rows (under other NIPs:
history is append-only, so nothing is ever deleted and each run has its own
unit codes and NIPs). Prints each run, the medians and the ratio of import
to plain bulk_create.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.test")

HEADER = [
    "NIP",
    "Nama",
    "Kode Unit",
    "Nama Unit",
    "Kode Unit Induk",
    "Jabatan",
    "Jenis Jabatan",
    "Golongan",
    "NIP Atasan",
    "Status Kepegawaian",
    "Status",
]
DINAS, BIDANG = 20, 5


def export_write(path: Path, n: int, run: int) -> None:
    """The export of instansi R<run>: its own unit codes and NIPs."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=";")
    w.writerow(HEADER)
    r = f"R{run}"
    sekda = f"{196001010000000000 + run * 1000:018d}"
    w.writerow(
        [sekda, "Sekda", r, f"Instansi {run}", "", "Sekda", "JPT", "IV/e", "", "PNS", "Aktif"]
    )
    serial, heads = 196501010000000001 + run * 1000, []
    for d in range(DINAS):
        kadis = f"{serial:018d}"
        serial += 1
        w.writerow(
            [kadis, f"Kadis {d}", f"{r}-D{d}", f"Dinas {d}", r, f"Kepala Dinas {d}", "JPT",
             "IV/c", sekda, "PNS", "Aktif"]
        )  # fmt: skip
        for b in range(BIDANG):
            kabid = f"{serial:018d}"
            serial += 1
            unit = (f"{r}-D{d}-B{b}", f"Bidang {d}.{b}", f"{r}-D{d}")
            w.writerow(
                [kabid, f"Kabid {d}.{b}", *unit, "Kepala Bidang", "Administrator", "IV/a", kadis,
                 "PNS", "Aktif"]
            )  # fmt: skip
            heads.append((*unit, kabid))
    for i in range(n - 1 - DINAS - DINAS * BIDANG):
        code, name, parent, kabid = heads[i % len(heads)]
        pppk = i % 3 == 2
        w.writerow(
            [f"{199001010000000000 + run * 1_000_000 + i:018d}", f"Pegawai Nomor {i}", code,
             name, parent,
             "Pranata Komputer" if i % 2 else "Pengadministrasi Umum",
             "Fungsional" if i % 2 else "Pelaksana", "IX" if pppk else "III/a", kabid,
             "PPPK" if pppk else "PNS", "Aktif"]
        )  # fmt: skip
    path.write_bytes(("\ufeff" + out.getvalue()).encode("utf-8"))


def plain_rows(employees):
    """The same rows under other NIPs ("1..." -> "2..."), so they can be inserted again."""
    from appraisals.models import Employee

    return [
        Employee(
            nip="2" + e.nip[1:],
            name=e.name,
            unit_id=e.unit_id,
            position_id=e.position_id,
            grade=e.grade,
            kind=e.kind,
            active=e.active,
        )
        for e in employees
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from appraisals.imports import organisation_import, source_read
    from appraisals.models import Employee, Unit
    from workflow.actors import system_actor

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"database: {connection.vendor}, employees: {args.employees}")
            actor = system_actor()
            ours, checks, again, plain = [], [], [], []
            for run in range(args.runs):
                path = Path(tmp) / f"pegawai-{run}.csv"
                export_write(path, args.employees, run)
                marks = {}

                def progress(stage, done, total, marks=marks):
                    marks.setdefault(stage, time.perf_counter())

                t0 = time.perf_counter()
                source = source_read(path=path)
                report = organisation_import(
                    rows_source=source,
                    actor=actor,
                    commit=True,
                    effective_date=dt.date(2026, 1, 1),
                    progress=progress,
                )
                ours.append(time.perf_counter() - t0)
                checks.append(marks.get("write", t0) - t0)
                assert report.ok and report.employees.created == args.employees, report

                t0 = time.perf_counter()
                same = organisation_import(
                    rows_source=source_read(path=path),
                    actor=actor,
                    commit=True,
                    effective_date=dt.date(2026, 1, 1),
                )
                again.append(time.perf_counter() - t0)
                assert same.ok and same.changes == 0, same

                root = Unit.objects.get(code=f"R{run}")
                rows = plain_rows(
                    Employee.objects.filter(unit__path__startswith=root.path).order_by("id")
                )
                t0 = time.perf_counter()
                Employee.objects.bulk_create(rows, batch_size=5000)
                plain.append(time.perf_counter() - t0)
                print(
                    f"run {run + 1}: import {ours[-1]:.2f} s (read+check {checks[-1]:.2f} s), "
                    f"re-import {again[-1]:.2f} s, plain bulk_create {plain[-1]:.2f} s"
                )
            m_ours, m_plain = statistics.median(ours), statistics.median(plain)
            print(f"median import: {m_ours:.2f} s ({args.employees / m_ours:,.0f} employees/s)")
            print(f"median no-op re-import: {statistics.median(again):.2f} s")
            print(f"median plain bulk_create: {m_plain:.2f} s")
            print(f"ratio: {m_ours / m_plain:.2f}x")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
