"""Signing a document of an appraisal over HTTP: a thin wrapper over `document_sign`.

`POST /api/appraisals/{id}/signatures/{kind}/` takes the PDF (multipart `file`) and,
for a remote TTE service, the signer's NIK and passphrase (used once, kept nowhere);
it answers the signed PDF, its SHA-256 in `X-Document-SHA256`. Who may sign is
decided from the path before the body is read; errors are the API's JSON.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.views import APIView

from workflow.errors import NotFound
from workflow.text import Text

from ..selectors import appraisal_get_visible
from ..signatures.backends import FIELD_NAMES, Credentials
from ..signatures.services import KINDS, document_sign, document_sign_check

KIND_NOT_FOUND = Text(id="Jenis dokumen tidak dikenal.", en="Unknown document kind.")


@extend_schema_field({"type": "string", "format": "binary", "minLength": 1})
class NonEmptyFileField(serializers.FileField):
    """A file of at least one byte, and the schema says so (an empty upload is no file)."""


class SignatureInSerializer(serializers.Serializer):
    file = NonEmptyFileField(help_text="The PDF to sign: a document Kinerja issued for it")
    role = serializers.ChoiceField(
        choices=sorted(FIELD_NAMES),
        required=False,
        help_text="The role in which to sign, when the caller holds more than one",
    )
    nik = serializers.RegexField(
        r"^[0-9]{16}$",
        required=False,
        help_text="The signer's NIK, for the national TTE service (BSrE); not stored",
    )
    passphrase = serializers.CharField(
        required=False,
        max_length=256,
        trim_whitespace=False,
        write_only=True,
        style={"input_type": "password"},
        help_text="The signer's TTE passphrase, for BSrE; used once, never stored",
    )


class DocumentSignView(APIView):
    parser_classes = [MultiPartParser]

    def perform_content_negotiation(self, request, force=False):
        # The answer is a PDF whatever the Accept header says; errors stay JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(KINDS))
        ],
        request={"multipart/form-data": SignatureInSerializer},
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The signed PDF; its SHA-256 in X-Document-SHA256",
            ),
            (503, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Layanan TTE tidak tersedia; coba lagi / signing service "
                "unavailable or not configured; nothing was signed, try again",
            ),
        },
        summary="Sign a document of the appraisal (TTE, PAdES): employee and appraiser the SKP "
        "and the evaluation, the one who decided an appeal its decision",
    )
    def post(self, request, pk: int, kind: str):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        if kind not in KINDS:
            raise NotFound(KIND_NOT_FOUND)
        # Who may sign, and whether the document exists yet, before the body is read.
        document_sign_check(appraisal, kind=kind, actor=request.user)
        data = SignatureInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        signed = document_sign(
            appraisal,
            kind=kind,
            pdf=values["file"].read(),
            actor=request.user,
            role=values.get("role"),
            credentials=Credentials(
                nik=values.get("nik", ""), passphrase=values.get("passphrase", "")
            ),
        )
        response = HttpResponse(signed.pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{kind}-{appraisal.pk}.pdf"'
        response["X-Document-SHA256"] = signed.sha256
        response["X-Content-Type-Options"] = "nosniff"
        return response
