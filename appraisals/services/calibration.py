"""Calibration: the organisation's predicate, the unit's curve, and overrides.

The authority sets a unit's predicate for a cycle; the curve follows from it
(appraisals.curve). Results that make the curve unachievable are refused at
`issue_result` unless the authority has recorded an override with a reason.
A final appeal decision that breaks the curve is never refused (PP 30/2019
Pasal 59 ayat 4): it raises a CurveFlag (appraisals.effects), which the
authority acknowledges here with a reason.
Each write is audited on the UnitPredicate / CurveOverride / CurveFlag row's own chain.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from workflow.errors import ActionForbidden, PayloadInvalid, Problem, StateConflict
from workflow.records import attribute, audit_record
from workflow.text import Text

from ..curve import RULES
from ..models import CurveFlag, CurveOverride, Cycle, Unit, UnitPredicate
from ..policies import profile_of
from ..selectors.calibration import curve_report

ONLY_AUTHORITY = Text(
    id="Hanya pejabat yang berwenang atas unit ini yang dapat melakukannya.",
    en="Only an authority over this unit may do this.",
)
REASON_REQUIRED = Text(id="Alasan wajib diisi.", en="A reason is required.")
ALREADY_ACKNOWLEDGED = Text(
    id="Penanda kurva ini sudah ditanggapi.", en="This curve flag has already been acknowledged."
)
UNKNOWN_PREDICATE = Text(
    id="Predikat organisasi tidak dikenal.", en="Unknown organisation predicate."
)


def _require_authority(actor, unit: Unit) -> None:
    if "authority" not in profile_of(actor).holds_in(unit.path):
        raise ActionForbidden(ONLY_AUTHORITY)


@transaction.atomic
def unit_predicate_set(
    *, unit: Unit, cycle: Cycle, predicate: str, actor, reason: str = ""
) -> UnitPredicate:
    _require_authority(actor, unit)
    if predicate not in RULES:
        raise PayloadInvalid(
            UNKNOWN_PREDICATE,
            [Problem(code="invalid_choice", message=UNKNOWN_PREDICATE, field="predicate")],
        )
    current = UnitPredicate.objects.select_for_update().filter(unit=unit, cycle=cycle).first()
    old = current.predicate if current else None
    row = current or UnitPredicate(unit=unit, cycle=cycle)
    row.predicate, row.reason, row.set_by, row.set_at = predicate, reason, actor, timezone.now()
    attribute(row, actor=actor, reason="organisation_predicate.set")
    row.save()
    audit_record(
        row,
        locked=row,  # locked above, or inserted by this transaction
        actor=actor,
        action="organisation_predicate.set",
        reason=reason,
        changes={
            "predicate": [old, predicate],
            "unit_id": [None, unit.pk],
            "cycle_id": [None, cycle.pk],
        },
        scope=unit.path,
    )
    return row


@transaction.atomic
def curve_override_record(*, unit: Unit, cycle: Cycle, actor, reason: str) -> CurveOverride:
    _require_authority(actor, unit)
    if not (reason or "").strip():
        raise PayloadInvalid(
            REASON_REQUIRED, [Problem(code="required", message=REASON_REQUIRED, field="reason")]
        )
    report = curve_report(unit=unit, cycle=cycle)
    row = CurveOverride(
        unit=unit, cycle=cycle, reason=reason.strip(), recorded_by=actor, recorded_at=timezone.now()
    )
    attribute(row, actor=actor, reason="curve.override")
    row.save()
    audit_record(
        row,
        locked=row,  # inserted by this transaction
        actor=actor,
        action="curve.override",
        reason=row.reason,
        changes={
            "unit_id": [None, unit.pk],
            "cycle_id": [None, cycle.pk],
            "curve": [None, report.as_dict()],
        },
        scope=unit.path,
    )
    return row


@transaction.atomic
def curve_flag_acknowledge(*, flag: CurveFlag, actor, reason: str) -> CurveFlag:
    """The authority over the flag's unit takes note, with a reason, of a final appeal
    decision that broke the curve (as with an override at issue time), once."""
    _require_authority(actor, flag.unit)
    if not (reason or "").strip():
        raise PayloadInvalid(
            REASON_REQUIRED, [Problem(code="required", message=REASON_REQUIRED, field="reason")]
        )
    locked = CurveFlag.objects.select_for_update().select_related("unit").get(pk=flag.pk)
    if locked.acknowledged:
        raise StateConflict(ALREADY_ACKNOWLEDGED)
    locked.acknowledged_by, locked.acknowledged_at = actor, timezone.now()
    locked.acknowledgement_reason = reason.strip()
    attribute(locked, actor=actor, reason="curve_flag.acknowledged")
    locked.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement_reason"])
    audit_record(
        locked,
        locked=locked,
        actor=actor,
        action="curve_flag.acknowledged",
        reason=locked.acknowledgement_reason,
        changes={
            "acknowledged_at": [None, locked.acknowledged_at.isoformat()],
            "appraisal_id": [None, locked.appraisal_id],
            "unit_id": [None, locked.unit_id],
            "cycle_id": [None, locked.cycle_id],
            "predicate": [locked.predicate_before, locked.predicate_after],
        },
        scope=locked.unit.path,
    )
    return locked
