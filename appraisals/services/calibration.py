"""Calibration: the organisation's predicate, the unit's curve, and overrides.

The authority sets a unit's predicate for a cycle; the curve follows from it
(appraisals.curve). Results that make the curve unachievable are refused at
`issue_result` unless the authority has recorded an override with a reason.
Each write is audited on the UnitPredicate / CurveOverride row's own chain.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from workflow.errors import ActionForbidden, PayloadInvalid, Problem
from workflow.records import attribute, audit_record
from workflow.text import Text

from ..curve import RULES
from ..models import CurveOverride, Cycle, Unit, UnitPredicate
from ..policies import profile_of
from ..selectors.calibration import curve_report

ONLY_AUTHORITY = Text(
    id="Hanya pejabat yang berwenang atas unit ini yang dapat melakukannya.",
    en="Only an authority over this unit may do this.",
)
REASON_REQUIRED = Text(id="Alasan wajib diisi.", en="A reason is required.")
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
