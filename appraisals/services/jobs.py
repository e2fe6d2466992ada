"""Opening a cycle as one bulk job: queued by an HR admin, run by a worker, watched live."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

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


BROKER_AWAY = Text(
    id="Antrean tugas sedang tidak tersedia; coba lagi beberapa saat lagi.",
    en="The task queue is unavailable; try again in a moment.",
)


def _job_enqueue(job_id: int) -> None:
    """After commit: hand the job to a worker, in one attempt. A broker that is away fails
    the job at once, said to the HR admin, rather than the request (500) or a job that
    waits forever for a message that was never sent."""
    from ..tasks import cycle_open_task

    try:
        cycle_open_task.apply_async(args=[job_id], retry=False)
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
        total = Employee.objects.filter(
            active=True, unit__path__startswith=cycle.instansi.path
        ).count()
        job = BulkJob.objects.create(
            kind=BulkJob.Kind.CYCLE_OPEN, cycle=cycle, total=total, requested_by=actor
        )
        transaction.on_commit(partial(_job_enqueue, job.pk))
    return job


def cycle_open_job_run(*, job_id: int) -> BulkJob:
    job = BulkJob.objects.select_related("cycle", "requested_by").get(pk=job_id)
    if job.status == BulkJob.Status.DONE:
        return job  # a redelivered task: nothing left to do
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
