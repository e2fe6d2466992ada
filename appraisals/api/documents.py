"""The official documents over the API: the PDFs, and their public verification."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import read_access_record
from workflow.errors import NotFound
from workflow.text import Text

from ..models import IssuedDocument
from ..selectors import appraisal_get_visible
from ..selectors.documents import (
    Verification,
    document_pdf_of,
    document_verify_bytes,
    document_verify_code,
)
from ..selectors.periods import periodic_evaluation_of
from ..throttling import VerifyThrottle

PDF = "application/pdf"
PERIOD_NOT_RATED = Text(
    id="Periode ini belum dievaluasi: dokumen evaluasi kinerja periodiknya belum ada.",
    en="This period has not been rated: there is no periodic evaluation document yet.",
)


def pdf_response(data: bytes, *, filename: str, document: IssuedDocument | None) -> HttpResponse:
    """A PDF download; the issued document's code and hash in headers (none on a draft)."""
    response = HttpResponse(data, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    if document is not None:
        response["X-Document-Code"] = document.code
        response["X-Document-SHA256"] = document.sha256
    return response


def document_filename(
    appraisal, kind: str, document: IssuedDocument | None, period: int | None = None
) -> str:
    suffix = document.code if document else "draf"
    year = appraisal.cycle.year if period is None else f"{appraisal.cycle.year}-P{period}"
    return f"{kind.upper()}-{appraisal.employee.nip}-{year}-{suffix}.pdf"


class AppraisalDocumentView(APIView):
    """`kind` is bound in urls.py: one path per document, each in the schema."""

    kind = ""

    def perform_content_negotiation(self, request, force=False):
        # A download may be asked for with any Accept header; errors stay JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            (200, PDF): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The document issued last (byte for byte what its hash on the "
                "audit chain names), or a draft rendered from the record while none is issued. "
                "Headers X-Document-Code and X-Document-SHA256 name an issued one.",
            )
        },
        summary="The document as a PDF (whoever may read the appraisal)",
        description="PermenPANRB 6/2022 annex form, A4, Indonesian. An issued document "
        "carries its verification code and a QR code of the public verification page.",
    )
    def get(self, request, pk: int):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        read_access_record(
            reader=request.user,
            subject=appraisal,
            purpose=f"document.{self.kind}",
            scope=appraisal.unit.path,
        )
        data, document = document_pdf_of(appraisal=appraisal, kind=self.kind)
        filename = document_filename(appraisal, self.kind, document)
        return pdf_response(data, filename=filename, document=document)


class AppraisalPeriodicDocumentView(APIView):
    """The periodic Dokumen Evaluasi Kinerja of one rated period."""

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            (200, PDF): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The period's evaluation document issued when the period was "
                "(last) rated, byte for byte what its hash on the audit chain names. Headers "
                "X-Document-Code and X-Document-SHA256 name it.",
            ),
            404: OpenApiResponse(
                description="No such appraisal for the caller, a period outside the cycle, "
                "or a period not rated yet"
            ),
        },
        operation_id="appraisals_documents_evaluation_period_retrieve",
        summary="A period's evaluation document as a PDF (whoever may read the appraisal)",
        description="Dokumen Evaluasi Kinerja periodik (PermenPANRB 6/2022): the period's "
        "realisations, feedback, ratings and predicate; A4, Indonesian, with its verification "
        "code and QR code.",
    )
    def get(self, request, pk: int, period: int):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        rated = periodic_evaluation_of(appraisal=appraisal, period=period)
        if rated is None:
            raise NotFound(PERIOD_NOT_RATED)
        read_access_record(
            reader=request.user,
            subject=appraisal,
            purpose=f"document.{IssuedDocument.Kind.EVALUATION}.{period}",
            scope=appraisal.unit.path,
        )
        kind = IssuedDocument.Kind.EVALUATION
        data, document = document_pdf_of(appraisal=appraisal, kind=kind, period=period)
        filename = document_filename(appraisal, kind, document, period)
        return pdf_response(data, filename=filename, document=document)


class VerificationSerializer(serializers.Serializer):
    found = serializers.BooleanField()
    code = serializers.CharField(allow_blank=True)
    kind = serializers.CharField(allow_blank=True)
    kind_label = serializers.CharField(allow_blank=True)
    issued_at = serializers.DateTimeField(allow_null=True)
    appraisal_state = serializers.CharField(allow_blank=True)
    appraisal_state_label = serializers.CharField(allow_blank=True)
    appraisal_version = serializers.IntegerField(allow_null=True)
    superseded = serializers.BooleanField()
    superseded_at = serializers.DateTimeField(allow_null=True)
    signed_copy = serializers.BooleanField()
    signatures = serializers.ListField(
        child=serializers.DictField(),
        allow_null=True,
        help_text="What the signature validator said of an uploaded PDF; null: not checked",
    )


class CodeQuery(serializers.Serializer):
    code = serializers.CharField(
        max_length=20,
        help_text="The verification code printed on the document (e.g. ABCDE-FGHJK)",
    )


class DocumentUploadIn(serializers.Serializer):
    file = serializers.FileField(help_text="The PDF as received")


def _answer(result: Verification) -> Response:
    return Response(VerificationSerializer(result.__dict__).data)


class DocumentVerifyView(APIView):
    """Public: no sign-in. Says whether a document is one Kinerja issued, and nothing personal."""

    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]
    parser_classes = [MultiPartParser]

    @extend_schema(
        parameters=[CodeQuery],
        responses=VerificationSerializer,
        summary="Verify a document by its code (public, throttled)",
        auth=[{}],
    )
    def get(self, request):
        query = CodeQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return _answer(document_verify_code(code=query.validated_data["code"]))

    @extend_schema(
        request={"multipart/form-data": DocumentUploadIn},
        responses=VerificationSerializer,
        summary="Verify a PDF by its content (public, throttled): one changed byte fails",
        auth=[{}],
    )
    def post(self, request):
        upload = DocumentUploadIn(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data["file"].read()
        return _answer(document_verify_bytes(data=data))
