"""Error pages people can read: 404, 403, 405 and 500 in the page's language, never
Django's technical pages (English, with the URL list or a traceback).

Without DEBUG, Django already answers with the templates (`404.html`, `403.html`,
`500.html`, through the handlers in settings/urls.py). With DEBUG on (the demo and a
developer's machine) it shows its technical pages instead; this middleware answers with
the same templates unless `KINERJA_TECHNICAL_ERRORS` asks for the technical ones. Django
has no handler for 405: a view's bare `HttpResponseNotAllowed` (e.g. a GET on a POST-only
page) gets the `405.html` page, its Allow header kept. The API keeps its own JSON answers.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core import signals
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.urls import Resolver404, get_resolver, resolve

request_log = logging.getLogger("django.request")

API = "/api/"


def _technical_wanted() -> bool:
    return not settings.DEBUG or getattr(settings, "KINERJA_TECHNICAL_ERRORS", False)


def _handler(status: int):
    return get_resolver().resolve_error_handler(status)


class ReadableErrorPages:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _technical_wanted():
            try:
                resolve(request.path_info)
            except Resolver404 as exc:
                # CommonMiddleware (outside) still redirects "/page" to "/page/" on a 404.
                return _handler(404)(request, exc)
        response = self.get_response(request)
        if (
            isinstance(response, HttpResponseNotAllowed)
            and not request.path.startswith(API)
            and not response.content
        ):
            return not_allowed_page(request, response)
        return response

    def process_exception(self, request, exception):
        if _technical_wanted():
            return None
        if isinstance(exception, Http404):
            return _handler(404)(request, exception)
        if isinstance(exception, PermissionDenied):
            return _handler(403)(request, exception)
        if request.path.startswith(API):
            return None
        # What Django does with an uncaught exception (tell listeners, log), then the page.
        signals.got_request_exception.send(sender=None, request=request)
        request_log.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=sys.exc_info(),
            extra={"status_code": 500, "request": request},
        )
        return _handler(500)(request)


def not_allowed_page(request, refused: HttpResponseNotAllowed):
    """The 405 page: what the address is for and where to go; the Allow header kept."""
    body = render_to_string("405.html", request=request)
    refused.content = body.encode()
    refused["Content-Type"] = "text/html; charset=utf-8"
    return refused
