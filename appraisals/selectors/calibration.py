"""Reading calibration: the governing predicate and the unit's curve."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from workflow.errors import NotFound
from workflow.text import Text

from ..curve import CurveReport, evaluate
from ..models import Appraisal, CurveFlag, CurveOverride, Cycle, Unit, UnitPredicate
from ..models.organisation import path_ids
from .appraisals import appraisal_state_counts_in
from .organisation import unit_get_for

CALIBRATION_READERS = {"authority", "panel", "hr_admin", "inspector"}
NOT_A_READER = Text(
    id="Hanya PPK, tim penilai kinerja, admin kepegawaian dan inspektur melihat kalibrasi unit.",
    en="Only the authority, the panel, HR admins and inspectors see a unit's calibration.",
)
FLAG_NOT_FOUND = Text(id="Penanda kurva tidak ditemukan.", en="Curve flag not found.")


def unit_get_visible(*, user, pk) -> Unit:
    """A unit whose calibration the user may read: 404 if unseen, 403 if only seen."""
    return unit_get_for(user=user, pk=pk, roles=CALIBRATION_READERS, refusal=NOT_A_READER)


def governing_predicate(*, unit_path: str, cycle_id: int) -> UnitPredicate | None:
    """The predicate set on the nearest unit at or above `unit_path` in the cycle."""
    candidates = UnitPredicate.objects.filter(
        cycle_id=cycle_id, unit_id__in=path_ids(unit_path)
    ).select_related("unit")
    return max(candidates, key=lambda p: len(p.unit.path), default=None)


def _predicate_counts(*, scope: Unit, cycle_id: int) -> dict[str, int]:
    rows = (
        Appraisal.objects.filter(cycle_id=cycle_id, unit__path__startswith=scope.path)
        .exclude(state="cancelled")
        .values("predicate")
        .annotate(n=Count("id"))
    )
    return {row["predicate"]: row["n"] for row in rows}


def _report(governing: UnitPredicate | None, counts: dict[str, int]) -> CurveReport:
    counts = dict(counts)
    unrated = counts.pop("", 0)
    return evaluate(
        organisation_predicate=governing.predicate if governing else None,
        counts=counts,
        unrated=unrated,
    )


def curve_report(*, unit: Unit, cycle: Cycle | int) -> CurveReport:
    """Actual vs allowed for the unit's appraised employees (its whole subtree)."""
    cycle_id = cycle if isinstance(cycle, int) else cycle.pk
    governing = governing_predicate(unit_path=unit.path, cycle_id=cycle_id)
    scope = governing.unit if governing else unit
    return _report(governing, _predicate_counts(scope=scope, cycle_id=cycle_id))


def curve_broken_by_revision(
    appraisal: Appraisal, *, before: str, after: str
) -> tuple[Unit, CurveReport] | None:
    """(governing unit, curve with the revision) when revising `appraisal`'s predicate
    from `before` to `after` breaks a rule of its unit's curve that held, or could still
    be met, before; else None. Reads the stored predicates (`before` still saved)."""
    if before == after:
        return None
    governing = governing_predicate(unit_path=appraisal.unit.path, cycle_id=appraisal.cycle_id)
    if governing is None:
        return None
    counts = _predicate_counts(scope=governing.unit, cycle_id=appraisal.cycle_id)
    prior = _report(governing, counts)
    counts[before] = counts.get(before, 0) - 1
    counts[after] = counts.get(after, 0) + 1
    revised = _report(governing, counts)
    if not revised.blocking:
        return None
    newly_broken = [
        now
        for then, now in zip(prior.rules, revised.rules, strict=True)
        if then["achievable"] and not now["achievable"]
    ]
    return (governing.unit, revised) if newly_broken else None


def curve_flag_list(*, unit: Unit, cycle: Cycle | int) -> QuerySet[CurveFlag]:
    """Flags raised on the curve the unit's calibration shows (its governing unit's)."""
    cycle_id = cycle if isinstance(cycle, int) else cycle.pk
    governing = governing_predicate(unit_path=unit.path, cycle_id=cycle_id)
    return _flags_in(scope=governing.unit if governing else unit, cycle_id=cycle_id)


@dataclass(frozen=True)
class UnitFigures:
    """What the unit dashboard shows of a cycle: appraisals per state in the unit's subtree,
    the curve it is calibrated against (its governing unit's) and that curve's flags."""

    states: dict[str, int]
    report: CurveReport
    governing: UnitPredicate | None
    flags: QuerySet[CurveFlag]


def unit_figures(*, unit: Unit, cycle: Cycle) -> UnitFigures:
    """The dashboard's figures with the governing predicate asked once (it was asked three
    times) and, when the unit governs its own curve, states and predicates counted in one
    pass over the subtree's appraisals instead of two (issue #17). The same figures as
    `appraisal_state_counts_in`, `curve_report` and `curve_flag_list`."""
    governing = governing_predicate(unit_path=unit.path, cycle_id=cycle.pk)
    scope = governing.unit if governing else unit
    if scope.pk == unit.pk:
        rows = (
            Appraisal.objects.filter(cycle_id=cycle.pk, unit__path__startswith=unit.path)
            .order_by()
            .values_list("state", "predicate")
            .annotate(n=Count("id"))
        )
        states: dict[str, int] = {}
        predicates: dict[str, int] = {}
        for state, predicate, n in rows:
            states[state] = states.get(state, 0) + n
            if state != "cancelled":  # as _predicate_counts
                predicates[predicate] = predicates.get(predicate, 0) + n
    else:
        states = appraisal_state_counts_in(cycle=cycle, unit=unit)
        predicates = _predicate_counts(scope=scope, cycle_id=cycle.pk)
    return UnitFigures(
        states=states,
        report=_report(governing, predicates),
        governing=governing,
        flags=_flags_in(scope=scope, cycle_id=cycle.pk),
    )


def _flags_in(*, scope: Unit, cycle_id: int) -> QuerySet[CurveFlag]:
    return (
        CurveFlag.objects.filter(cycle_id=cycle_id, unit__path__startswith=scope.path)
        .select_related("unit", "cycle", "acknowledged_by", "appraisal__employee")
        .order_by("raised_at", "pk")
    )


def curve_flag_get_of(*, unit: Unit, pk) -> CurveFlag:
    """A flag on the curve of `unit` (its unit is `unit`, above it or below it), else 404."""
    candidates = CurveFlag.objects.select_related("unit", "cycle", "acknowledged_by")
    try:
        flag = candidates.get(pk=pk)
    except (CurveFlag.DoesNotExist, ValueError, TypeError):
        raise NotFound(FLAG_NOT_FOUND) from None
    if not (flag.unit.path.startswith(unit.path) or unit.path.startswith(flag.unit.path)):
        raise NotFound(FLAG_NOT_FOUND)
    return flag


def curve_blocks_issue(appraisal: Appraisal) -> bool:
    """True when issuing this result would leave the unit's curve unachievable."""
    governing = governing_predicate(unit_path=appraisal.unit.path, cycle_id=appraisal.cycle_id)
    if governing is None:
        return False
    if CurveOverride.objects.filter(unit=governing.unit, cycle_id=appraisal.cycle_id).exists():
        return False
    return curve_report(unit=governing.unit, cycle=appraisal.cycle_id).blocking
