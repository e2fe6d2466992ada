"""Reads, scoped by the user: the inbox, and the outbox's health."""

from __future__ import annotations

from django.db.models import Min, QuerySet
from django.utils import timezone

from workflow.errors import NotFound
from workflow.text import Text

from .models import DeadLetter, InboxItem, Message, OutboxEvent

NOTIFICATION_NOT_FOUND = Text(id="Notifikasi tidak ditemukan.", en="Notification not found.")


def inbox_list(*, user, unread: bool | None = None) -> QuerySet[InboxItem]:
    items = InboxItem.objects.filter(user=user).order_by("-created_at", "-id")
    if unread is not None:
        items = items.filter(read_at__isnull=unread)
    return items


def inbox_unread_count(*, user) -> int:
    return InboxItem.objects.filter(user=user, read_at__isnull=True).count()


def inbox_get(*, user, pk) -> InboxItem:
    """The caller's own item; someone else's is as missing as one that never was."""
    try:
        return inbox_list(user=user).get(pk=pk)
    except (InboxItem.DoesNotExist, ValueError, TypeError):
        raise NotFound(NOTIFICATION_NOT_FOUND) from None


def outbox_backlog() -> dict:
    """What waits to be relayed or delivered, and since when (for /healthz/ and the admin)."""
    now = timezone.now()
    events = OutboxEvent.objects.filter(relayed_at__isnull=True).aggregate(oldest=Min("created_at"))
    waiting = Message.objects.filter(status__in=[Message.Status.PENDING, Message.Status.QUEUED])
    messages = waiting.aggregate(oldest=Min("created_at"))
    oldest = min([t for t in (events["oldest"], messages["oldest"]) if t], default=None)
    return {
        "pending_events": OutboxEvent.objects.filter(relayed_at__isnull=True).count(),
        "pending_messages": waiting.count(),
        "oldest_pending_age_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0,
        "dead_letters": DeadLetter.objects.filter(resolved_at__isnull=True).count(),
    }
