"""A WorkflowError shown on a page: each problem beside its field, the rest on top."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import render
from django.views.defaults import page_not_found, permission_denied

from ..constraints import integrity_refusal
from ..errors import ActionForbidden, NotFound, PayloadInvalid, Problem, WorkflowError
from ..services import serializer_problems
from ..text import Text

security_log = logging.getLogger("kinerja.security")

_WHOLE = re.compile(r"[0-9]{1,18}")


def whole_number(raw) -> int | None:
    """A form's id, version or period: ASCII digits only ("²".isdigit() is true), bigint-safe."""
    raw = (raw or "").strip()
    return int(raw) if _WHOLE.fullmatch(raw) else None


_VERSION_INVALID = Text(
    id="Versi formulir tidak sah; muat ulang halaman.",
    en="The form's version is not valid; reload the page.",
)


def posted_version(raw) -> int | None:
    """The version a form was drawn at: None when absent; a garbled one is refused (400),
    never read as "no version", which would skip the check that the record is unchanged."""
    if not (raw or "").strip():
        return None
    number = whole_number(raw)
    if number is None:
        raise PayloadInvalid(
            _VERSION_INVALID, [Problem("version_invalid", _VERSION_INVALID, "version")]
        )
    return number


@dataclass
class PageErrors:
    general: list[str] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    status: int = 200

    def __bool__(self) -> bool:
        return bool(self.general or self.fields)

    def add(self, message, field_name: str | None = None) -> None:
        if field_name:
            self.fields.setdefault(field_name, []).append(str(message))
        else:
            self.general.append(str(message))

    @classmethod
    def invalid(cls, serializer_errors, rename=None) -> PageErrors:
        """A serializer's errors (the API's own validation), each beside its field."""
        out = cls(status=400)
        for problem in serializer_problems(serializer_errors):
            field = (rename or {}).get(problem.field, problem.field)
            out.add(problem.message, field)
        out.fields = dict(out.fields)
        return out

    @classmethod
    def of(cls, error: WorkflowError) -> PageErrors:
        out = cls(status=error.status)
        out.general.append(str(error.message))
        for problem in error.problems:
            if problem.field:
                out.fields[problem.field].append(str(problem.message))
            elif str(problem.message) not in out.general:
                out.general.append(str(problem.message))
        out.fields = dict(out.fields)
        return out


class WorkflowErrorPages:
    """A NotFound or ActionForbidden a page lets through answers 404 or 403 pages, not 500.

    The API's own exception handler answers it before this middleware sees it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, IntegrityError):
            return _refused_page(request, exception)
        if isinstance(exception, NotFound | ActionForbidden):
            # The same trace the API leaves: who by id, the route, no personal data.
            security_log.warning(
                "refused status=%s code=%s user_id=%s method=%s path=%s",
                exception.status,
                exception.code,
                getattr(getattr(request, "user", None), "pk", None),
                request.method,
                request.path,
            )
        if isinstance(exception, NotFound):
            return page_not_found(request, Http404(str(exception.message)))
        if isinstance(exception, ActionForbidden):
            return permission_denied(request, PermissionDenied(str(exception.message)))
        return None


def _refused_page(request, exception):
    """A database refusal the page did not check first: 400 with its message, nothing written."""
    # The atomic block the write ran in has rolled back on its way out of the view.
    errors = PageErrors.of(integrity_refusal(exception))
    return render(request, "400.html", {"errors": errors}, status=400)
