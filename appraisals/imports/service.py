"""`organisation_import`: units, positions and employees from an HR export, as one change.

Everything is checked before anything is written: with any error the report
lists them all, row by row, and nothing is written. A dry run (commit=False)
does the same work up to the writes, so its counts are what a commit does.
Re-importing the same file writes nothing at all, history included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection, transaction

from appraisals.models import Appraisal, Employee
from appraisals.services.changes import CANCELLABLE_ON_LEAVE, appraisals_follow_employee

from . import messages as m
from .checks import positions_check, scope_check, supervisors_check, tree_check
from .plan import Plan, plan_build
from .reader import Source
from .records import NIP, columns_find, records_read
from .report import ImportReport, RowProblem
from .state import among, chunked, outside_chains_load, state_load
from .write import plan_apply

# progress(stage, done, total): stage "check" counts rows, "write" counts objects written.
Progress = Callable[[str, int, int], None]
# Serialises imports on PostgreSQL: each reads the state it then writes.
_LOCK_KEY = 0x4B494E_494D50  # "KIN" "IMP"
SAMPLE = 5


def organisation_import(
    *,
    rows_source: Source,
    actor,
    commit: bool,
    effective_date: dt.date,
    progress: Progress | None = None,
    batch_size: int = 5000,
) -> ImportReport:
    """Check `rows_source` and, when `commit` and nothing is wrong, write it.

    Units are upserted by code, positions by (unit, name), employees by NIP.
    A changed supervisor closes the current relation on the day before
    `effective_date` and starts the new one on it. Nothing is deleted: people
    whose status is not "aktif" become inactive. History rows are attributed
    to `actor` with the reason "import_organisation".
    """
    report = ImportReport(source=rows_source.name, rows=len(rows_source.rows))
    columns, problems = columns_find(rows_source)
    if not rows_source.rows:
        problems.append(RowProblem(code="file_empty", message=m.FILE_EMPTY))
    if problems:
        report.errors = problems
        return report
    total = len(rows_source.rows)

    def checked(done: int) -> None:
        if progress:
            progress("check", done, total)

    records, problems = records_read(rows_source, columns, progress=checked)
    with transaction.atomic():
        if commit and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        nips = {r.nip for r in records if NIP.match(r.nip)}
        state = state_load(
            nips=nips,
            supervisor_nips={s for r in records if (s := r.supervisor_nip) and NIP.match(s)},
            unit_codes={r.unit_code for r in records},
            on=effective_date,
        )
        tree, found = tree_check(records, columns, state)
        problems += found
        kinds, found = positions_check(records, columns, state)
        problems += found
        wanted, found = supervisors_check(
            records,
            columns,
            state,
            lambda start, inside: outside_chains_load(state, start=start, inside=inside),
        )
        problems += found
        problems += scope_check(records, columns, tree, state, actor)
        checked(total)
        if problems:
            report.errors = sorted(problems, key=lambda p: p.row or 0)
            return report
        plan = plan_build(records=records, tree=tree, kinds=kinds, wanted=wanted, state=state)
        plan.count_into(report)
        plan.people_into(report, tree=tree, state=state)
        affected = _with_open_appraisals(plan)
        report.warnings += _open_appraisals_warning(affected, state)
        if commit and report.changes:
            plan_apply(
                plan=plan,
                state=state,
                tree=tree,
                actor=actor,
                on=effective_date,
                batch_size=batch_size,
                tick=_ticker(progress, _writes(plan)),
            )
            # The same routine as the HR API's changes, through the engine:
            # the old supervisor loses access at once (issue #3, item 8).
            for employee in Employee.objects.filter(pk__in=sorted(affected)).select_related("unit"):
                appraisals_follow_employee(
                    employee=employee,
                    actor=actor,
                    effective=effective_date,
                    reason="import_organisation",
                )
        report.committed = commit
    return report


def _writes(plan: Plan) -> int:
    return (
        len(plan.units_changed)
        + len(plan.positions_new)
        + len(plan.positions_changed)
        + len(plan.employees_new)
        + len(plan.employees_changed)
        + len(plan.relations_close)
        + len(plan.relations_new)
    )


def _ticker(progress: Progress | None, total: int) -> Callable[[int], None]:
    done = 0

    def tick(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress("write", done, total)

    return tick


def _with_open_appraisals(plan: Plan) -> set[int]:
    """Employees whose organisation change reaches an open appraisal."""
    affected: set[int] = set()
    for batch in chunked(sorted(plan.carried)):
        affected.update(
            Appraisal.objects.filter(
                among("employee_id", batch, "bigint"), state__in=CANCELLABLE_ON_LEAVE
            ).values_list("employee_id", flat=True)
        )
    return affected


def _open_appraisals_warning(affected: set[int], state) -> list:
    if not affected:
        return []
    nip_of = {e["id"]: e["nip"] for e in state.employees.values()}
    sample = ", ".join(sorted(nip_of[i] for i in affected)[:SAMPLE])
    return [m.OPEN_APPRAISALS.format(count=len(affected), sample=sample)]
