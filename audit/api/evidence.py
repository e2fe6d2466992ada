"""GET /api/audit/bundle/: an evidence bundle, for the standalone verifier."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ErrorDetail, NotFound, ValidationError
from rest_framework.views import APIView

from ..bundle import bundle_build, bundle_bytes
from ..evidence import EvidenceUnavailable, NothingToBundle, evidence_subjects
from ..selectors import subjects_visible
from ..services import read_access_record
from .views import IsInspector

SUBJECT_PATTERN = r"^[^:]+:.+$"
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
NEEDS_SUBJECTS = "subject_or_unit_and_cycle"


def _refuse(field: str, message: str, code: str = "invalid"):
    return ValidationError({field: [ErrorDetail(message, code=code)]})


def _query_id(request, name: str) -> int | None:
    """unit or cycle: absent, or one whole number from 1 (ID_SCHEMA); else 400."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    value = values[0]
    if len(values) > 1 or not (value.isascii() and value.isdigit()) or not 1 <= int(value) < 2**63:
        raise _refuse(
            name, "Isi dengan satu bilangan bulat mulai dari 1. / One whole number from 1."
        )
    return int(value)


class EvidenceBundleView(APIView):
    permission_classes = [IsInspector]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "subject",
                {"type": "array", "items": {"type": "string", "pattern": SUBJECT_PATTERN}},
                style="form",
                explode=True,
                description="<type>:<id>, repeatable; or name a unit and a cycle "
                "(one of the two is required, else 400 with the problem code "
                f"{NEEDS_SUBJECTS})",
            ),
            OpenApiParameter(
                "unit", ID_SCHEMA, description="with cycle: every appraisal of the unit"
            ),
            OpenApiParameter("cycle", ID_SCHEMA, description="with unit"),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.BINARY, description="the bundle file (verify_bundle.py checks it)"
            )
        },
        summary="Evidence bundle: chains, checkpoints and inclusion proofs as one file",
    )
    def get(self, request):
        named = request.query_params.getlist("subject")
        unit, cycle = _query_id(request, "unit"), _query_id(request, "cycle")
        if not named and (unit is None or cycle is None):
            # OpenAPI cannot require one of two groups of parameters; the description says it.
            raise _refuse(
                "subject",
                "Sebutkan subjek, atau unit dan siklus. / Name a subject, or a unit and a cycle.",
                code=NEEDS_SUBJECTS,
            )
        try:
            subjects = evidence_subjects(subjects=named, unit=unit, cycle=cycle)
        except NothingToBundle:  # a unit-cycle with nothing in it (or that does not exist)
            raise NotFound("No such subject in your scope.") from None
        except EvidenceUnavailable as exc:
            raise _refuse("subject", str(exc)) from None
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
