from django.conf import settings
from django.db import models


class IdempotencyRecord(models.Model):
    """The first successful response to a keyed request, replayed on retry.

    Stored in the same transaction as the change it answers, so a replay
    never claims a change that was rolled back.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    response = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_user_key"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
