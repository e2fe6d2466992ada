"""Issuing and revoking API tokens (see models/tokens.py for what is stored)."""

from __future__ import annotations

import hashlib
import secrets

from django.db.models import QuerySet
from django.utils import timezone

from workflow.errors import NotFound
from workflow.text import Text

from ..authentication import token_ttl
from ..models import ApiToken

TOKEN_MISSING = Text(id="Token tidak ditemukan.", en="No such token.")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _client_label(user_agent: str) -> str:
    printable = "".join(c for c in user_agent if c.isprintable())
    return printable.strip()[:200]


def api_token_issue(*, user, user_agent: str = "") -> tuple[ApiToken, str]:
    """A new token for one sign-in: the row, and the secret (shown once, never stored)."""
    now = timezone.now()
    # The user's lapsed tokens go now; they would be refused (and removed) anyway.
    ApiToken.objects.filter(user=user, expires__lte=now).delete()
    secret = secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        digest=token_digest(secret),
        created=now,
        expires=now + token_ttl(),
        client=_client_label(user_agent),
    )
    return row, secret


def api_token_list(*, user) -> QuerySet[ApiToken]:
    """The user's tokens still valid, newest first."""
    return ApiToken.objects.filter(user=user, expires__gt=timezone.now()).order_by(
        "-created", "-pk"
    )


def api_token_revoke(*, user, pk: int) -> None:
    """Revoke one of the user's tokens; someone else's is as missing as one that never was."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=pk).delete()
    if not deleted:
        raise NotFound(TOKEN_MISSING)


def api_tokens_revoke_all(*, user) -> int:
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted
