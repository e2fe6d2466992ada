"""API tokens that expire (DRF's authentication class; no view imports here)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def token_ttl() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "KINERJA_TOKEN_TTL_SECONDS", 12 * 3600))


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token.created < timezone.now() - token_ttl():
            token.delete()
            raise exceptions.AuthenticationFailed(
                "Sesi berakhir; silakan masuk lagi. / The token has expired; log in again."
            )
        return user, token
