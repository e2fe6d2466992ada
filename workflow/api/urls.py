"""Routes drawn from the registry: every workflow with a `route` gets the same endpoints."""

from django.urls import path

from .. import definition
from .objects import views_for


def _routes() -> list:
    out = []
    for workflow in definition.registered().values():
        if not workflow.route:
            continue
        transition, history = views_for(workflow)
        base = f"{workflow.route}/<int:pk>/"
        out += [
            path(
                f"{base}transitions/<str:name>/",
                transition.as_view(),
                name=f"{workflow.name}-transition",
            ),
            path(f"{base}history/", history.as_view(), name=f"{workflow.name}-history"),
        ]
    return out


urlpatterns = _routes()
