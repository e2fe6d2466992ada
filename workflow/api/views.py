from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import definition
from ..diagrams import RENDERERS
from ..errors import NotFound
from ..text import Text


def workflow_as_dict(wf: definition.Workflow) -> dict:
    return {
        "name": wf.name,
        "label": wf.label.as_dict(),
        "initial": wf.initial,
        "states": [s.name for s in wf.states],
        "state_labels": {s.name: s.label.as_dict() for s in wf.states},
        "transitions": [
            {
                "name": t.name,
                "source": wf.sources_of(t),
                "target": t.target,
                # Every state it may lead to (`target` first): more than one when the
                # next state depends on the object (the table's `settle`).
                "targets": list(t.targets),
                "roles": sorted(t.roles),
                "label": t.label.as_dict(),
                "reason_required": t.reason_required,
            }
            for t in wf.transitions
        ],
    }


_TransitionOut = inline_serializer(
    "WorkflowTransition",
    {
        "name": serializers.CharField(),
        "source": serializers.ListField(child=serializers.CharField()),
        "target": serializers.CharField(),
        "targets": serializers.ListField(child=serializers.CharField()),
        "roles": serializers.ListField(child=serializers.CharField()),
        "label": serializers.DictField(child=serializers.CharField()),
        "reason_required": serializers.BooleanField(),
    },
    many=True,
)
_WorkflowOut = inline_serializer(
    "Workflow",
    {
        "name": serializers.CharField(),
        "label": serializers.DictField(child=serializers.CharField()),
        "initial": serializers.CharField(),
        "states": serializers.ListField(child=serializers.CharField()),
        "state_labels": serializers.DictField(child=serializers.DictField()),
        "transitions": _TransitionOut,
    },
    many=True,
)


class WorkflowListView(APIView):
    @extend_schema(responses=_WorkflowOut, summary="State machines and their tables")
    def get(self, request):
        return Response([workflow_as_dict(wf) for wf in definition.registered().values()])


class WorkflowDiagramView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=list(RENDERERS), default="mermaid")],
        responses={(200, "text/plain"): OpenApiTypes.STR},
        summary="Diagram of a state machine (Mermaid or Graphviz DOT)",
    )
    def get(self, request, name: str):
        wf = definition.get(name)
        if wf is None:
            raise NotFound(
                Text(f"Alur kerja '{name}' tidak ditemukan.", f"Workflow '{name}' not found.")
            )
        fmt = request.query_params.get("format", "mermaid")
        renderer = RENDERERS.get(fmt)
        if renderer is None:
            raise serializers.ValidationError(
                {"format": [f"mermaid | dot ({fmt!r} tidak dikenal / unknown)"]}
            )
        return HttpResponse(renderer(wf), content_type="text/plain; charset=utf-8")
