"""Opening a cycle as one bulk job: queued by an HR admin, run by a worker, watched live."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from workflow.errors import ActionForbidden, StateConflict
from workflow.text import Text

from ..models import BulkJob, Cycle, Employee
from ..policies import profile_of
from ..tasks import cycle_open_task

# The worker's half lives apart (tasks import it; this module imports tasks).
from .job_runs import cycle_open_job_run

__all__ = ["CYCLE_CLOSED", "ONLY_HR", "cycle_open_job_run", "cycle_open_job_start"]

ONLY_HR = Text(
    id="Hanya pengelola kinerja (BKD/BKPSDM) instansi ini yang dapat membuka siklus.",
    en="Only an HR administrator of this instansi can open the cycle.",
)
CYCLE_CLOSED = Text(id="Siklus penilaian sudah ditutup.", en="The cycle is closed.")
# A job still queued this long after it was asked for lost its task (a broker outage):
# it is given up so that the cycle can be opened again.
JOB_START_TIMEOUT = dt.timedelta(minutes=15)


BROKER_AWAY = Text(
    id="Antrean tugas sedang tidak tersedia; coba lagi beberapa saat lagi.",
    en="The task queue is unavailable; try again in a moment.",
)


def job_enqueue(task, job_id: int) -> None:
    """After commit: hand the job to a worker, in one attempt. A broker that is away fails
    the job at once, said to the HR admin, rather than the request (500) or a job that
    waits forever for a message that was never sent."""
    try:
        task.apply_async(args=[job_id], retry=False)
    except (OperationalError, OSError) as exc:
        BulkJob.objects.filter(pk=job_id, status=BulkJob.Status.QUEUED).update(
            status=BulkJob.Status.FAILED,
            error=f"{BROKER_AWAY.id} / {BROKER_AWAY.en} ({type(exc).__name__})",
            finished_at=timezone.now(),
        )


def cycle_open_job_start(*, cycle: Cycle, actor) -> BulkJob:
    """Queue the job; the worker starts it after this transaction commits."""
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
        transaction.on_commit(partial(job_enqueue, cycle_open_task, job.pk))
    return job


def _lost(job: BulkJob) -> bool:
    return (
        job.status == BulkJob.Status.QUEUED and job.created_at < timezone.now() - JOB_START_TIMEOUT
    )
