"""Celery tasks: thin, by id, calling a service."""

from celery import shared_task


@shared_task(acks_late=True)
def cycle_open_task(job_id: int) -> None:
    from .services.jobs import cycle_open_job_run

    cycle_open_job_run(job_id=job_id)


@shared_task
def import_uploads_sweep() -> int:
    from .imports.uploads import uploads_sweep

    return uploads_sweep()


@shared_task(acks_late=True)
def organisation_import_task(job_id: int) -> None:
    from .services.import_jobs import organisation_import_job_run

    organisation_import_job_run(job_id=job_id)
