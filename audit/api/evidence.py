"""GET /api/audit/bundle/: an evidence bundle, for the standalone verifier."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.views import APIView

from ..bundle import bundle_build, bundle_bytes
from ..evidence import EvidenceUnavailable, evidence_subjects
from ..selectors import subjects_visible
from ..services import read_access_record
from .views import IsInspector


class EvidenceBundleView(APIView):
    permission_classes = [IsInspector]

    @extend_schema(
        parameters=[
            OpenApiParameter("subject", str, many=True, description="<type>:<id>, repeatable"),
            OpenApiParameter("unit", int, description="with cycle: every appraisal of the unit"),
            OpenApiParameter("cycle", int, description="with unit"),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.BINARY, description="the bundle file (verify_bundle.py checks it)"
            )
        },
        summary="Evidence bundle: chains, checkpoints and inclusion proofs as one file",
    )
    def get(self, request):
        try:
            subjects = evidence_subjects(
                subjects=request.query_params.getlist("subject"),
                unit=request.query_params.get("unit"),
                cycle=request.query_params.get("cycle"),
            )
        except EvidenceUnavailable as exc:
            raise ValidationError({"detail": str(exc)}) from None
        visible = subjects_visible(user=request.user, subjects=subjects)
        if len(visible) != len(subjects):
            # Missing and out of scope look the same from outside.
            raise NotFound("No such subject in your scope.")
        for subject in visible:
            subject_type, _, subject_id = subject.partition(":")
            read_access_record(
                reader=request.user, subject=(subject_type, subject_id), purpose="audit.bundle"
            )
        data = bundle_bytes(bundle_build(subjects=visible, title=", ".join(visible)[:200]))
        response = HttpResponse(data, content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="kinerja-evidence.json"'
        return response
