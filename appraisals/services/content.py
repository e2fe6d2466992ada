"""The SKP besides its result items: behaviour expectations and annexes.

The appraiser states a specific expectation for each BerAKHLAK value
(PermenPANRB 6/2022: perilaku kerja), or HR in scope after the cycle's
fallback date for a plan still in draft (the annex's performance manager
sets such a plan); the employee writes the annexes (lampiran: resources,
accountability scheme, consequences). Both while the
plan is not yet agreed; every write goes through the engine's change path.
"""

from __future__ import annotations

from workflow import services as engine
from workflow.errors import ActionForbidden, StateConflict
from workflow.records import attribute
from workflow.text import Text

from ..models import Appraisal, BehaviourExpectation, BehaviourValue, PlanAnnex
from ..policies import appraisal_roles
from .phases import plan_fallback_not_due, plan_fallback_passed

PLAN_OPEN = ("draft", "plan_submitted")
ONLY_APPRAISER = Text(
    id="Hanya pejabat penilai kinerja yang menetapkan ekspektasi perilaku kerja.",
    en="Only the appraiser sets the work-behaviour expectations.",
)
ONLY_EMPLOYEE = Text(
    id="Hanya pegawai yang bersangkutan yang dapat mengubah lampiran SKP.",
    en="Only the appraised employee can change the plan's annexes.",
)
PLAN_AGREED = Text(
    id="SKP sudah disetujui; ekspektasi dan lampiran tidak dapat diubah lagi.",
    en="The plan is agreed; expectations and annexes can no longer change.",
)
ANNEX_FIELDS = ("resources", "accountability", "consequences")


def _check(appraisal: Appraisal, actor, role: str, message: Text, states) -> None:
    if role not in appraisal_roles(appraisal, actor):
        raise ActionForbidden(message)
    if appraisal.state not in states:
        raise StateConflict(PLAN_AGREED)


def expectations_write_authorise(*, appraisal: Appraisal, actor) -> bool:
    """403 unless `actor` may set the expectations; True when as HR (the fallback).

    The appraiser; or, once the cycle's fallback date passed, HR in scope (never on
    their own appraisal). The API asks it before reading a body.
    """
    roles = appraisal_roles(appraisal, actor)
    if "appraiser" in roles:
        return False
    if "hr_admin" in roles and "employee" not in roles:
        if not plan_fallback_passed(appraisal.cycle):
            raise ActionForbidden(plan_fallback_not_due(appraisal.cycle))
        return True
    raise ActionForbidden(ONLY_APPRAISER)


def behaviour_expectations_set(
    *,
    appraisal: Appraisal,
    actor,
    expectations: dict[str, str],
    expected_version: int | None = None,
) -> list[BehaviourExpectation]:
    """Upsert expectations by value; an empty text removes one."""

    def apply(locked: Appraisal):
        as_hr = expectations_write_authorise(appraisal=locked, actor=actor)
        # HR's fallback is for a plan nobody drafted: once submitted, it is the appraiser's.
        if locked.state not in (("draft",) if as_hr else PLAN_OPEN):
            raise StateConflict(PLAN_AGREED)
        current = {e.value: e for e in locked.behaviour_expectations.all()}
        changes = {}
        for value, text in expectations.items():
            text = text.strip()
            row = current.get(value)
            old = row.expectation if row else None
            if (old or "") == text:
                continue
            changes[f"behaviour[{value}]"] = [old, text or None]
            if row and not text:
                attribute(row, actor=actor, reason="behaviour.removed")
                row.delete()
                continue
            row = row or BehaviourExpectation(appraisal=locked, value=value)
            row.expectation = text
            attribute(row, actor=actor, reason="behaviour.set")
            row.save()
        return list(locked.behaviour_expectations.all()), changes

    _, rows = engine.change(
        appraisal,
        actor=actor,
        action="behaviour_expectations.set",
        apply=apply,
        expected_version=expected_version,
    )
    return rows


def plan_annex_set(
    *, appraisal: Appraisal, actor, data: dict[str, str], expected_version: int | None = None
) -> PlanAnnex:
    def apply(locked: Appraisal):
        _check(locked, actor, "employee", ONLY_EMPLOYEE, ("draft",))
        annex = PlanAnnex.objects.filter(appraisal=locked).first() or PlanAnnex(appraisal=locked)
        changes = {}
        for field in ANNEX_FIELDS:
            if field in data and getattr(annex, field) != data[field]:
                changes[f"annex.{field}"] = [getattr(annex, field), data[field]]
                setattr(annex, field, data[field])
        attribute(annex, actor=actor, reason="annex.set")
        annex.save()
        return annex, changes

    _, annex = engine.change(
        appraisal,
        actor=actor,
        action="plan_annex.set",
        apply=apply,
        expected_version=expected_version,
    )
    return annex


def expectations_complete(appraisal: Appraisal) -> bool:
    have = set(
        appraisal.behaviour_expectations.exclude(expectation="").values_list("value", flat=True)
    )
    return have >= set(BehaviourValue.values)
