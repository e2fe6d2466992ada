"""Check-ins (pemantauan kinerja) and their evidence (bukti dukung).

During execution (PermenPANRB 6/2022: pelaksanaan, pemantauan, pembinaan) the
employee records, per period of the cycle (monthly or quarterly, the agency
chooses), the realisation of each indicator of the agreed plan with evidence;
the appraiser answers with feedback. Every write goes through the engine's
change path, so the appraisal is locked, versioned, in history and on its
audit chain. Uploaded files are recognised by their content (magic bytes),
never by what the client claims.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from workflow import services as engine
from workflow.errors import ActionForbidden, PayloadInvalid, Problem, StateConflict
from workflow.records import attribute
from workflow.text import Text

from ..models import Appraisal, CheckIn, CheckInEntry, Indicator
from ..policies import appraisal_roles
from ..selectors.checkins import check_in_get, check_in_period_count

RECORDING_STATES = ("in_progress",)
# The appraiser may still answer a check-in while reading the self-assessment.
FEEDBACK_STATES = ("in_progress", "self_assessed")

ONLY_EMPLOYEE = Text(
    id="Hanya pegawai yang bersangkutan yang dapat mencatat pemantauan dan bukti dukung.",
    en="Only the appraised employee can record check-ins and evidence.",
)
ONLY_APPRAISER = Text(
    id="Hanya pejabat penilai kinerja yang dapat memberi umpan balik.",
    en="Only the appraiser can give feedback.",
)
NOT_IN_PROGRESS = Text(
    id="Pemantauan hanya dapat dicatat saat SKP sedang dilaksanakan (in_progress).",
    en="Check-ins can only be recorded while the plan is in progress.",
)
FEEDBACK_CLOSED = Text(
    id="Umpan balik hanya dapat diberikan selama pelaksanaan atau penilaian mandiri.",
    en="Feedback can only be given during execution or the self-assessment.",
)
PERIOD_OUT_OF_RANGE = Text(
    id="Periode harus 1 sampai {last} (pemantauan {label} pada siklus ini).",
    en="The period must be 1 to {last} (this cycle has {label_en} check-ins).",
)
INDICATOR_OUTSIDE = Text(
    id="Indikator {indicator} bukan bagian dari SKP penilaian ini.",
    en="Indicator {indicator} is not part of this appraisal's plan.",
)
INDICATOR_REPEATED = Text(
    id="Indikator {indicator} dicatat lebih dari sekali.",
    en="Indicator {indicator} is recorded more than once.",
)
FEEDBACK_EMPTY = Text(id="Umpan balik wajib diisi.", en="Feedback is required.")


def invalid(message: Text, code: str, field: str | None) -> PayloadInvalid:
    return PayloadInvalid(message, [Problem(code=code, message=message, field=field)])


def _check_period(appraisal: Appraisal, period: int) -> None:
    last = check_in_period_count(appraisal.cycle)
    if not 1 <= period <= last:
        label, label_en = ("bulanan", "monthly") if last == 12 else ("triwulanan", "quarterly")
        message = PERIOD_OUT_OF_RANGE.format(last=last, label=label, label_en=label_en)
        raise invalid(message, "period_out_of_range", "period")


def _require(appraisal: Appraisal, actor, role: str, message: Text, states, closed: Text):
    if role not in appraisal_roles(appraisal, actor):
        raise ActionForbidden(message)
    if appraisal.state not in states:
        raise StateConflict(closed)


def evidence_writable_check(appraisal: Appraisal, actor) -> None:
    """Whether `actor` may add evidence now (checked early by the view, again under lock)."""
    _require(appraisal, actor, "employee", ONLY_EMPLOYEE, RECORDING_STATES, NOT_IN_PROGRESS)


def _plan_indicators(appraisal: Appraisal) -> dict[int, Indicator]:
    return {i.pk: i for i in Indicator.objects.filter(item__appraisal=appraisal)}


def indicator_of(appraisal: Appraisal, indicator_id, field: str) -> Indicator | None:
    if indicator_id is None:
        return None
    indicator = _plan_indicators(appraisal).get(indicator_id)
    if indicator is None:
        message = INDICATOR_OUTSIDE.format(indicator=indicator_id)
        raise invalid(message, "indicator_outside_plan", field)
    return indicator


def check_in_record(
    *,
    appraisal: Appraisal,
    actor,
    period: int,
    note: str = "",
    entries: list[dict[str, Any]],
    expected_version: int | None = None,
) -> tuple[CheckIn, bool]:
    """Record (or re-record) the employee's check-in of one period.

    The posted entries are the period's whole realisation: indicators left out
    of a re-post lose their entry. Returns (check-in, created).
    """
    action = "check_in.recorded"

    def apply(locked: Appraisal):
        _require(locked, actor, "employee", ONLY_EMPLOYEE, RECORDING_STATES, NOT_IN_PROGRESS)
        _check_period(locked, period)
        indicators = _plan_indicators(locked)
        problems, wanted = [], {}
        for index, entry in enumerate(entries):
            field, indicator_id = f"entries[{index}].indicator", entry["indicator"]
            if indicator_id not in indicators:
                message = INDICATOR_OUTSIDE.format(indicator=indicator_id)
                problems.append(Problem("indicator_outside_plan", message, field))
            elif indicator_id in wanted:
                message = INDICATOR_REPEATED.format(indicator=indicator_id)
                problems.append(Problem("indicator_repeated", message, field))
            else:
                wanted[indicator_id] = entry["realisation"]
        if problems:
            raise PayloadInvalid(problems[0].message, problems)

        check_in = CheckIn.objects.filter(appraisal=locked, period=period).first()
        created = check_in is None
        prefix = f"check_in[{period}]"
        changes: dict[str, list] = {}
        if created:
            check_in = CheckIn(appraisal=locked, period=period, note="")
        if check_in.note != note:
            changes[f"{prefix}.note"] = [None if created else check_in.note, note]
        check_in.note = note
        check_in.submitted_at = timezone.now()
        attribute(check_in, actor=actor, reason=action).save()

        current = {e.indicator_id: e for e in check_in.entries.all()}
        for indicator_id, entry in current.items():
            if indicator_id not in wanted:
                changes[f"{prefix}.entries[{indicator_id}]"] = [entry.realisation, None]
                attribute(entry, actor=actor, reason=action).delete()
        for indicator_id, realisation in wanted.items():
            entry = current.get(indicator_id)
            if entry is not None and entry.realisation == realisation:
                continue
            changes[f"{prefix}.entries[{indicator_id}]"] = [
                entry.realisation if entry else None,
                realisation,
            ]
            entry = entry or CheckInEntry(check_in=check_in, indicator_id=indicator_id)
            entry.realisation = realisation
            attribute(entry, actor=actor, reason=action).save()
        if created:
            changes[f"{prefix}"] = [None, {"period": period}]
        return (check_in, created), changes

    _, result = engine.change(
        appraisal, actor=actor, action=action, apply=apply, expected_version=expected_version
    )
    return result


def check_in_feedback_give(
    *,
    appraisal: Appraisal,
    actor,
    period: int,
    feedback: str,
    expected_version: int | None = None,
) -> CheckIn:
    action = "check_in.feedback_given"

    def apply(locked: Appraisal):
        _require(locked, actor, "appraiser", ONLY_APPRAISER, FEEDBACK_STATES, FEEDBACK_CLOSED)
        check_in = check_in_get(appraisal=locked, period=period)
        text = feedback.strip()
        if not text:
            raise invalid(FEEDBACK_EMPTY, "required", "feedback")
        old = check_in.feedback or None
        check_in.feedback, check_in.feedback_by = text, actor
        check_in.feedback_at = timezone.now()
        attribute(check_in, actor=actor, reason=action).save(
            update_fields=["feedback", "feedback_by", "feedback_at"]
        )
        return check_in, {f"check_in[{period}].feedback": [old, text]}

    _, check_in = engine.change(
        appraisal, actor=actor, action=action, apply=apply, expected_version=expected_version
    )
    return check_in
