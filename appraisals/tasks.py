"""Celery tasks: thin, by id, calling a service."""

from celery import shared_task


@shared_task(acks_late=True)
def cycle_open_task(job_id: int) -> None:
    from .services.jobs import cycle_open_job_run

    cycle_open_job_run(job_id=job_id)
