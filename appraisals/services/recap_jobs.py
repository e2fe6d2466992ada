"""A large recap as a bulk job: queued by the page or the API, written by a worker."""

from __future__ import annotations

from functools import partial

from django.db import transaction

from ..models import BulkJob, Cycle, Unit
from ..tasks import recap_task
from .jobs import job_enqueue
from .recaps import FORMATS, recap_size


@transaction.atomic
def recap_job_start(*, cycle: Cycle, unit: Unit, fmt: str, actor) -> BulkJob:
    """Queue the recap; the caller has checked that `actor` may read the unit's dashboard."""
    assert fmt in FORMATS, fmt
    job = BulkJob.objects.create(
        kind=BulkJob.Kind.RECAP,
        cycle=cycle,
        total=recap_size(cycle=cycle, unit=unit),
        requested_by=actor,
        params={"unit": unit.pk, "format": fmt},
    )
    transaction.on_commit(partial(job_enqueue, recap_task, job.pk))
    return job
