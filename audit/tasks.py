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

    from .partition import interval_in_use, is_partitioned
    from .partition import partitions_ahead as create

    if not is_partitioned():
        return []
    # The table's own periods decide (audit_partition --interval month, say): yearly
    # partitions among monthly ones would overlap them and leave months to the default.
    interval = interval_in_use() or getattr(settings, "AUDIT_PARTITION_INTERVAL", "year")
    return create(interval=interval, ahead=2).created
