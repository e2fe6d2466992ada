"""Thin Celery tasks: call the service."""

from celery import shared_task

from .checkpoints import checkpoint_seal


@shared_task(name="audit.checkpoint")
def checkpoint() -> list[int]:
    """Seal every event since the last checkpoint (Celery beat, AUDIT_CHECKPOINT_INTERVAL)."""
    return [cp.number for cp in checkpoint_seal()]


@shared_task(name="audit.partitions_ahead")
def partitions_ahead() -> list[str]:
    """Create the next periods' partitions of a partitioned event table (no-op otherwise)."""
    from django.conf import settings

    from .partition import partitions_ahead as create

    interval = getattr(settings, "AUDIT_PARTITION_INTERVAL", "year")
    return create(interval=interval, ahead=2).created
