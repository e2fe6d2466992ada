"""Celery tasks: thin, by id, calling a service."""

from celery import shared_task

from .imports.uploads import uploads_sweep
from .services.acting import acting_expire
from .services.job_runs import cycle_open_job_run
from .services.recaps import recap_files_sweep, recap_job_run


@shared_task(acks_late=True)
def cycle_open_task(job_id: int) -> None:
    cycle_open_job_run(job_id=job_id)


@shared_task
def import_uploads_sweep() -> int:
    return uploads_sweep()


@shared_task
def acting_assignments_expire() -> int:
    """Plt/Plh appointments past their last day hand their appraisals back (beat, hourly)."""
    return acting_expire()


@shared_task(acks_late=True)
def organisation_import_task(job_id: int) -> None:
    # services.import_jobs imports this module to queue the task.
    from .services.import_jobs import organisation_import_job_run

    organisation_import_job_run(job_id=job_id)


@shared_task(acks_late=True)
def recap_task(job_id: int) -> None:
    recap_job_run(job_id=job_id)


@shared_task
def recap_files_sweep_task() -> int:
    return recap_files_sweep()
