"""Running a bulk job on a worker (`tasks.cycle_open_task`); `jobs.py` queues it."""

from __future__ import annotations

from django.utils import timezone

from ..models import BulkJob
from .cycles import cycle_open


def cycle_open_job_run(*, job_id: int) -> BulkJob:
    job = BulkJob.objects.select_related("cycle", "requested_by").get(pk=job_id)
    if job.status == BulkJob.Status.DONE:
        return job  # a redelivered task: nothing left to do
    if job.status == BulkJob.Status.FAILED and job.started_at is None:
        return job  # given up before it started (a newer job has the cycle)
    job.status, job.started_at = BulkJob.Status.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])

    def progress(done: int, total: int) -> None:
        job.done, job.total = done, total
        job.save(update_fields=["done", "total"])

    try:
        cycle_open(cycle=job.cycle, actor=job.requested_by, progress=progress)
    except Exception as exc:
        job.status, job.error = BulkJob.Status.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    job.status, job.finished_at = BulkJob.Status.DONE, timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return job
