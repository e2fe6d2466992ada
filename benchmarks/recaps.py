"""Benchmark: a unit's recap (XLSX and CSV) for 10k and 100k appraisals, against
writing the same rows with openpyxl's write-only mode alone and with csv alone.

    .venv/bin/python benchmarks/recaps.py --sizes 10000 100000 --runs 3

Run on demand (not in the suite). Creates a throw-away test database (Django's
test DB machinery: SQLite in memory unless DATABASE_URL says otherwise) and
fills it with bulk_create: an instansi with a unit of 10k and one of 90k
employees, their appraisals in varied states and predicates, an appeal for
1 in 20 and a follow-up decision for 1 in 10. Per size and run it times

- ours: `recap_xlsx_write_to` and `recap_csv_stream` (query, iterate in chunks,
  labels, formula guard, totals, write) into a temporary file;
- query alone: iterating the recap's query (its share of "ours");
- plain: the same rows, fetched beforehand into a list of tuples, written with
  openpyxl write-only alone and csv.writer alone (the writing only).

Memory: one more run per case under tracemalloc gives its peak of Python
allocations; the process's peak RSS (resource.getrusage) is printed at the end.
Prints each run, the medians and the ratios ours/plain.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.test")

STATES = ["draft", "in_progress", "reviewed", "result_issued", "final", "decided", "cancelled"]
RATINGS = [("above", "above", "sangat_baik"), ("meets", "meets", "baik"),
           ("below", "meets", "butuh_perbaikan"), ("meets", "below", "kurang"),
           ("below", "below", "sangat_kurang")]  # fmt: skip


def build(total: int, small: int):
    """(instansi, small unit, cycle) with `small` employees in one unit, the rest in another."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from appraisals.models import Appeal, Appraisal, Cycle, Decision, Employee, Position
    from appraisals.services.organisation import unit_create
    from workflow.actors import system_actor

    actor = system_actor()
    root = unit_create(actor=actor, code="BENCH", name="Instansi Benchmark", kind="instansi")
    units = [
        unit_create(actor=actor, code="BENCH-A", name="Dinas A", kind="unit_kerja", parent=root),
        unit_create(actor=actor, code="BENCH-B", name="Dinas B", kind="unit_kerja", parent=root),
    ]
    positions = [
        Position.objects.create(name=f"Jabatan {u.code}", unit=u, kind="pelaksana") for u in units
    ]
    cycle = Cycle.objects.create(
        name="Bench 2026", instansi=root, year=2026,
        starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31),
    )  # fmt: skip
    Employee.objects.bulk_create(
        [
            Employee(
                nip=f"{199001010000000000 + i:018d}",
                name=f"Pegawai Nomor {i}" if i % 97 else f"=Pegawai {i}",
                unit=units[0 if i < small else 1],
                position=positions[0 if i < small else 1],
                grade="III/a",
            )
            for i in range(total)
        ],
        batch_size=5000,
    )
    rows = Employee.objects.order_by("id").values_list("id", "unit_id")
    appraisals = []
    for i, (employee_id, unit_id) in enumerate(rows):
        state = STATES[i % len(STATES)]
        result, behaviour, predicate = RATINGS[i % len(RATINGS)]
        rated = state not in ("draft", "in_progress")
        appraisals.append(
            Appraisal(
                cycle=cycle,
                employee_id=employee_id,
                unit_id=unit_id,
                state=state,
                result_rating=result if rated else "",
                behaviour_rating=behaviour if rated else "",
                predicate=predicate if rated else "",
            )  # fmt: skip
        )
    Appraisal.objects.bulk_create(appraisals, batch_size=5000)
    ids = list(Appraisal.objects.order_by("id").values_list("id", flat=True))
    now = timezone.now()
    Appeal.objects.bulk_create(
        [Appeal(appraisal_id=a, grounds="Keberatan", filed_at=now, outcome="upheld")
         for a in ids[::20]],
        batch_size=5000,
    )  # fmt: skip
    user = get_user_model().objects.create(username="bench-panel")
    Decision.objects.bulk_create(
        [Decision(appraisal_id=a, kind="award", status="approved", proposed_by=user,
                  proposed_at=now, reference_number=f"800/{a}/2026") for a in ids[::10]],
        batch_size=5000,
    )  # fmt: skip
    return root, units[0], cycle


def plain_rows(cycle, unit) -> list[tuple]:
    """The same cells ours writes (labels), fetched once, for the library-alone baselines."""
    from appraisals.exports import recap_columns
    from appraisals.exports.columns import recap_queryset

    columns = recap_columns(cycle)
    query = recap_queryset(cycle=cycle, unit_path=unit.path, columns=columns)
    return [tuple(c.label(row) for c in columns) for row in query.iterator(chunk_size=2000)]


def plain_xlsx(path: Path, rows: list[tuple], header: list[str]) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("Pegawai")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    wb.save(path)


def plain_csv(path: Path, rows: list[tuple], header: list[str]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from appraisals.exports import recap_columns
    from appraisals.exports.columns import recap_queryset
    from appraisals.services.recaps import recap_csv_stream, recap_xlsx_write_to

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    sizes = sorted(args.sizes)
    try:
        t0 = time.perf_counter()
        root, small_unit, cycle = build(sizes[-1], sizes[0])
        print(f"database: {connection.vendor}; {sizes[-1]} appraisals built in "
              f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
        header = [c.header.id for c in recap_columns(cycle)]
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)

            def ours_xlsx(unit):
                recap_xlsx_write_to(out / "ours.xlsx", cycle=cycle, unit=unit)

            def query_alone(unit):
                columns = recap_columns(cycle)
                query = recap_queryset(cycle=cycle, unit_path=unit.path, columns=columns)
                for _row in query.iterator(chunk_size=2000):
                    pass

            def ours_csv(unit):
                with (out / "ours.csv").open("wb") as handle:
                    for chunk in recap_csv_stream(cycle=cycle, unit=unit):
                        handle.write(chunk)

            for size in sizes:
                unit = small_unit if size == sizes[0] and len(sizes) > 1 else root
                rows = plain_rows(cycle, unit)
                assert len(rows) == size, (len(rows), size)
                cases = {
                    "query alone": lambda u=unit: query_alone(u),
                    "ours xlsx": lambda u=unit: ours_xlsx(u),
                    "openpyxl write_only alone": lambda r=rows: plain_xlsx(
                        out / "p.xlsx", r, header
                    ),
                    "ours csv": lambda u=unit: ours_csv(u),
                    "csv alone": lambda r=rows: plain_csv(out / "p.csv", r, header),
                }
                times = {name: [] for name in cases}
                print(f"\n{size:,} rows")
                for run in range(args.runs):
                    for name, case in cases.items():
                        start = time.perf_counter()
                        case()
                        times[name].append(time.perf_counter() - start)
                    print(f"  run {run + 1}: " + ", ".join(
                        f"{name} {t[-1]:.2f} s" for name, t in times.items()))  # fmt: skip
                peaks = {}
                for name, case in cases.items():
                    tracemalloc.start()
                    case()
                    peaks[name] = tracemalloc.get_traced_memory()[1] / 2**20
                    tracemalloc.stop()
                medians = {name: statistics.median(t) for name, t in times.items()}
                for name in cases:
                    print(f"  median {name}: {medians[name]:.2f} s "
                          f"({size / medians[name]:,.0f} rows/s), "
                          f"peak traced memory {peaks[name]:.1f} MiB")  # fmt: skip
                for ours, plain in (("ours xlsx", "openpyxl write_only alone"),
                                    ("ours csv", "csv alone")):  # fmt: skip
                    print(f"  ratio {ours} / {plain}: time {medians[ours] / medians[plain]:.2f}x"
                          f" (ours includes the query), memory "
                          f"{peaks[ours]:.1f} vs {peaks[plain]:.1f} MiB "
                          f"(plain's rows, already in a list, are not counted)")  # fmt: skip
                del rows, cases
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\nprocess peak RSS (all of the above, data build included): {rss:.0f} MiB")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
