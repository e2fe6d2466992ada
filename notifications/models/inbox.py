"""The in-app inbox and each user's language and channel preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .outbox import Message, _now


class InboxItem(models.Model):
    """A notification shown in the app. One per message id: redelivery adds nothing."""

    message = models.OneToOneField(Message, on_delete=models.PROTECT, related_name="inbox_item")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_items"
    )
    kind = models.CharField(max_length=100)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=_now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="inbox_user_created"),
            models.Index(
                fields=["user"], condition=models.Q(read_at__isnull=True), name="inbox_user_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class Preference(models.Model):
    """How a user wants to be told. Without a row: Indonesian, inbox and e-mail."""

    class Language(models.TextChoices):
        ID = "id", "Bahasa Indonesia"
        EN = "en", "English"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ID)
    inbox = models.BooleanField(default=True)
    email = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"
