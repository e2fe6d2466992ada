"""The transactional outbox and the messages the relay makes of it.

An `OutboxEvent` is written in the same database transaction as the change
it announces (a transition, a deadline action, a digest), so a rollback
leaves nothing behind. The relay turns each event into one `Message` per
(recipient, channel) with a deterministic id, and hands the ids to Celery;
delivery deduplicates on that id.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


def _now():
    # Not `default=timezone.now`: that binds the function at import time and a
    # test's frozen clock (which patches django.utils.timezone.now) would miss it.
    return timezone.now()


class OutboxEvent(models.Model):
    """Something that happened and that someone must be told about."""

    kind = models.CharField(max_length=100, db_index=True)
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    audit_event_id = models.PositiveBigIntegerField(null=True, blank=True)
    actor_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Facts captured inside the transaction (ids, states, dates; no texts).
    data = models.JSONField(default=dict, blank=True)
    # "Once" for the system's own announcements (a reminder, a digest): a
    # second insert with the same key fails.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=_now)
    relayed_at = models.DateTimeField(null=True, blank=True)
    # Set when the event could not be turned into messages; it is not retried.
    error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(relayed_at__isnull=True),
                name="outbox_event_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class Message(models.Model):
    """One notification for one recipient on one channel; its id is the message id."""

    class Channel(models.TextChoices):
        INBOX = "inbox", "Kotak masuk"
        EMAIL = "email", "E-mail"

    class Status(models.TextChoices):
        PENDING = "pending", "Menunggu dikirim ke antrean"
        QUEUED = "queued", "Dalam antrean"
        DELIVERED = "delivered", "Terkirim"
        SKIPPED = "skipped", "Dilewati"
        DEAD = "dead", "Gagal (dead letter)"

    FINAL = (Status.DELIVERED, Status.SKIPPED, Status.DEAD)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(OutboxEvent, on_delete=models.PROTECT, related_name="messages")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=5, default="id")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    published_count = models.PositiveSmallIntegerField(default=0)
    # While queued: when the relay may assume the broker lost it and publish again.
    lease_until = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=_now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient", "channel"], name="message_one_per_channel"
            ),
        ]
        indexes = [models.Index(fields=["status", "lease_until"], name="message_status_lease")]

    def __str__(self) -> str:
        return f"{self.channel}:{self.pk}"


class DeadLetter(models.Model):
    """A message that failed every attempt; it waits here for a person, not for the broker."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="dead_letters")
    attempts = models.PositiveSmallIntegerField()
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=_now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message"],
                condition=models.Q(resolved_at__isnull=True),
                name="dead_letter_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"dead letter {self.message_id}"
