"""Units and employees a user may act on."""

from __future__ import annotations

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
