"""API tokens: one per sign-in (per device), each with its own expiry; only a hash is kept.

The token itself (256 random bits) is shown once, in the sign-in response; the
database holds SHA-256 of it, which is enough for a high-entropy secret (no
salt or slow hash needed: nothing to guess) and lets authentication look the
row up by its digest instead of comparing secrets.
"""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField()
    expires = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)
    # From the User-Agent at sign-in, so a user can tell their devices apart.
    client = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "expires"], name="api_token_user_expires")]

    def __str__(self) -> str:
        return f"token #{self.pk} of user {self.user_id}"
