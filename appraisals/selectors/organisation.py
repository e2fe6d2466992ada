"""Units and employees a user may act on."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from workflow.errors import ActionForbidden, NotFound
from workflow.text import Text

from ..models import Employee, Unit
from ..policies import employee_visibility, profile_of, unit_visibility

UNIT_NOT_FOUND = Text(id="Unit tidak ditemukan.", en="Unit not found.")
EMPLOYEE_NOT_FOUND = Text(id="Pegawai tidak ditemukan.", en="Employee not found.")


def unit_get_for(*, user, pk, roles, refusal: Text):
    """A unit `user` may do something with: 404 when it is not theirs to see (the
    directory's visibility), 403 when they see it but hold none of `roles` over it."""
    unit = Unit.objects.filter(unit_visibility(user), pk=pk).first()
    if unit is None:
        raise NotFound(UNIT_NOT_FOUND)
    if not profile_of(user).holds_in(unit.path) & set(roles):
        raise ActionForbidden(refusal)
    return unit


def employee_get_for(*, user, pk, roles, refusal: Text):
    """An employee `user` may act on: 404 when invisible to them, 403 when visible
    but none of `roles` is held over the employee's unit. Checked before the body
    is read, so a refusal does not depend on what was sent."""
    employee = (
        Employee.objects.select_related("unit").filter(employee_visibility(user), pk=pk).first()
    )
    if employee is None:
        raise NotFound(EMPLOYEE_NOT_FOUND)
    if not profile_of(user).holds_in(employee.unit.path) & set(roles):
        raise ActionForbidden(refusal)
    return employee


def hr_admin_anywhere_check(*, user, refusal: Text) -> None:
    """For writes whose instansi is named in the body: no HR scope at all is 403 up front."""
    if not profile_of(user).scope_paths(("hr_admin",)):
        raise ActionForbidden(refusal)


def employee_own_get(*, user) -> Employee | None:
    """The user's own employee record, with unit and position (None for a non-employee)."""
    employee_id = profile_of(user).employee_id
    if employee_id is None:
        return None
    return Employee.objects.select_related("unit", "position").filter(pk=employee_id).first()


def unit_list_with_children(*, paths: list[str]) -> QuerySet[Unit]:
    """The units at `paths` and their direct children: the way into the dashboards."""
    return Unit.objects.filter(Q(path__in=paths) | Q(parent__path__in=paths)).order_by("path")


def unit_list_instansi_choices(*, paths: list[str]) -> QuerySet[Unit]:
    """Where an HR admin of `paths` may create a cycle: their own units and instansi below."""
    q = Q(path__in=paths)
    for path in paths:
        q |= Q(kind=Unit.Kind.INSTANSI, path__startswith=path)
    return Unit.objects.filter(q).order_by("path")


def unit_choices_under(*, paths: list[str]):
    """(id, name) of every unit in the subtrees at `paths`, by path."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return Unit.objects.filter(q).order_by("path").values_list("pk", "name")
