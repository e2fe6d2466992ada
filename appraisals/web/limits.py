"""Request bodies refused by size before a byte is read, for every page and API route.

First in the middleware chain: CSRF checking reads a posted form, so an
anonymous client's 300 MiB post used to be spooled to disk before it was told
anything, and a non-reader's post to a check-in page before its 404 (issue
#13, item 6). A declared Content-Length over the route's limit is answered
413 at once; a body whose length is not declared (chunked, where the server
marks the input's end) is read through a stream that stops at the limit.

Forms and JSON get a small limit; the routes that take files their own (the
file's limit and the multipart framing around it).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestAborted, RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from workflow.api.errors import error_body, status_message
from workflow.errors import ActionForbidden, NotFound, WorkflowError
from workflow.text import Text

from ..policies import profile_of
from ..selectors import appraisal_get_visible
from ..services.checkins import evidence_writable_check
from ..services.surveys import MAX_BYTES as SURVEY_MAX_BYTES

# Multipart framing (boundaries, part headers, the other fields) around a file.
MULTIPART_SLACK = 64 * 1024

TOO_LARGE = Text(
    id="Permintaan terlalu besar (maks. {limit} bita).",
    en="The request is too large (max {limit} bytes).",
)


def _evidence() -> int:
    return settings.KINERJA_EVIDENCE_MAX_BYTES + MULTIPART_SLACK


def _import() -> int:
    return settings.KINERJA_IMPORT_MAX_BYTES + MULTIPART_SLACK


def _survey() -> int:
    return SURVEY_MAX_BYTES + MULTIPART_SLACK


def _document() -> int:
    return settings.KINERJA_DOCUMENT_VERIFY_MAX_BYTES + MULTIPART_SLACK


# Routes that take a file; every other route has KINERJA_BODY_MAX_BYTES.
UPLOAD_ROUTES = (
    (re.compile(r"^/api/appraisals/\d+/check-ins/\d+/evidence/$"), _evidence),
    (re.compile(r"^/appraisals/\d+/check-ins/$"), _evidence),
    (re.compile(r"^/hr/import/$"), _import),
    (re.compile(r"^/api/surveys/import/$"), _survey),
    # Public document verification: a PDF as received.
    (re.compile(r"^/api/documents/verify/$|^/verifikasi/$"), _document),
)


def body_limit(path: str) -> int:
    for pattern, limit in UPLOAD_ROUTES:
        if pattern.match(path):
            return max(limit(), settings.KINERJA_BODY_MAX_BYTES)
    return settings.KINERJA_BODY_MAX_BYTES


class _CappedStream:
    """The request's input read until its end, refusing to go past `limit` bytes."""

    def __init__(self, stream, limit: int) -> None:
        self.stream, self.limit, self.seen = stream, limit, 0

    def _count(self, data: bytes) -> bytes:
        self.seen += len(data)
        if self.seen > self.limit:
            raise RequestDataTooBig("request body over its route's limit")
        return data

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.limit + 1 - self.seen
        return self._count(self.stream.read(max(min(size, self.limit + 1 - self.seen), 0)))

    def readline(self, size: int = -1) -> bytes:
        room = self.limit + 1 - self.seen
        return self._count(
            self.stream.readline(room if size is None or size < 0 else min(size, room))
        )

    def close(self) -> None:
        pass


def _too_large(request, limit: int) -> HttpResponse:
    message = TOO_LARGE.format(limit=limit)
    if request.path.startswith("/api/"):
        body = error_body(code="request_too_large", message=message)
        return JsonResponse(body, status=413)
    # Before the locale is known: both languages, as plain text.
    text = f"{message.id}\n{message.en}\n"
    return HttpResponse(text, status=413, content_type="text/plain; charset=utf-8")


class RequestBodyLimit:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = body_limit(request.path_info)
        declared = request.META.get("CONTENT_LENGTH")
        try:
            length = int(declared) if declared else None
        except ValueError:
            length = None
        if length is not None and length > limit:
            return _too_large(request, limit)
        capped = None
        if length is None and request.META.get("wsgi.input_terminated"):
            # No length declared, and the server promises the input ends (it
            # de-chunks): read it, but never past the limit.
            capped = _CappedStream(request.META["wsgi.input"], limit)
            request._stream = capped
        try:
            response = self.get_response(request)
        except RequestDataTooBig:
            if capped is None or capped.seen <= limit:
                raise
            return _too_large(request, limit)
        # Django answers the stream's refusal 400 on its way out; it is a 413.
        if capped is not None and capped.seen > limit:
            return _too_large(request, limit)
        return response


# Routes whose bodies may be upload-sized, and who may send one there.
_CHECK_INS = re.compile(r"^/appraisals/(\d+)/check-ins/$")
_API_EVIDENCE = re.compile(r"^/api/appraisals/(\d+)/check-ins/\d+/evidence/$")
_HR_ONLY = re.compile(r"^/hr/import/$|^/api/surveys/import/$")


def _upload_sized(request) -> bool:
    declared = request.META.get("CONTENT_LENGTH")
    if not declared:
        return bool(request.META.get("wsgi.input_terminated"))
    try:
        return int(declared) > settings.KINERJA_BODY_MAX_BYTES
    except ValueError:
        return False


def _refuse(request, status: int):
    if request.path.startswith("/api/"):
        codes = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}
        body = error_body(code=codes[status], message=status_message(status))
        return JsonResponse(body, status=status)
    if status == 401:
        return redirect_to_login(request.get_full_path())
    # The templates, not Django's default views: those run the CSRF check, which reads the form.
    return render(request, f"{status}.html", status=status)


def _upload_refusal(request):
    """The route's own refusal, decided from the URL and the user alone; None lets it through."""
    path = request.path_info
    evidence = _CHECK_INS.match(path) or _API_EVIDENCE.match(path)
    if not (evidence or _HR_ONLY.match(path)):
        return None
    if path.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META:
        return None  # a token: the view refuses before reading, and no CSRF check reads it first
    if not request.user.is_authenticated:
        return _refuse(request, 401)
    try:
        if evidence:
            appraisal = appraisal_get_visible(user=request.user, pk=int(evidence.group(1)))
            evidence_writable_check(appraisal, request.user)
        elif not profile_of(request.user).scope_paths(("hr_admin",)):
            return _refuse(request, 403)
    except NotFound:
        return _refuse(request, 404)
    except ActionForbidden:
        return _refuse(request, 403)
    except WorkflowError:  # a state the route explains better itself (not in progress, ...)
        return None
    return None


class UploadGate:
    """Upload-sized posts are refused unread to whom may not upload there.

    After authentication, before any view: CSRF checking (the middleware's, or
    DRF's for a signed-in session) reads the form, so without this an anonymous
    or non-reading user's 5 MiB post to a check-in page was read in full before
    its redirect or 404. The answers are the route's own (sign-in or 401, 404,
    403); bodies within the forms' limit go on as before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and _upload_sized(request):
            refusal = _upload_refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)


def asgi_body_limit(app):
    """The same limits for ASGI, where Django spools the whole body before any middleware.

    A declared length over the limit is answered 413 before a body message is
    received; an undeclared one is counted as it arrives and cut at the limit.
    """

    async def limited(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        limit = body_limit(scope.get("path", ""))
        headers = dict(scope.get("headers") or [])
        try:
            declared = int(headers.get(b"content-length", b"") or -1)
        except ValueError:
            declared = -1
        over = declared > limit
        seen = 0

        async def counted():
            nonlocal seen, over
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True
                    raise RequestAborted()
            return message

        if not over:
            try:
                await app(scope, counted, send)  # Django returns quietly on RequestAborted
            except RequestAborted:
                if not over:
                    raise
            if not over:
                return
        too_large = TOO_LARGE.format(limit=limit)
        body = f"{too_large.id}\n{too_large.en}\n".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return limited
