"""A cycle's phase deadlines and its plan fallback date: the defaults and HR's edits.

PermenPANRB 6/2022 annex (planning): the plan is set at the latest by the end of
January; if employee and appraiser have not drafted it by the second week of January,
the performance manager (pengelola kinerja; `hr_admin` in Kinerja) drafts and sets it
and informs both. The rows live in `notifications.PhaseDeadline` (the poller reminds
and escalates from them); this module decides what they are and who changes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.models import PhaseDeadline
from notifications.models.deadlines import PHASE_STATES
from workflow.errors import ActionForbidden, PayloadInvalid, Problem, StateConflict
from workflow.records import attribute, audit_record
from workflow.text import Text

from ..models import Cycle
from ..policies import profile_of

STATES = tuple(state for state, _label in PHASE_STATES)
# The planning phases: inside the cycle, by the regulation's January dates.
PLAN_STATES = ("draft", "plan_submitted")
# Our choice (the regulation sets no date for these): days after the cycle's end by which
# each later phase is left, in the lifecycle's order. The annual result a month after the
# year (self-assessment a week, review two, dialogue three, result issued by day 31),
# follow-up proposed within two months and decided within three.
AFTER_END_DAYS = {
    "in_progress": 7,
    "self_assessed": 14,
    "reviewed": 21,
    "discussed": 31,
    "final": 60,
    "decision_proposed": 90,
}
# How far after the cycle's end HR may put a later phase (our choice: a year).
LATEST_AFTER_END_DAYS = 365
MAX_REMINDERS = 10

MONTHS_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

ONLY_HR = Text(
    id="Hanya pengelola kinerja (BKD/BKPSDM) instansi siklus ini yang dapat mengubah "
    "batas waktunya.",
    en="Only an HR administrator of the cycle's instansi can change its deadlines.",
)
INVALID = Text(
    id="Batas waktu tahapan tidak valid.",
    en="The phase deadlines are invalid.",
)


def date_text(day: dt.date) -> Text:
    """A date as people read it: "14 Januari 2026" / "14 January 2026"."""
    return Text(
        id=f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}",
        en=f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}",
    )


# -- the fallback ----------------------------------------------------------------------------


def plan_fallback_passed(cycle: Cycle, *, now: dt.datetime | None = None) -> bool:
    """HR may step in from the day after the fallback date (local day)."""
    return timezone.localdate(now or timezone.now()) > cycle.plan_fallback_date


def plan_fallback_not_due(cycle: Cycle) -> Text:
    day = date_text(cycle.plan_fallback_date)
    return Text(
        id=(
            "Pengelola kinerja baru dapat menyusun dan menetapkan SKP setelah batas waktu "
            f"penyusunan oleh pegawai dan pejabat penilai ({day.id}) lewat."
        ),
        en=(
            "HR can draft and set the plan only after the employee's and appraiser's "
            f"drafting deadline ({day.en}) has passed."
        ),
    )


# -- defaults ----------------------------------------------------------------------------------


def _after(day: dt.date, days: int) -> dt.date:
    # A cycle may end as late as the calendar allows: never past its last day.
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max


def _clamp(day: dt.date, cycle: Cycle) -> dt.date:
    return min(max(day, cycle.starts_on), cycle.ends_on)


def phase_deadline_defaults(cycle: Cycle) -> dict[str, dt.date]:
    """Each phase's default last day.

    The regulation's: plan drafted by the fallback date (end of the second week of
    January) and set by 31 January. Ours: the later phases, AFTER_END_DAYS after the
    cycle's end. A cycle that does not start in January keeps the dates inside itself.
    """
    fallback = _clamp(cycle.plan_fallback_date, cycle)
    plan_set = max(_clamp(dt.date(cycle.year, 1, 31), cycle), fallback)
    due = {"draft": fallback, "plan_submitted": plan_set}
    for state, days in AFTER_END_DAYS.items():
        due[state] = _after(cycle.ends_on, days)
    return due


def phase_deadlines_create_default(*, cycle: Cycle) -> list[PhaseDeadline]:
    """The cycle's phase deadlines where it has none yet (a new cycle: all of them)."""
    have = set(PhaseDeadline.objects.filter(cycle=cycle).values_list("state", flat=True))
    rows = [
        PhaseDeadline(cycle=cycle, state=state, due_on=due_on)
        for state, due_on in phase_deadline_defaults(cycle).items()
        if state not in have
    ]
    return PhaseDeadline.objects.bulk_create(rows)


# -- HR's edits ------------------------------------------------------------------------------


def _bounds(cycle: Cycle, state: str) -> tuple[dt.date, dt.date]:
    if state in PLAN_STATES:
        return cycle.starts_on, cycle.ends_on
    return cycle.starts_on, _after(cycle.ends_on, LATEST_AFTER_END_DAYS)


def _out_of_bounds(field: str, low: dt.date, high: dt.date) -> Problem:
    a, b = date_text(low), date_text(high)
    return Problem(
        code="phase_date_out_of_bounds",
        field=field,
        message=Text(
            id=f"Tanggal di luar rentang yang diperbolehkan ({a.id} s.d. {b.id}).",
            en=f"The date is outside the allowed range ({a.en} to {b.en}).",
        ),
    )


def _order(field: str, later_than: dt.date) -> Problem:
    day = date_text(later_than)
    return Problem(
        code="phase_order",
        field=field,
        message=Text(
            id=f"Tanggal harus sebelum atau sama dengan batas penetapan SKP ({day.id}).",
            en=f"The date must be on or before the plan's set-by date ({day.en}).",
        ),
    )


def _problems(cycle: Cycle, fallback: dt.date, rows: dict[str, dict], touched: set) -> list:
    """What is wrong with the merged result, reported on the fields the caller sent."""
    problems = []
    for state in STATES:
        row = rows.get(state)
        if row is None or state not in touched:
            continue
        low, high = _bounds(cycle, state)
        if not low <= row["due_on"] <= high:
            problems.append(_out_of_bounds(f"deadlines.{state}.due_on", low, high))
    if "plan_fallback_on" in touched and not cycle.starts_on <= fallback <= cycle.ends_on:
        problems.append(_out_of_bounds("plan_fallback_on", cycle.starts_on, cycle.ends_on))
    if problems:
        return problems
    plan_set = rows.get("plan_submitted")
    if plan_set is not None:
        if fallback > plan_set["due_on"]:
            field = "plan_fallback_on" if "plan_fallback_on" in touched else None
            problems.append(_order(field or "deadlines.plan_submitted.due_on", plan_set["due_on"]))
        draft = rows.get("draft")
        if draft is not None and draft["due_on"] > plan_set["due_on"]:
            field = "deadlines.draft.due_on"
            if "draft" not in touched:
                field = "deadlines.plan_submitted.due_on"
            problems.append(_order(field, plan_set["due_on"]))
    return problems


def _snapshot(row: PhaseDeadline) -> dict:
    return {"due_on": row.due_on, "remind_days": list(row.remind_days), "escalate": row.escalate}


CYCLE_CLOSED = Text(
    id="Siklus penilaian sudah ditutup; batas waktu tahapannya tidak dapat diubah kecuali "
    "pengelola kinerja membukanya kembali dengan alasan.",
    en="The cycle is closed; its phase deadlines cannot change unless HR reopens it with a reason.",
)


def phase_deadlines_authorise(*, cycle: Cycle, actor) -> None:
    """403 unless `actor` is an HR admin of the cycle's instansi (as for opening it)."""
    if "hr_admin" not in profile_of(actor).holds_in(cycle.instansi.path):
        raise ActionForbidden(ONLY_HR)


def phase_deadlines_update(
    *,
    cycle: Cycle,
    actor,
    deadlines: dict[str, dict[str, Any] | None],
    plan_fallback_on: dt.date | None = None,
    replace: bool = False,
) -> Cycle:
    """Change the cycle's fallback date and phase deadlines; audited on the cycle's chain.

    `deadlines` maps a phase to its new values (a partial dict merges into the current
    row; None removes the phase's deadline). With `replace`, phases not named are
    removed. Refused whole (400, every problem named) when a date leaves its bounds.
    """
    phase_deadlines_authorise(cycle=cycle, actor=actor)
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().select_related("instansi").get(pk=cycle.pk)
        if locked.status == Cycle.Status.CLOSED:
            # A closed cycle is frozen (lifecycle CYCLE_OPEN): its deadlines too.
            raise StateConflict(CYCLE_CLOSED, [Problem(code="cycle_closed", message=CYCLE_CLOSED)])
        current = {r.state: r for r in PhaseDeadline.objects.filter(cycle=locked)}
        before = {state: _snapshot(row) for state, row in current.items()}
        after = dict(before) if not replace else {}
        touched = set(deadlines)
        for state, values in deadlines.items():
            if values is None:
                after.pop(state, None)
                continue
            base = before.get(state) or {
                "remind_days": list(settings.DEADLINES_REMINDER_DAYS),
                "escalate": True,
            }
            merged = {**base, **values}
            merged["remind_days"] = sorted(set(merged["remind_days"]), reverse=True)
            after[state] = merged
        fallback = locked.plan_fallback_date
        if plan_fallback_on is not None:
            fallback = plan_fallback_on
            touched.add("plan_fallback_on")
        problems = _problems(locked, fallback, after, touched)
        if problems:
            raise PayloadInvalid(INVALID, problems)

        changes: dict[str, list] = {}
        if plan_fallback_on is not None and plan_fallback_on != locked.plan_fallback_on:
            if plan_fallback_on != locked.plan_fallback_date:
                changes["plan_fallback_on"] = [
                    locked.plan_fallback_date.isoformat(),
                    plan_fallback_on.isoformat(),
                ]
            locked.plan_fallback_on = plan_fallback_on
            attribute(locked, actor=actor, reason="cycle.phase_deadlines_updated")
            locked.save(update_fields=["plan_fallback_on"])
        for state in STATES:
            old, new = before.get(state), after.get(state)
            if old == new:
                continue
            if new is None:
                current[state].delete()
                changes[state] = [_jsonable(old), None]
                continue
            row = current.get(state) or PhaseDeadline(cycle=locked, state=state)
            row.due_on, row.remind_days, row.escalate = (
                new["due_on"],
                new["remind_days"],
                new["escalate"],
            )
            row.save()
            if old is None:
                changes[state] = [None, _jsonable(new)]
                continue
            for key in ("due_on", "remind_days", "escalate"):
                if old[key] != new[key]:
                    changes[f"{state}.{key}"] = [_jsonable(old[key]), _jsonable(new[key])]
        if changes:
            audit_record(
                locked,
                actor=actor,
                action="cycle.phase_deadlines_updated",
                locked=locked,
                changes=changes,
                scope=locked.instansi.path,
            )
    return locked


def _jsonable(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value
