"""One exception handler: domain errors and DRF errors in one bilingual shape.

{"code": "...", "detail": "<message in the request language>",
 "messages": {"id": "...", "en": "..."}, "problems": [{"code", "message", "field"?}]}
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from ..constraints import integrity_refusal
from ..errors import Problem, WorkflowError
from ..services import serializer_problems
from ..text import Text

_MESSAGES = {
    400: Text("Isian tidak valid.", "The submitted data is invalid."),
    401: Text("Silakan masuk terlebih dahulu.", "Authentication is required."),
    403: Text(
        "Anda tidak berwenang melakukan tindakan ini.",
        "You are not allowed to perform this action.",
    ),
    404: Text("Tidak ditemukan.", "Not found."),
    405: Text("Metode tidak diizinkan.", "Method not allowed."),
    406: Text("Format respons tidak didukung.", "The requested format is not supported."),
    415: Text("Jenis isi tidak didukung.", "Unsupported media type."),
    429: Text("Terlalu banyak permintaan; coba lagi nanti.", "Too many requests; try again later."),
}


def status_message(status_code: int) -> Text:
    """The bilingual message the handler gives a bare status (401, 403, 404, ...)."""
    return _MESSAGES[status_code]


def error_body(*, code: str, message: Text, problems: list[Problem] | None = None) -> dict:
    return WorkflowError(message, problems or []).as_dict() | {"code": code}


security_log = logging.getLogger("kinerja.security")


def _log_refusal(status_code: int, code: str, context) -> None:
    """Failed authorisation leaves a trace: who (by id), what route, never personal data.

    The query string is left out (it may carry a NIP or a name).
    """
    if status_code not in (401, 403, 404):
        return
    request = context.get("request")
    user = getattr(request, "user", None)
    security_log.warning(
        "refused status=%s code=%s user_id=%s method=%s path=%s",
        status_code,
        code,
        getattr(user, "pk", None),
        getattr(request, "method", "?"),
        getattr(request, "path", "?"),
    )


def exception_handler(exc, context):
    if isinstance(exc, IntegrityError):
        # The database refused the write (a named constraint): the transaction
        # is rolled back and the client told what, never a 500.
        set_rollback()
        refusal = integrity_refusal(exc)
        security_log.info("integrity refusal code=%s", refusal.code)
        return Response(refusal.as_dict(), status=refusal.status)
    if isinstance(exc, WorkflowError):
        _log_refusal(exc.status, exc.code, context)
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    status_code = response.status_code
    message = _MESSAGES.get(status_code, Text(str(exc), str(exc)))
    problems: list[Problem] = []
    if isinstance(exc, exceptions.ValidationError):
        problems = serializer_problems(exc.detail)
    elif isinstance(exc, exceptions.APIException) and status_code not in _MESSAGES:
        message = Text(str(exc.detail), str(exc.detail))
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if not isinstance(code, str):
        code = "invalid" if status_code == status.HTTP_400_BAD_REQUEST else "error"
    response.data = error_body(code=code, message=message, problems=problems)
    _log_refusal(status_code, code, context)
    return response


def api_not_found(request, exception=None):
    """URLs that match no route answer in the API's error shape under /api/."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse(error_body(code="not_found", message=_MESSAGES[404]), status=404)
    return page_not_found(request, exception)


def api_server_error(request):
    from django.http import JsonResponse
    from django.views.defaults import server_error

    if request.path.startswith("/api/"):
        message = Text("Terjadi kesalahan pada server.", "Internal server error.")
        return JsonResponse(error_body(code="server_error", message=message), status=500)
    return server_error(request)
