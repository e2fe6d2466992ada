"""Reads, scoped by the user in one place each."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from workflow.errors import NotFound
from workflow.text import Text

from .models import Appraisal, BulkJob, Cycle
from .policies import appraisal_visibility, profile_of

APPRAISAL_RELATED = ("employee", "cycle", "unit", "appraiser", "appeal_reviewer")
APPRAISAL_NOT_FOUND = Text(id="Penilaian tidak ditemukan.", en="Appraisal not found.")
JOB_NOT_FOUND = Text(id="Pekerjaan tidak ditemukan.", en="Job not found.")


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
