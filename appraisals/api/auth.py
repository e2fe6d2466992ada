"""Tokens that expire and can be revoked; login throttled; failures logged without PII.

`POST /api/auth/token/` stays the contract's fixed point (200 {"token"} /
400); a token older than KINERJA_TOKEN_TTL is refused (401) and deleted, and a
new login replaces it. `POST /api/auth/logout/` revokes the caller's token.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.views import APIView

from ..authentication import token_ttl
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
        token, created = Token.objects.get_or_create(user=user)
        if not created and token.created < timezone.now() - token_ttl():
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key})


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None}, summary="Revoke the caller's token")
    def post(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=204)
