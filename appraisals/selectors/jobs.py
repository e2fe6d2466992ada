"""Bulk jobs a user may watch."""

from __future__ import annotations

from workflow.errors import NotFound
from workflow.text import Text

from ..models import BulkJob
from ..policies import profile_of

JOB_NOT_FOUND = Text(id="Pekerjaan tidak ditemukan.", en="Job not found.")


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
