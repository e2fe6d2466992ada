"""Opening a cycle as one bulk job: queued by an HR admin, run by a worker, watched live."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone

from workflow.errors import ActionForbidden, StateConflict
from workflow.text import Text

from ..models import BulkJob, Cycle, Employee
from ..policies import profile_of
from .cycles import cycle_open

ONLY_HR = Text(
    id="Hanya pengelola kinerja (BKD/BKPSDM) instansi ini yang dapat membuka siklus.",
    en="Only an HR administrator of this instansi can open the cycle.",
)
CYCLE_CLOSED = Text(id="Siklus penilaian sudah ditutup.", en="The cycle is closed.")
# A job still queued this long after it was asked for lost its task (a broker outage):
# it is given up so that the cycle can be opened again.
JOB_START_TIMEOUT = dt.timedelta(minutes=15)


def cycle_open_job_start(*, cycle: Cycle, actor) -> BulkJob:
    """Queue the job; the worker starts it after this transaction commits."""
    from ..tasks import cycle_open_task

    if "hr_admin" not in profile_of(actor).holds_in(cycle.instansi.path):
        raise ActionForbidden(ONLY_HR)
    if cycle.status != Cycle.Status.OPEN:
        raise StateConflict(CYCLE_CLOSED)
    with transaction.atomic():
        # One job per cycle at a time: opening again while one waits or runs returns it.
        # The cycle's row lock makes two simultaneous requests take turns here.
        list(Cycle.objects.select_for_update().filter(pk=cycle.pk).values_list("pk", flat=True))
        pending = (
            BulkJob.objects.filter(
                kind=BulkJob.Kind.CYCLE_OPEN,
                cycle=cycle,
                status__in=[BulkJob.Status.QUEUED, BulkJob.Status.RUNNING],
            )
            .order_by("-id")
            .first()
        )
        if pending is not None and not _lost(pending):
            return pending
        if pending is not None:
            pending.status, pending.finished_at = BulkJob.Status.FAILED, timezone.now()
            minutes = int(JOB_START_TIMEOUT.total_seconds() // 60)
            pending.error = f"Not started within {minutes} minutes; given up."
            pending.save(update_fields=["status", "finished_at", "error"])
        total = Employee.objects.filter(
            active=True, unit__path__startswith=cycle.instansi.path
        ).count()
        job = BulkJob.objects.create(
            kind=BulkJob.Kind.CYCLE_OPEN, cycle=cycle, total=total, requested_by=actor
        )
        transaction.on_commit(partial(cycle_open_task.delay, job.pk))
    return job


def _lost(job: BulkJob) -> bool:
    return (
        job.status == BulkJob.Status.QUEUED and job.created_at < timezone.now() - JOB_START_TIMEOUT
    )


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
