"""`/favicon.ico`: browsers ask for it at the site's root, whatever the page links."""

from __future__ import annotations

from functools import lru_cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views.decorators.http import require_safe

ICON = "web/favicon.ico"


@lru_cache(maxsize=1)
def _icon() -> bytes:
    path = finders.find(ICON)
    with open(path, "rb") as handle:
        return handle.read()


@require_safe
def favicon(request):
    response = HttpResponse(_icon(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
