"""Pages drawn from the registry: every workflow with a `route` gets its object page and forms."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from .. import definition
from .views import lifecycle, pages_of

app_name = "workflow"


def _routes() -> list:
    out = [path("lifecycle/<str:name>/", lifecycle, name="lifecycle")]
    for workflow in definition.registered().values():
        if not workflow.route:
            continue
        pages = pages_of(workflow)
        base = f"{workflow.route}/<int:pk>/"
        out += [
            path(base, login_required(pages.object_page), name=workflow.name),
            path(
                f"{base}do/<str:name>/",
                login_required(pages.transition_page),
                name=f"{workflow.name}-transition",
            ),
        ]
    return out


urlpatterns = _routes()
