"""Acting officials (Plt/Plh): appointed and ended by HR, acting on open appraisals at once.

BKN (SE Kepala BKN 1/2021 on Plt/Plh): a Plt (pelaksana tugas) fills a vacant
position or the long absence of its definitive holder; a Plh (pelaksana
harian) stands in for a short, temporary absence. Both carry the position's
routine duties, and the appraisal of the position's subordinates is one of them:
in Kinerja whoever would report to the replaced official is appraised by the
acting official while the appointment is in force.

An appointment, in one transaction: the row (history, audit), and every open
appraisal (not final, not decided, not cancelled) whose appraiser or appeal
reviewer follows from the replaced official is resolved again, each through
the engine's change path, with its handover row and notification. Ending it
(HR's end action, or the expiry sweep once `valid_until` has passed) resolves
them again, back to the official or to whoever acts next.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from workflow.actors import system_actor
from workflow.errors import PayloadInvalid, Problem
from workflow.records import attribute, audit_record
from workflow.text import Text

from ..models import ActingAssignment, Appraisal, Employee, Position, SupervisorRelation
from ..models.organisation import valid_on
from .changes import _require_hr, _require_reachable
from .handover import appraisal_reassign
from .organisation import position_superior_resolve, supervisor_resolve

CLOSED_STATES = ("final", "decision_proposed", "decided", "cancelled")
INVALID = Text(id="Isian tidak valid.", en="The submitted data is invalid.")
SELF = Text(
    id="Pelaksana tidak dapat menggantikan dirinya sendiri.",
    en="An acting official cannot replace themself.",
)
REVERSED = Text(
    id="Tanggal akhir tidak boleh sebelum tanggal mulai.",
    en="The end date cannot be before the start date.",
)
FUTURE_START = Text(
    id="Tanggal mulai paling lambat hari ini; catat penunjukan saat mulai berlaku.",
    en="The start date is today at the latest; record the appointment when it takes effect.",
)
PAST_END = Text(
    id="Tanggal akhir sudah lewat; penunjukan ini tidak lagi berlaku.",
    en="The end date has passed; this appointment would no longer be in force.",
)
OVERLAP = Text(
    id="Sudah ada Plt/Plh untuk pejabat ini pada rentang tanggal tersebut; akhiri dahulu.",
    en="An acting official already stands in for this official in that period; end it first.",
)
PLH_NEEDS_END = Text(
    id="Plh hanya untuk ketidakhadiran sementara: tanggal akhir wajib diisi.",
    en="A Plh covers a short absence only: the end date is required.",
)
PLH_NOT_VACANCY = Text(
    id="Pejabat yang digantikan sudah tidak aktif (jabatan kosong): tunjuk Plt, bukan Plh.",
    en="The replaced official is no longer active (a vacancy): appoint a Plt, not a Plh.",
)
NEED_TARGET = Text(
    id="Sebutkan jabatan atau pejabat yang digantikan.",
    en="Name the position or the official replaced.",
)
NO_HOLDER = Text(
    id="Jabatan ini belum pernah memiliki pemangku; tidak ada bawahan yang dinilai.",
    en="This position has never had a holder; nobody reports to it.",
)
OTHER_POSITION = Text(
    id="Pejabat yang digantikan bukan pemangku jabatan ini.",
    en="The replaced official does not hold this position.",
)
ALREADY_ENDED = Text(id="Penunjukan ini sudah berakhir.", en="This appointment has already ended.")


def _problem(code: str, message: Text, field: str) -> Problem:
    return Problem(code=code, message=message, field=field)


def _holder_of(position: Position) -> Employee | None:
    """The definitive holder of `position`: the active one, else the last who held it."""
    return position.holders.order_by("-active", "-id").first()


def _overlapping(replaces: Employee, start: dt.date, end: dt.date | None):
    qs = ActingAssignment.objects.filter(replaces=replaces, ended_at__isnull=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=start)
    )
    return qs.filter(valid_from__lte=end) if end is not None else qs


@transaction.atomic
def acting_appoint(
    *,
    actor,
    substitute: Employee,
    kind: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    replaces: Employee | None = None,
    position: Position | None = None,
    reason: str = "",
) -> tuple[ActingAssignment, int]:
    """Appoint `substitute` Plt/Plh for a position or its official; the row and how many moved."""
    if replaces is None and position is None:
        raise PayloadInvalid(INVALID, [_problem("target_required", NEED_TARGET, "position")])
    if replaces is None:
        replaces = _holder_of(position)
        if replaces is None:
            raise PayloadInvalid(INVALID, [_problem("no_holder", NO_HOLDER, "position")])
    elif position is None:
        position = replaces.position
    elif replaces.position_id != position.pk:
        raise PayloadInvalid(INVALID, [_problem("other_position", OTHER_POSITION, "replaces")])
    _require_reachable(actor, substitute=substitute.unit, replaces=replaces.unit)
    _require_hr(actor, replaces.unit)
    today = timezone.localdate()
    problems = []
    if substitute.pk == replaces.pk:
        problems.append(_problem("acting_not_self", SELF, "substitute"))
    if valid_until is not None and valid_until < valid_from:
        problems.append(_problem("dates_reversed", REVERSED, "valid_until"))
    if valid_from > today:
        problems.append(_problem("future_date", FUTURE_START, "valid_from"))
    if valid_until is not None and valid_from <= valid_until < today:
        problems.append(_problem("already_over", PAST_END, "valid_until"))
    if kind == ActingAssignment.Kind.PLH:
        if valid_until is None:
            problems.append(_problem("plh_needs_end", PLH_NEEDS_END, "valid_until"))
        if not replaces.active:
            problems.append(_problem("plh_for_vacancy", PLH_NOT_VACANCY, "kind"))
    if problems:
        raise PayloadInvalid(INVALID, problems)
    # Appointments for one official are serialised on the official's row.
    Employee.objects.select_for_update().filter(pk=replaces.pk).exists()
    if _overlapping(replaces, valid_from, valid_until).exists():
        raise PayloadInvalid(INVALID, [_problem("overlap", OVERLAP, "valid_from")])
    assignment = ActingAssignment(
        substitute=substitute,
        replaces=replaces,
        position=position,
        kind=kind,
        valid_from=valid_from,
        valid_until=valid_until,
        reason=reason,
    )
    attribute(assignment, actor=actor, reason="acting.appointed")
    assignment.save()
    audit_record(
        assignment,
        locked=assignment,  # inserted by this transaction: no one else sees it yet
        actor=actor,
        action="acting.appointed",
        reason=reason,
        changes={
            "substitute_id": [None, substitute.pk],
            "replaces_id": [None, replaces.pk],
            "position_id": [None, position.pk if position else None],
            "kind": [None, kind],
            "valid_from": [None, valid_from],
            "valid_until": [None, valid_until],
        },
        scope=replaces.unit.path,
    )
    label = ActingAssignment.Kind(kind).label
    moved = _follow(
        assignment,
        actor=actor,
        cause="acting_appointed",
        reason=f"{label}: {substitute.name} / {reason}".rstrip(" /"),
        on=today,
    )
    return assignment, moved


def acting_end(*, actor, assignment: ActingAssignment, reason: str = "") -> int:
    """HR ends an appointment now and hands its appraisals back; the number moved."""
    _require_hr(actor, assignment.replaces.unit)
    return _end(actor=actor, assignment=assignment, reason=reason)


@transaction.atomic
def _end(*, actor, assignment: ActingAssignment, reason: str) -> int:
    assignment = ActingAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.ended_at is not None:
        raise PayloadInvalid(INVALID, [_problem("already_ended", ALREADY_ENDED, "assignment")])
    assignment.ended_at, assignment.ended_by, assignment.end_reason = (
        timezone.now(),
        actor,
        reason,
    )
    attribute(assignment, actor=actor, reason="acting.ended")
    assignment.save(update_fields=["ended_at", "ended_by", "end_reason"])
    audit_record(
        assignment,
        locked=assignment,
        actor=actor,
        action="acting.ended",
        reason=reason,
        changes={"ended_at": [None, assignment.ended_at]},
        scope=assignment.replaces.unit.path,
    )
    label = assignment.get_kind_display()
    return _follow(
        assignment,
        actor=actor,
        cause="acting_ended",
        reason=f"{label} berakhir / ended: {reason}".rstrip(": "),
        on=timezone.localdate(),
    )


def acting_expire(*, on: dt.date | None = None) -> int:
    """Hand back the appraisals of appointments whose `valid_until` has passed (beat, daily)."""
    on = on or timezone.localdate()
    due = ActingAssignment.objects.filter(ended_at__isnull=True, valid_until__lt=on)
    actor = system_actor()
    ended = 0
    for assignment in due.order_by("id"):
        _end(
            actor=actor,
            assignment=assignment,
            reason="Masa berlaku berakhir / validity ended",
        )
        ended += 1
    return ended


def _definitive_supervisor(employee_id: int, on: dt.date) -> int | None:
    return (
        SupervisorRelation.objects.filter(valid_on(on), employee_id=employee_id)
        .order_by("-valid_from", "-id")
        .values_list("supervisor_id", flat=True)
        .first()
    )


def _reviewer(appraiser: Employee | None, employee_id: int, on: dt.date) -> Employee | None:
    # The superior of the seat the appraiser rates from (a Plt's: that of the position).
    if appraiser is None:
        return None
    reviewer = position_superior_resolve(appraiser=appraiser, on=on)
    return None if reviewer is None or reviewer.pk in (employee_id, appraiser.pk) else reviewer


def _follow(assignment: ActingAssignment, *, actor, cause: str, reason: str, on: dt.date) -> int:
    """Resolve again the open appraisals that follow from the replaced official's seat."""
    official, acting = assignment.replaces_id, assignment.substitute_id
    people = (official, acting)
    candidates = (
        Appraisal.objects.exclude(state__in=CLOSED_STATES)
        .filter(Q(appraiser_id__in=people) | Q(appeal_reviewer_id__in=people))
        .select_related("employee", "appraiser")
        .order_by("id")
    )
    moved = 0
    for appraisal in candidates:
        fields: dict = {}
        if _definitive_supervisor(appraisal.employee_id, on) == official:
            appraiser = supervisor_resolve(employee=appraisal.employee, on=on)
            fields = {
                "appraiser": appraiser,
                "appeal_reviewer": _reviewer(appraiser, appraisal.employee_id, on),
            }
        elif (
            appraisal.appraiser_id is not None
            and _definitive_supervisor(appraisal.appraiser_id, on) == official
        ):
            fields = {"appeal_reviewer": _reviewer(appraisal.appraiser, appraisal.employee_id, on)}
        if any(getattr(appraisal, f"{k}_id") != (v.pk if v else None) for k, v in fields.items()):
            appraisal_reassign(appraisal, actor=actor, reason=reason, cause=cause, **fields)
            moved += 1
    return moved
