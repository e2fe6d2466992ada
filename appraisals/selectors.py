"""Reads, scoped by the user in one place each."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from workflow.errors import ActionForbidden, NotFound
from workflow.text import Text

from .lifecycle import APPRAISAL_WORKFLOW
from .models import Appraisal, BulkJob, Cycle
from .policies import (
    appraisal_roles,
    appraisal_visibility,
    employee_visibility,
    profile_of,
    unit_visibility,
)

# The people and places an appraisal is shown with, declared once on its table.
APPRAISAL_RELATED = APPRAISAL_WORKFLOW.related
APPRAISAL_NOT_FOUND = Text(id="Penilaian tidak ditemukan.", en="Appraisal not found.")
JOB_NOT_FOUND = Text(id="Pekerjaan tidak ditemukan.", en="Job not found.")
UNIT_NOT_FOUND = Text(id="Unit tidak ditemukan.", en="Unit not found.")
EMPLOYEE_NOT_FOUND = Text(id="Pegawai tidak ditemukan.", en="Employee not found.")


def appraisal_list_visible(*, user) -> QuerySet[Appraisal]:
    return (
        Appraisal.objects.filter(appraisal_visibility(user))
        .select_related(*APPRAISAL_RELATED)
        .order_by("id")
    )


def appraisal_get_visible(*, user, pk) -> Appraisal:
    """The appraisal if `user` may see it; missing and forbidden are both 404."""
    try:
        return appraisal_list_visible(user=user).get(pk=pk)
    except (Appraisal.DoesNotExist, ValueError, TypeError):
        raise NotFound(APPRAISAL_NOT_FOUND) from None


def bulk_job_get_visible(*, user, pk) -> BulkJob:
    """A bulk job its requester, or an HR admin of its cycle's instansi, may watch."""
    try:
        job = BulkJob.objects.select_related("cycle__instansi").filter(pk=pk).first()
    except (ValueError, TypeError):
        job = None
    allowed = job is not None and (
        job.requested_by_id == user.pk
        or (job.cycle and "hr_admin" in profile_of(user).holds_in(job.cycle.instansi.path))
    )
    if not allowed:
        raise NotFound(JOB_NOT_FOUND)
    return job


def cycle_list_managed(*, user) -> QuerySet[Cycle]:
    """Cycles an HR admin works with: of an instansi at, above or below their scopes.

    An HR admin of a dinas sees the instansi's cycle (to follow its units) but
    only an HR admin of the instansi itself may open it (services.jobs).
    """
    q = Q(pk__in=[])
    for path in profile_of(user).scope_paths(("hr_admin",)):
        ancestors = [int(part) for part in path.strip("/").split("/") if part]
        q |= Q(instansi__path__startswith=path) | Q(instansi_id__in=ancestors)
    return Cycle.objects.filter(q).select_related("instansi").order_by("-year", "-id")


def unit_get_for(*, user, pk, roles, refusal: Text):
    """A unit `user` may do something with: 404 when it is not theirs to see (the
    directory's visibility), 403 when they see it but hold none of `roles` over it."""
    from .models import Unit

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
    from .models import Employee

    employee = (
        Employee.objects.select_related("unit").filter(employee_visibility(user), pk=pk).first()
    )
    if employee is None:
        raise NotFound(EMPLOYEE_NOT_FOUND)
    if not profile_of(user).holds_in(employee.unit.path) & set(roles):
        raise ActionForbidden(refusal)
    return employee


def appraisal_get_for(*, user, pk, role: str, refusal: Text) -> Appraisal:
    """A visible appraisal on which `user` holds `role`: 404 unseen, 403 otherwise.

    Views call it before validating a body, so who may write is decided before
    what was written; the service checks again under the appraisal's lock.
    """
    appraisal = appraisal_get_visible(user=user, pk=pk)
    if role not in appraisal_roles(appraisal, user):
        raise ActionForbidden(refusal)
    return appraisal


def hr_admin_anywhere_check(*, user, refusal: Text) -> None:
    """For writes whose instansi is named in the body: no HR scope at all is 403 up front."""
    if not profile_of(user).scope_paths(("hr_admin",)):
        raise ActionForbidden(refusal)
