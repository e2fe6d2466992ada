"""Organisation changes in the middle of a cycle, carried into open appraisals.

- A new supervisor: the employee's open appraisals get the new appraiser, and
  the appraisals this employee rates get a new appeal reviewer; the old
  supervisor loses access at once (visibility follows the appraisal's
  appraiser and reviewer).
- A transfer: before the plan is set the appraisal follows the employee; once
  it is set, it is cancelled and a new one opens for the new position
  (PermenPANRB 6/2022: a transferred employee drafts a new plan).
- Leaving (retirement, death, dismissal): open appraisals are cancelled.

Every change goes through the engine (perform / change) so it is locked,
versioned, in history and on the audit chain; the employee's own record gets
an audit event too. Only an HR admin over the employee's unit may do it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from workflow import services as engine
from workflow.errors import ActionForbidden, PayloadInvalid, Problem
from workflow.records import attribute, audit_record
from workflow.text import Text

from ..constraints import SUPERVISOR_NOT_SELF
from ..models import Appraisal, Employee, Position, SupervisorRelation, Unit
from ..policies import profile_of
from .cycles import cycle_open
from .handover import appraisal_reassign
from .organisation import position_superior_resolve, supervisor_resolve

ONLY_HR = Text(
    id="Hanya pengelola kinerja (BKD/BKPSDM) atas unit pegawai ini yang dapat melakukannya.",
    en="Only an HR administrator over this employee's unit may do this.",
)
BEFORE_RESULT = ("draft", "plan_submitted", "in_progress", "self_assessed", "reviewed", "discussed")
PLAN_NOT_SET = ("draft", "plan_submitted")
CANCELLABLE_ON_LEAVE = (*BEFORE_RESULT, "result_issued", "appealed")
LEAVE_REASONS = {
    "retired": Text("Pensiun", "Retired"),
    "deceased": Text("Meninggal dunia", "Deceased"),
    "dismissed": Text("Diberhentikan", "Dismissed"),
    "contract_ended": Text("Perjanjian kerja (PPPK) berakhir", "PPPK contract ended"),
}


NOT_FOUND = Text(id="Tidak ditemukan.", en="Not found.")
INVALID = Text(id="Isian tidak valid.", en="The submitted data is invalid.")
POSITION_ELSEWHERE = Text(
    id="Jabatan ini bukan jabatan pada unit tujuan.",
    en="This position does not belong to the destination unit.",
)

FUTURE_DATE = Text(
    id="Tanggal berlaku tidak boleh di masa depan; catat perubahan pada tanggal berlakunya.",
    en="The effective date cannot be in the future; record the change when it takes effect.",
)


def _require_past(effective: dt.date) -> None:
    # Changes dated back (an SK signed earlier) are common and fine; changes
    # ahead of time would move appraisals before the change takes effect.
    if effective > timezone.localdate():
        raise PayloadInvalid(
            FUTURE_DATE, [Problem(code="future_date", message=FUTURE_DATE, field="effective")]
        )


def _require_hr(actor, *units: Unit) -> None:
    profile = profile_of(actor)
    if not all("hr_admin" in profile.holds_in(unit.path) for unit in units):
        raise ActionForbidden(ONLY_HR)


def _require_reachable(actor, **targets: Unit | None) -> None:
    """What a change points at (field -> its unit) must lie inside the actor's HR scope.

    Refused as a problem on the field, worded as for an id that does not exist:
    the answer says nothing of the other unit (issue #13, item 7).
    """
    profile = profile_of(actor)
    problems = [
        Problem(code="does_not_exist", message=NOT_FOUND, field=name)
        for name, unit in targets.items()
        if unit is not None and "hr_admin" not in profile.holds_in(unit.path)
    ]
    if problems:
        raise PayloadInvalid(INVALID, problems)


def _require_position_of(position: Position | None, unit: Unit) -> None:
    if position is not None and position.unit_id != unit.pk:
        raise PayloadInvalid(
            INVALID,
            [Problem(code="position_elsewhere", message=POSITION_ELSEWHERE, field="position")],
        )


def _open_appraisals(employee: Employee, states) -> list[Appraisal]:
    # A closed cycle is frozen (lifecycle CYCLE_OPEN): its records stay as they were.
    return list(
        Appraisal.objects.filter(employee=employee, state__in=states).exclude(
            cycle__status="closed"
        )
    )


def _reassign(appraisal: Appraisal, *, actor, reason: str, cause: str, **fields) -> None:
    appraisal_reassign(appraisal, actor=actor, reason=reason, cause=cause, **fields)


def _reviewer_for(appraiser: Employee | None, employee: Employee, on: dt.date):
    if appraiser is None:
        return None
    reviewer = position_superior_resolve(appraiser=appraiser, on=on)
    return None if reviewer is None or reviewer.pk in (employee.pk, appraiser.pk) else reviewer


def _record(employee: Employee, *, actor, action: str, reason: str, changes: dict) -> None:
    audit_record(
        employee,
        locked=None,  # the employee's row is locked here
        actor=actor,
        action=action,
        reason=reason,
        changes=changes,
        scope=employee.unit.path,
    )


@transaction.atomic
def employee_supervisor_change(
    *,
    employee: Employee,
    supervisor: Employee | None,
    effective: dt.date,
    actor,
    reason: str = "",
    cause: str = "supervisor_change",
) -> None:
    _require_hr(actor, employee.unit)
    _require_reachable(actor, supervisor=supervisor.unit if supervisor else None)
    _require_past(effective)
    if supervisor is not None and supervisor.pk == employee.pk:
        # The database refuses it too (supervisor_not_self); saying so first is cheaper.
        raise PayloadInvalid(
            SUPERVISOR_NOT_SELF,
            [Problem(code="supervisor_not_self", message=SUPERVISOR_NOT_SELF, field="supervisor")],
        )
    current = list(
        SupervisorRelation.objects.select_for_update()
        .filter(employee=employee)
        .exclude(valid_until__lt=effective)
    )
    for relation in current:
        relation.valid_until = effective - dt.timedelta(days=1)
        attribute(relation, actor=actor, reason="supervisor_change")
        relation.save(update_fields=["valid_until"])
    if supervisor is not None:
        relation = SupervisorRelation(
            employee=employee, supervisor=supervisor, valid_from=effective
        )
        attribute(relation, actor=actor, reason="supervisor_change")
        relation.save()
    _record(
        employee,
        actor=actor,
        action="employee.supervisor_changed",
        reason=reason,
        changes={
            "supervisor_id": [
                [r.supervisor_id for r in current],
                supervisor.pk if supervisor else None,
            ],
            "effective": [None, effective],
        },
    )
    appraisals_follow_employee(
        employee=employee,
        actor=actor,
        effective=effective,
        reason=reason or "supervisor_change",
        cause=cause,
    )


@transaction.atomic
def employee_transfer(
    *,
    employee: Employee,
    unit: Unit,
    position: Position | None,
    supervisor: Employee | None,
    effective: dt.date,
    actor,
    reason: str = "",
) -> None:
    _require_hr(actor, employee.unit)
    # Both ends: the destination, its position and the new supervisor are the
    # actor's too, checked before anything is written.
    _require_reachable(
        actor,
        unit=unit,
        position=position.unit if position else None,
        supervisor=supervisor.unit if supervisor else None,
    )
    _require_position_of(position, unit)
    _require_past(effective)
    old_unit = employee.unit
    employee.unit, employee.position = unit, position
    attribute(employee, actor=actor, reason="transfer")
    employee.save(update_fields=["unit", "position"])
    _record(
        employee,
        actor=actor,
        action="employee.transferred",
        reason=reason,
        changes={
            "unit_id": [old_unit.pk, unit.pk],
            "effective": [None, effective],
        },
    )
    employee_supervisor_change(
        employee=employee,
        supervisor=supervisor,
        effective=effective,
        actor=actor,
        reason=reason or "transfer",
        cause="transfer",
    )


@transaction.atomic
def employee_leave(
    *, employee: Employee, kind: str, effective: dt.date, actor, reason: str = ""
) -> None:
    _require_hr(actor, employee.unit)
    _require_past(effective)
    label = LEAVE_REASONS[kind]
    employee.active = False
    attribute(employee, actor=actor, reason=f"leave:{kind}")
    employee.save(update_fields=["active"])
    _record(
        employee,
        actor=actor,
        action="employee.left",
        reason=reason or label.id,
        changes={"active": [True, False], "kind": [None, kind], "effective": [None, effective]},
    )
    appraisals_follow_employee(
        employee=employee,
        actor=actor,
        effective=effective,
        reason=f"{label.id} / {label.en}: {reason}".rstrip(": "),
    )


def appraisals_follow_employee(
    *, employee: Employee, actor, effective: dt.date, reason: str, cause: str = "organisation"
):
    """Carry an employee's current organisation record into their open appraisals.

    One routine for every path that changes the organisation (the HR API and
    the import): left -> open appraisals are cancelled; otherwise the appraiser
    and reviewer are resolved again on `effective`, those whom the employee
    rates get their new reviewer, and a move to another unit follows the
    employee before the plan is set, or cancels and opens a new plan after.
    """
    if not employee.active:
        for appraisal in _open_appraisals(employee, CANCELLABLE_ON_LEAVE):
            engine.perform(appraisal, "cancel", actor=actor, reason=reason)
        return
    appraiser = supervisor_resolve(employee=employee, on=effective)
    reviewer = _reviewer_for(appraiser, employee, effective)
    for appraisal in _open_appraisals(employee, BEFORE_RESULT):
        moved = appraisal.unit_id != employee.unit_id
        if moved and appraisal.state not in PLAN_NOT_SET:
            engine.perform(appraisal, "cancel", actor=actor, reason=f"Mutasi / transfer: {reason}")
            cycle_open(cycle=appraisal.cycle, actor=actor, employees=[employee], on=effective)
            continue
        fields = {"appraiser": appraiser, "appeal_reviewer": reviewer}
        if moved:
            fields["unit"] = employee.unit
        if any(getattr(appraisal, f"{k}_id") != (v.pk if v else None) for k, v in fields.items()):
            _reassign(appraisal, actor=actor, reason=reason, cause=cause, **fields)
    # Whom this employee rates: their appeal reviewer is now the new supervisor.
    led = Appraisal.objects.filter(appraiser=employee, state__in=BEFORE_RESULT)
    for appraisal in led.exclude(cycle__status="closed"):
        new = appraiser if appraiser and appraiser.pk != appraisal.employee_id else None
        if appraisal.appeal_reviewer_id != (new.pk if new else None):
            _reassign(appraisal, actor=actor, reason=reason, cause=cause, appeal_reviewer=new)
