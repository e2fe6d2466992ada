"""Opening a cycle: one appraisal in `draft` for every active employee in scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from audit.bulk import history_rows, insert_rows
from audit.services import audit_events_open_chains
from workflow.errors import ActionForbidden, PayloadInvalid, Problem, StateConflict
from workflow.records import attribute, audit_record
from workflow.text import Text

from ..models import ActingAssignment, Appraisal, Cycle, Employee, SupervisorRelation, Unit
from ..models.appraisal import plan_fallback_default
from ..models.organisation import valid_on
from ..policies import profile_of
from .phases import phase_deadlines_create_default

ONLY_HR_CREATE = Text(
    id="Hanya pengelola kinerja (BKD/BKPSDM) instansi ini yang dapat membuat siklus.",
    en="Only an HR administrator of this instansi can create a cycle.",
)


def cycle_create(*, actor, instansi: Unit, **fields) -> Cycle:
    """A new cycle of `instansi` (fields as validated by the API's CycleSerializer)."""
    if "hr_admin" not in profile_of(actor).holds_in(instansi.path):
        raise ActionForbidden(ONLY_HR_CREATE)
    cycle = Cycle(instansi=instansi, **fields)
    if cycle.plan_fallback_on is None:
        cycle.plan_fallback_on = plan_fallback_default(cycle.year)
    with transaction.atomic():
        attribute(cycle, actor=actor, reason="cycle.created")
        cycle.save()
        # A cycle has its phase deadlines from the start, not only once someone adds them.
        phase_deadlines_create_default(cycle=cycle)
    return cycle


CYCLE_NOT_HR = Text(
    id="Hanya pengelola kinerja (BKD/BKPSDM) instansi ini yang dapat menutup atau membuka "
    "kembali siklus.",
    en="Only an HR administrator of this instansi can close or reopen the cycle.",
)
CYCLE_ALREADY = Text(
    id="Siklus penilaian sudah berstatus '{status}'.",
    en="The cycle is already '{status}'.",
)
REOPEN_REASON_REQUIRED = Text(
    id="Alasan wajib diisi untuk membuka kembali siklus yang sudah ditutup.",
    en="A reason is required to reopen a closed cycle.",
)


def _cycle_status_set(*, cycle: Cycle, actor, status: str, action: str, reason: str) -> Cycle:
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().select_related("instansi").get(pk=cycle.pk)
        if "hr_admin" not in profile_of(actor).holds_in(locked.instansi.path):
            raise ActionForbidden(CYCLE_NOT_HR)
        if locked.status == status:
            raise StateConflict(CYCLE_ALREADY.format(status=status))
        old = locked.status
        locked.status = status
        attribute(locked, actor=actor, reason=f"{action}: {reason}" if reason else action)
        locked.save(update_fields=["status"])
        audit_record(
            locked,
            actor=actor,
            action=action,
            locked=locked,
            reason=reason,
            changes={"status": [old, status]},
            scope=locked.instansi.path,
            from_state=old,
            to_state=status,
        )
    return locked


def cycle_close(*, cycle: Cycle, actor, reason: str = "") -> Cycle:
    """Close the cycle: from now on nothing in it moves (lifecycle CYCLE_OPEN), audited."""
    return _cycle_status_set(
        cycle=cycle, actor=actor, status=Cycle.Status.CLOSED, action="cycle.closed", reason=reason
    )


def cycle_reopen(*, cycle: Cycle, actor, reason: str) -> Cycle:
    """HR's one way to change a closed cycle: reopen it, with a reason, on the cycle's chain."""
    if "hr_admin" not in profile_of(actor).holds_in(cycle.instansi.path):
        raise ActionForbidden(CYCLE_NOT_HR)  # who may, before what was sent
    reason = (reason or "").strip()
    if not reason:
        raise PayloadInvalid(
            REOPEN_REASON_REQUIRED,
            [Problem(code="required", message=REOPEN_REASON_REQUIRED, field="reason")],
        )
    return _cycle_status_set(
        cycle=cycle, actor=actor, status=Cycle.Status.OPEN, action="cycle.reopened", reason=reason
    )


def _latest(rows: Iterable[tuple[int, int]]) -> dict[int, int]:
    # rows ordered oldest first: the latest valid row of each key wins.
    return dict(rows)


def _resolver(on) -> tuple[Callable[[int], int | None], Callable[[int], int | None]]:
    """Resolve appraisers and appeal reviewers for many employees with two queries, not one
    per employee: (appraiser of an employee, reviewer above an appraiser)."""
    supervisors = _latest(
        SupervisorRelation.objects.filter(valid_on(on))
        .order_by("valid_from", "id")
        .values_list("employee_id", "supervisor_id")
    )
    assignments = list(
        ActingAssignment.objects.in_force(on)
        .order_by("valid_from", "id")
        .values_list("replaces_id", "substitute_id")
    )
    acting = _latest(assignments)
    acting_for = _latest((substitute, replaces) for replaces, substitute in assignments)

    def resolve(employee_id: int) -> int | None:
        supervisor = supervisors.get(employee_id)
        if supervisor is None:
            return None
        resolved = acting.get(supervisor, supervisor)
        return supervisor if resolved == employee_id else resolved

    def reviewer(appraiser_id: int) -> int | None:
        # A Plt/Plh answers to the superior of the position they hold, as its holder would.
        return resolve(acting_for.get(appraiser_id, appraiser_id))

    return resolve, reviewer


def cycle_open(
    *,
    cycle: Cycle,
    actor,
    employees: Iterable[Employee] | None = None,
    batch_size: int = 2000,
    progress: Callable[[int, int], None] | None = None,
    on: dt.date | None = None,
) -> int:
    """Create the cycle's appraisals, with history and the first audit event each.

    Idempotent: employees who already have a live appraisal in the cycle are
    skipped. The appraiser and appeal reviewer are resolved on `on` (default:
    today, kept within the cycle). Returns how many appraisals were created.
    """
    if employees is None:
        root: Unit = cycle.instansi
        employees = Employee.objects.filter(active=True, unit__path__startswith=root.path).only(
            "id", "unit_id", "active"
        )
    employees = list(employees.order_by("id") if hasattr(employees, "order_by") else employees)
    existing = set(
        Appraisal.objects.filter(cycle=cycle)
        .exclude(state="cancelled")
        .values_list("employee_id", flat=True)
    )
    todo = [e for e in employees if e.pk not in existing and e.active]
    resolve, reviewer_of = _resolver(
        on or min(max(cycle.starts_on, timezone.localdate()), cycle.ends_on)
    )
    unit_paths = dict(Unit.objects.values_list("id", "path"))
    created = 0
    for start in range(0, len(todo), batch_size):
        chunk = todo[start : start + batch_size]
        with transaction.atomic():
            rows = []
            for employee in chunk:
                appraiser_id = resolve(employee.pk)
                reviewer_id = reviewer_of(appraiser_id) if appraiser_id else None
                if reviewer_id in (employee.pk, appraiser_id):
                    reviewer_id = None
                rows.append(
                    Appraisal(
                        cycle=cycle,
                        employee_id=employee.pk,
                        unit_id=employee.unit_id,
                        appraiser_id=appraiser_id,
                        appeal_reviewer_id=reviewer_id,
                    )
                )
            rows = Appraisal.objects.bulk_create(rows, batch_size=batch_size)
            # History and audit rows go in with COPY on PostgreSQL: at 100,000
            # employees the ORM's per-value work would dominate the job.
            insert_rows(
                Appraisal.history.model,
                history_rows(rows, actor=actor, reason="cycle_open", at=timezone.now()),
            )
            audit_events_open_chains(
                subjects=rows,
                actor=actor,
                action="appraisal.created",
                to_state="draft",
                scope_of=lambda a: unit_paths[a.unit_id],
                reason=f"cycle_open: {cycle.name}",
                changes_of=lambda a: {
                    "cycle_id": [None, a.cycle_id],
                    "employee_id": [None, a.employee_id],
                    "appraiser_id": [None, a.appraiser_id],
                    "appeal_reviewer_id": [None, a.appeal_reviewer_id],
                    "state": [None, "draft"],
                    "version": [None, 1],
                },
            )
        created += len(rows)
        if progress:
            progress(created, len(todo))
    return created
