"""Writes and resolutions on the organisation."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from workflow.records import attribute

from ..models import ActingAssignment, Employee, SupervisorRelation, Unit
from ..models.organisation import valid_on


@transaction.atomic
def unit_create(
    *, actor, code: str, name: str, kind: str, parent: Unit | None = None, reason: str = ""
) -> Unit:
    unit = Unit(code=code, name=name, kind=kind, parent=parent, path="")
    attribute(unit, actor=actor, reason=reason or "unit.created")
    unit.save()
    # The materialised path needs the id, so it is a second (recorded) save.
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


def acting_substitute(*, employee_id: int, on: dt.date) -> int | None:
    """The Plh/Plt acting for `employee_id` on `on`, if any (latest assignment wins)."""
    return (
        ActingAssignment.objects.in_force(on)
        .filter(replaces_id=employee_id)
        .order_by("-valid_from", "-id")
        .values_list("substitute_id", flat=True)
        .first()
    )


def supervisor_resolve(*, employee: Employee, on: dt.date) -> Employee | None:
    """The appraiser of `employee` on `on`: the direct superior, or whoever acts for them."""
    return _superior_of(employee.pk, on)


def _superior_of(employee_id: int, on: dt.date) -> Employee | None:
    supervisor_id = (
        SupervisorRelation.objects.filter(valid_on(on), employee_id=employee_id)
        .order_by("-valid_from", "-id")
        .values_list("supervisor_id", flat=True)
        .first()
    )
    if supervisor_id is None:
        return None
    acting_id = acting_substitute(employee_id=supervisor_id, on=on)
    resolved_id = acting_id or supervisor_id
    if resolved_id == employee_id:
        # An official acting for their own superior cannot appraise themselves;
        # the definitive superior remains the appraiser.
        resolved_id = supervisor_id
    return Employee.objects.get(pk=resolved_id)


def acting_for(*, employee_id: int, on: dt.date) -> int | None:
    """The official whose position `employee_id` holds as Plh/Plt on `on`, if any."""
    return (
        ActingAssignment.objects.in_force(on)
        .filter(substitute_id=employee_id)
        .order_by("-valid_from", "-id")
        .values_list("replaces_id", flat=True)
        .first()
    )


def position_superior_resolve(*, appraiser: Employee, on: dt.date) -> Employee | None:
    """Whom `appraiser` answers to on `on`: a Plt/Plh answers to the superior of the
    position they hold (not to the official they replace), everyone else to their own."""
    replaced = acting_for(employee_id=appraiser.pk, on=on)
    return _superior_of(replaced or appraiser.pk, on)


def appeal_reviewer_resolve(*, appraisal, on: dt.date) -> Employee | None:
    """The appraiser's own superior on `on` (PP 30/2019 Pasal 59).

    None when there is none in the system, or when the only candidate is the
    appellant: then the authority decides.
    """
    if appraisal.appraiser_id is None:
        return None
    reviewer = position_superior_resolve(appraiser=appraisal.appraiser, on=on)
    if reviewer is None or reviewer.pk in (appraisal.employee_id, appraisal.appraiser_id):
        return None
    return reviewer
