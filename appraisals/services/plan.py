"""Writing the plan's result items and indicators (SKP content).

Only the employee writes them, and only while the appraisal is in `draft`
(api-contract.md); after the cycle's fallback date HR in scope may too
(PermenPANRB 6/2022 annex: the performance manager drafts a plan not drafted
in time). Each write goes through workflow.services.change so the appraisal's
version, history and audit chain move with it.
"""

from __future__ import annotations

from typing import Any

from workflow import services as engine
from workflow.errors import ActionForbidden, PayloadInvalid, Problem, StateConflict
from workflow.records import attribute
from workflow.text import Text

from ..models import Appraisal, Indicator, PlanItem
from ..policies import appraisal_roles, plan_author_role
from .phases import plan_fallback_not_due, plan_fallback_passed

ONLY_EMPLOYEE = Text(
    id=(
        "Hanya pegawai yang bersangkutan (atau pengelola kinerja setelah batas waktu "
        "penyusunan lewat) yang dapat mengubah SKP."
    ),
    en=(
        "Only the appraised employee (or HR, once the drafting deadline has passed) "
        "can change the plan."
    ),
)
ONLY_IN_DRAFT = Text(
    id="SKP hanya dapat diubah saat berstatus penyusunan (draft).",
    en="The plan can only be changed while it is a draft.",
)
PARENT_OUTSIDE = Text(
    id="Rencana hasil kerja atasan harus berasal dari SKP pejabat penilai pada periode yang sama.",
    en="The supported item must belong to the appraiser's plan in the same cycle.",
)
ITEM_SUPPORTED = Text(
    id="Rencana hasil kerja ini didukung oleh SKP bawahan; lepaskan kaitannya terlebih dahulu.",
    en="Subordinates' plans support this item; detach them first.",
)


def plan_write_authorise(*, appraisal: Appraisal, actor) -> None:
    """403 unless `actor` may write this plan's items (whatever its state).

    The API asks it before reading a body; the services again under the lock.
    """
    roles = appraisal_roles(appraisal, actor)
    fallback = plan_fallback_passed(appraisal.cycle)
    if plan_author_role(roles, fallback_passed=fallback) is None:
        if "hr_admin" in roles and "employee" not in roles:
            raise ActionForbidden(plan_fallback_not_due(appraisal.cycle))
        raise ActionForbidden(ONLY_EMPLOYEE)


def _check_writable(appraisal: Appraisal, actor) -> None:
    plan_write_authorise(appraisal=appraisal, actor=actor)
    if appraisal.state != "draft":
        raise StateConflict(ONLY_IN_DRAFT)


def _check_parent(appraisal: Appraisal, parent: PlanItem | None) -> None:
    if parent is None:
        return
    ok = (
        appraisal.appraiser_id is not None
        and parent.appraisal.cycle_id == appraisal.cycle_id
        and parent.appraisal.employee_id == appraisal.appraiser_id
    )
    if not ok:
        raise PayloadInvalid(
            PARENT_OUTSIDE,
            [Problem(code="parent_outside_plan", message=PARENT_OUTSIDE, field="parent_item")],
        )


PERSPECTIVE_ONLY_JPT = Text(
    id="Perspektif hanya untuk SKP Jabatan Pimpinan Tinggi (JPT).",
    en="Perspectives belong to senior executive (JPT) plans only.",
)


def _check_perspective(appraisal: Appraisal, perspective: str) -> None:
    position = appraisal.employee.position
    if perspective and (position is None or position.kind != "jpt"):
        raise PayloadInvalid(
            PERSPECTIVE_ONLY_JPT,
            [
                Problem(
                    code="perspective_not_jpt", message=PERSPECTIVE_ONLY_JPT, field="perspective"
                )
            ],
        )


def _indicator_rows(item: PlanItem, indicators: list[dict], actor) -> list[dict]:
    out = []
    for data in indicators:
        indicator = attribute(Indicator(item=item, **data), actor=actor, reason="plan_item")
        indicator.save()
        out.append({"id": indicator.pk, **data})
    return out


def plan_item_create(
    *,
    appraisal: Appraisal,
    actor,
    result: str,
    parent_item: PlanItem | None = None,
    indicators: list[dict[str, Any]],
    perspective: str = "",
    expected_version: int | None = None,
) -> PlanItem:
    def apply(locked: Appraisal):
        _check_writable(locked, actor)
        _check_parent(locked, parent_item)
        _check_perspective(locked, perspective)
        item = attribute(
            PlanItem(
                appraisal=locked, result=result, parent_item=parent_item, perspective=perspective
            ),
            actor=actor,
            reason="plan_item.created",
        )
        item.save()
        rows = _indicator_rows(item, indicators, actor)
        return item, {
            f"plan_item[{item.pk}]": [
                None,
                {
                    "result": result,
                    "parent_item": parent_item.pk if parent_item else None,
                    "perspective": perspective,
                    "indicators": rows,
                },
            ]
        }

    _, item = engine.change(
        appraisal,
        actor=actor,
        action="plan_item.created",
        apply=apply,
        expected_version=expected_version,
    )
    return item


def _item_state(item: PlanItem) -> dict:
    return {
        "result": item.result,
        "parent_item": item.parent_item_id,
        "perspective": item.perspective,
        "indicators": [
            {"id": i.pk, "name": i.name, "aspect": i.aspect, "target": i.target}
            for i in item.indicators.all()
        ],
    }


def plan_item_update(
    *,
    item: PlanItem,
    actor,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> PlanItem:
    """Change an item's text, parent or (replacing them all) its indicators."""

    def apply(locked: Appraisal):
        _check_writable(locked, actor)
        current = PlanItem.objects.get(pk=item.pk, appraisal=locked)
        before = _item_state(current)
        if "parent_item" in data:
            _check_parent(locked, data["parent_item"])
            current.parent_item = data["parent_item"]
        if "result" in data:
            current.result = data["result"]
        if "perspective" in data:
            _check_perspective(locked, data["perspective"])
            current.perspective = data["perspective"]
        attribute(current, actor=actor, reason="plan_item.updated").save()
        if "indicators" in data:
            for indicator in current.indicators.all():
                attribute(indicator, actor=actor, reason="plan_item.updated").delete()
            _indicator_rows(current, data["indicators"], actor)
        after = _item_state(current)
        changes = {
            f"plan_item[{current.pk}].{key}": [before[key], after[key]]
            for key in after
            if before[key] != after[key]
        }
        return current, changes

    _, updated = engine.change(
        item.appraisal,
        actor=actor,
        action="plan_item.updated",
        apply=apply,
        expected_version=expected_version,
    )
    return updated


def plan_item_delete(*, item: PlanItem, actor, expected_version: int | None = None) -> None:
    def apply(locked: Appraisal):
        _check_writable(locked, actor)
        current = PlanItem.objects.get(pk=item.pk, appraisal=locked)
        if current.supporting_items.exists():
            raise StateConflict(ITEM_SUPPORTED)
        before = _item_state(current)
        for indicator in current.indicators.all():
            attribute(indicator, actor=actor, reason="plan_item.deleted").delete()
        pk = current.pk
        attribute(current, actor=actor, reason="plan_item.deleted").delete()
        return None, {f"plan_item[{pk}]": [before, None]}

    engine.change(
        item.appraisal,
        actor=actor,
        action="plan_item.deleted",
        apply=apply,
        expected_version=expected_version,
    )
