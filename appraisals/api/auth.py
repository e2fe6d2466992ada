"""Tokens that expire and can be revoked; login throttled; failures logged without PII.

`POST /api/auth/token/` stays the contract's fixed point (200 {"token"} /
400); each sign-in issues a new token (one per device) that lapses
KINERJA_TOKEN_TTL_SECONDS later, stored only as a hash (models/tokens.py).
`POST /api/auth/logout/` revokes the token used (a browser session ends);
`GET /api/auth/tokens/` lists the caller's tokens, `DELETE .../{id}/` revokes
one and `DELETE /api/auth/tokens/` all of them.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import logout
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import ApiToken
from ..services.tokens import (
    api_token_issue,
    api_token_list,
    api_token_revoke,
    api_tokens_revoke_all,
)
from ..throttling import LoginThrottle, client_address, signin_attempt, signin_succeeded

security_log = logging.getLogger("kinerja.security")


class LoginView(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [LoginThrottle]
    throttle_scope = "login"

    @extend_schema(
        request=AuthTokenSerializer,
        responses={200: inline_serializer("TokenOut", {"token": serializers.CharField()})},
        summary="Log in: a token for the Authorization header",
    )
    def post(self, request):
        username = request.data.get("username", "") if hasattr(request.data, "get") else ""
        if not signin_attempt(request, str(username)):
            # Guessed at too often from this address or at this account (web and API count
            # together); refused before the password is hashed.
            security_log.warning("login throttled ip=%s", client_address(request))
            raise exceptions.Throttled(wait=settings.KINERJA_LOGIN_WINDOW_SECONDS)
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # No username in the log line: it can be a NIP or a name.
            security_log.warning("login failed ip=%s", client_address(request))
            raise exceptions.ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        signin_succeeded(request, str(username))
        _row, token = api_token_issue(user=user, user_agent=request.headers.get("User-Agent", ""))
        return Response({"token": token})


class LogoutView(APIView):
    @extend_schema(
        request=None,
        responses={204: None},
        summary="Revoke the token used (other devices stay signed in)",
    )
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            ApiToken.objects.filter(pk=request.auth.pk).delete()
        else:
            logout(request._request)
        return Response(status=204)


class ApiTokenSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text="the token of this very request")

    class Meta:
        model = ApiToken
        fields = ["id", "created", "expires", "last_used", "client", "current"]

    def get_current(self, token: ApiToken) -> bool:
        auth = self.context["request"].auth
        return isinstance(auth, ApiToken) and auth.pk == token.pk


class TokenListView(generics.ListAPIView):
    serializer_class = ApiTokenSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return ApiToken.objects.none()
        return api_token_list(user=self.request.user)

    @extend_schema(summary="My tokens (one per sign-in), without the secrets")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Revoke all my tokens",
        operation_id="auth_tokens_revoke_all",
    )
    def delete(self, request):
        api_tokens_revoke_all(user=request.user)
        return Response(status=204)


class TokenDetailView(APIView):
    @extend_schema(
        request=None,
        responses={204: None},
        summary="Revoke one of my tokens",
        operation_id="auth_tokens_revoke",
    )
    def delete(self, request, pk: int):
        api_token_revoke(user=request.user, pk=pk)
        return Response(status=204)
