"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from settings.urls import handler404, handler500
from settings.urls import urlpatterns as site


def missing(request):
    raise Http404("no such thing")


def forbidden(request):
    raise PermissionDenied("not yours")


def broken(request):
    raise RuntimeError("boom")


@require_POST
def post_only(request):
    return HttpResponse("posted")


urlpatterns = [
    path("test-errors/missing/", missing),
    path("test-errors/forbidden/", forbidden),
    path("test-errors/broken/", broken),
    path("test-errors/post-only/", post_only),
    *site,
]

__all__ = ["handler404", "handler500", "urlpatterns"]
