"""Reading calibration: the governing predicate and the unit's curve."""

from __future__ import annotations

from django.db.models import Count

from workflow.text import Text

from ..curve import CurveReport, evaluate
from ..models import Appraisal, CurveOverride, Cycle, Unit, UnitPredicate
from ..models.organisation import path_ids
from .organisation import unit_get_for

CALIBRATION_READERS = {"authority", "panel", "hr_admin", "inspector"}
NOT_A_READER = Text(
    id="Hanya PPK, tim penilai kinerja, admin kepegawaian dan inspektur melihat kalibrasi unit.",
    en="Only the authority, the panel, HR admins and inspectors see a unit's calibration.",
)


def unit_get_visible(*, user, pk) -> Unit:
    """A unit whose calibration the user may read: 404 if unseen, 403 if only seen."""
    return unit_get_for(user=user, pk=pk, roles=CALIBRATION_READERS, refusal=NOT_A_READER)


def governing_predicate(*, unit_path: str, cycle_id: int) -> UnitPredicate | None:
    """The predicate set on the nearest unit at or above `unit_path` in the cycle."""
    candidates = UnitPredicate.objects.filter(
        cycle_id=cycle_id, unit_id__in=path_ids(unit_path)
    ).select_related("unit")
    return max(candidates, key=lambda p: len(p.unit.path), default=None)


def curve_report(*, unit: Unit, cycle: Cycle | int) -> CurveReport:
    """Actual vs allowed for the unit's appraised employees (its whole subtree)."""
    cycle_id = cycle if isinstance(cycle, int) else cycle.pk
    governing = governing_predicate(unit_path=unit.path, cycle_id=cycle_id)
    scope = governing.unit if governing else unit
    rows = (
        Appraisal.objects.filter(cycle_id=cycle_id, unit__path__startswith=scope.path)
        .exclude(state="cancelled")
        .values("predicate")
        .annotate(n=Count("id"))
    )
    counts = {row["predicate"]: row["n"] for row in rows}
    unrated = counts.pop("", 0)
    return evaluate(
        organisation_predicate=governing.predicate if governing else None,
        counts=counts,
        unrated=unrated,
    )


def curve_blocks_issue(appraisal: Appraisal) -> bool:
    """True when issuing this result would leave the unit's curve unachievable."""
    governing = governing_predicate(unit_path=appraisal.unit.path, cycle_id=appraisal.cycle_id)
    if governing is None:
        return False
    if CurveOverride.objects.filter(unit=governing.unit, cycle_id=appraisal.cycle_id).exists():
        return False
    return curve_report(unit=governing.unit, cycle=appraisal.cycle_id).blocking
