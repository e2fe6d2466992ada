"""Opening a cycle as one bulk job: queued by an HR admin, run by a worker, watched live."""

from __future__ import annotations

from functools import partial

from django.db import transaction

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
        transaction.on_commit(partial(cycle_open_task.delay, job.pk))
    return job
