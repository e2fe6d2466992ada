"""API tokens that expire (DRF's authentication class; no view imports here).

`Authorization: Token <token>` is looked up by the token's SHA-256 (the only
thing stored): an indexed equality on a digest, so no secret is compared
byte by byte and timing tells nothing about stored tokens.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from workflow.compiled import Compiled

# last_used is written at most once a minute per token, not on every request.
LAST_USED_RESOLUTION = dt.timedelta(seconds=60)


def token_ttl() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "KINERJA_TOKEN_TTL_SECONDS", 12 * 3600))


def _token_query(_shape, digest):
    # DRF may import this module while the settings load, before the models are ready.
    from .models import ApiToken

    tokens = ApiToken.objects.select_related("user").filter(digest=digest)
    # As QuerySet.first() asks it.
    return (tokens if tokens.ordered else tokens.order_by("pk"))[:1]


# Every API request asks it: compiled once, run per request (workflow.compiled).
_TOKEN = Compiled("api token", _token_query, (str,))


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        # DRF may import this class while the settings load, before the models are ready.
        from .models import ApiToken

        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        found = _TOKEN.rows(None, [digest], model=ApiToken)
        token = found[0] if found else None
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                "Token tidak valid. / Invalid token.", code="authentication_failed"
            )
        now = timezone.now()
        if token.expires <= now:
            token.delete()
            raise exceptions.AuthenticationFailed(
                "Sesi berakhir; silakan masuk lagi. / The token has expired; log in again."
            )
        if token.last_used is None or token.last_used < now - LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
            token.last_used = now
        return token.user, token
