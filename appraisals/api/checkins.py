"""Check-ins, their evidence (bukti dukung) and the self-assessment draft built from them."""

from __future__ import annotations

import os

from django.db.models import Count
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from workflow.api.objects import expected_version
from workflow.errors import NotFound
from workflow.text import Text

from ..models import Appraisal, CheckIn, Evidence
from ..predicate import Rating
from ..selectors import appraisal_get_for, appraisal_get_visible
from ..selectors import checkins as check_ins
from ..services import checkins as service
from ..services import evidence as evidence_service

EVIDENCE_NOT_FOUND = Text(id="Bukti dukung tidak ditemukan.", en="Evidence not found.")
FILE_MISSING = Text(id="Berkas tidak tersedia.", en="The file is not available.")
NO_FILE = Text(id="Bukti dukung ini berupa tautan, bukan berkas.", en="This evidence is a link.")
# Multipart framing around the file; a body beyond this is refused unread.
_MULTIPART_SLACK = 64 * 1024

_PERSON = {
    "type": "object",
    "nullable": True,
    "properties": {"username": {"type": "string"}, "name": {"type": "string"}},
}


def _person(user) -> dict | None:
    return {"username": user.get_username(), "name": user.get_full_name()} if user else None


MAX_ID = 2**63 - 1  # ids are 64-bit; larger numbers are refused before any query


class CheckInEntryInSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    realisation = serializers.CharField(max_length=10000)


# 1 to 12 in any cycle (the schema says so); beyond the cycle's own periods (1 to 4 for a
# quarterly one) the service answers period_out_of_range, naming the cycle's range.
@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 12})
class PeriodField(serializers.IntegerField):
    pass


class CheckInInSerializer(serializers.Serializer):
    period = PeriodField(
        min_value=1,
        help_text="1-12 (monthly cycle) or 1-4 (quarterly); a period the cycle does not have "
        "is 400 with the problem code period_out_of_range",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=20000, default="")
    entries = CheckInEntryInSerializer(
        many=True,
        help_text="One entry per indicator: an indicator named twice is 400 with the problem "
        "code indicator_repeated",
    )


class CheckInEntrySerializer(serializers.Serializer):
    indicator = serializers.IntegerField(source="indicator_id")
    indicator_name = serializers.CharField(source="indicator.name")
    realisation = serializers.CharField()


class CheckInSerializer(serializers.ModelSerializer):
    entries = CheckInEntrySerializer(many=True)
    feedback_by = serializers.SerializerMethodField()
    evidence_count = serializers.SerializerMethodField()

    class Meta:
        model = CheckIn
        fields = [
            "period",
            "note",
            "submitted_at",
            "entries",
            "feedback",
            "feedback_by",
            "feedback_at",
            "evidence_count",
        ]
        read_only_fields = fields

    @extend_schema_field(_PERSON)
    def get_feedback_by(self, check_in: CheckIn) -> dict | None:
        return _person(check_in.feedback_by)

    def get_evidence_count(self, check_in: CheckIn) -> int:
        return check_in.evidence_total


class FeedbackInSerializer(serializers.Serializer):
    feedback = serializers.CharField(max_length=20000)


@extend_schema_field(
    {
        "type": "string",
        "format": "uri",
        "pattern": "^(https?|ftps?)://",
        "maxLength": 2000,
        "description": "A web address (http, https, ftp or ftps) with a valid host name;"
        " refused otherwise with code url_not_web.",
    }
)
class WebAddressField(serializers.URLField):
    """A URL as Django's validator reads it, refused with its own code: RFC 3986 (the
    schema's `format: uri`) admits any scheme and host, evidence links only web ones."""

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(
                self.error_messages["invalid"], code="url_not_web"
            ) from exc


class EvidenceLinkInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("link", "link")])
    url = WebAddressField(max_length=2000)
    name = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")
    indicator = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID
    )


class FormNullableInteger(serializers.IntegerField):
    """A nullable id in a multipart form, where null can only travel as text: "null" (and
    an empty part, as DRF already reads it) means none."""

    def get_value(self, dictionary):
        value = super().get_value(dictionary)
        return None if value == "null" else value


class EvidenceUploadInSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, PNG, JPEG, DOCX or XLSX; type read from content")
    name = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")
    indicator = FormNullableInteger(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID
    )


class EvidenceSerializer(serializers.ModelSerializer):
    indicator = serializers.IntegerField(source="indicator_id", allow_null=True)
    uploaded_by = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "name",
            "url",
            "indicator",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download",
        ]
        read_only_fields = fields

    @extend_schema_field(_PERSON)
    def get_uploaded_by(self, evidence: Evidence) -> dict | None:
        return _person(evidence.uploaded_by)

    def get_download(self, evidence: Evidence) -> str | None:
        if evidence.kind != Evidence.Kind.FILE:
            return None
        check_in = evidence.check_in
        return reverse(
            "evidence-file",
            kwargs={
                "pk": check_in.appraisal_id,
                "period": check_in.period,
                "evidence": evidence.pk,
            },
        )


class DraftSourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    period = serializers.IntegerField()
    realisation = serializers.CharField()


class DraftItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    result = serializers.CharField()
    realisation = serializers.CharField(allow_blank=True)
    self_rating = serializers.ChoiceField(choices=Rating.choices, allow_null=True)
    sources = DraftSourceSerializer(many=True)


class DraftSerializer(serializers.Serializer):
    items = DraftItemSerializer(many=True)


def _check_ins(appraisal: Appraisal):
    return (
        appraisal.check_ins.select_related("feedback_by")
        .prefetch_related("entries__indicator")
        .annotate(evidence_total=Count("evidence"))
    )


def _check_in_data(appraisal: Appraisal, period: int) -> dict:
    check_in = check_ins.check_in_get(appraisal=appraisal, period=period)
    check_in = _check_ins(appraisal).get(pk=check_in.pk)
    return CheckInSerializer(check_in).data


class CheckInListView(APIView):
    @extend_schema(
        responses=CheckInSerializer(many=True),
        summary="The appraisal's check-ins (at most one per period)",
    )
    def get(self, request, pk: int):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        return Response(CheckInSerializer(_check_ins(appraisal), many=True).data)

    @extend_schema(
        request=CheckInInSerializer,
        responses={201: CheckInSerializer, 200: CheckInSerializer},
        summary="Record a period's check-in (employee, in progress); again to update it",
        description="Posting a period again replaces its note and entries (indicators left "
        "out lose their entry); 201 when the period is new, 200 when it is updated.",
    )
    def post(self, request, pk: int):
        appraisal = appraisal_get_for(
            user=request.user, pk=pk, role="employee", refusal=service.ONLY_EMPLOYEE
        )
        data = CheckInInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        check_in, created = service.check_in_record(
            appraisal=appraisal,
            actor=request.user,
            period=values["period"],
            note=values["note"],
            entries=[dict(e) for e in values["entries"]],
            expected_version=expected_version(request),
        )
        return Response(
            _check_in_data(appraisal, check_in.period),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class CheckInDetailView(APIView):
    @extend_schema(responses=CheckInSerializer, summary="One period's check-in")
    def get(self, request, pk: int, period: int):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        return Response(_check_in_data(appraisal, period))


class CheckInFeedbackView(APIView):
    @extend_schema(
        request=FeedbackInSerializer,
        responses=CheckInSerializer,
        summary="The appraiser's feedback on a check-in",
    )
    def post(self, request, pk: int, period: int):
        appraisal = appraisal_get_for(
            user=request.user, pk=pk, role="appraiser", refusal=service.ONLY_APPRAISER
        )
        data = FeedbackInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service.check_in_feedback_give(
            appraisal=appraisal,
            actor=request.user,
            period=period,
            feedback=data.validated_data["feedback"],
            expected_version=expected_version(request),
        )
        return Response(_check_in_data(appraisal, period))


class EvidenceListView(generics.ListAPIView):
    serializer_class = EvidenceSerializer
    queryset = Evidence.objects.none()  # for the schema; get_queryset scopes by the user

    def get_queryset(self):
        appraisal = appraisal_get_visible(user=self.request.user, pk=self.kwargs["pk"])
        check_in = check_ins.check_in_get(appraisal=appraisal, period=self.kwargs["period"])
        return check_in.evidence.select_related("uploaded_by", "check_in").order_by("id")

    parser_classes = [JSONParser, MultiPartParser]  # a link as JSON, a file as multipart

    @extend_schema(summary="Evidence of a check-in (bukti dukung)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={
            "multipart/form-data": EvidenceUploadInSerializer,
            "application/json": EvidenceLinkInSerializer,
        },
        responses={201: EvidenceSerializer},
        summary="Add a file (multipart) or a link (JSON) as evidence (employee, in progress)",
    )
    def post(self, request, pk: int, period: int):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        # Refuse the wrong person, state or size before the body is read;
        # the service checks again under the appraisal's lock.
        service.evidence_writable_check(appraisal, request.user)
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > evidence_service.evidence_max_bytes() + _MULTIPART_SLACK:
            raise evidence_service.evidence_too_large(length)
        if "file" in request.FILES:
            data = EvidenceUploadInSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            extra = {"upload": data.validated_data["file"]}
        else:
            data = EvidenceLinkInSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            extra = {"url": data.validated_data["url"]}
        evidence = evidence_service.evidence_add(
            appraisal=appraisal,
            actor=request.user,
            period=period,
            name=data.validated_data["name"],
            indicator_id=data.validated_data["indicator"],
            expected_version=expected_version(request),
            **extra,
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class EvidenceFileView(APIView):
    def perform_content_negotiation(self, request, force=False):
        # A download may be asked for with any Accept header; errors stay JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, as an attachment"
            )
        },
        summary="Download an evidence file",
    )
    def get(self, request, pk: int, period: int, evidence: int):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        check_in = check_ins.check_in_get(appraisal=appraisal, period=period)
        row = check_in.evidence.filter(pk=evidence).first()
        if row is None:
            raise NotFound(EVIDENCE_NOT_FOUND)
        if row.kind != Evidence.Kind.FILE or not row.file:
            raise NotFound(NO_FILE)
        extensions = next(
            (
                exts
                for kind, exts in evidence_service.FILE_KINDS.values()
                if kind == row.content_type
            ),
            (os.path.splitext(row.file.name)[1],),
        )
        filename = row.name
        if not filename.lower().endswith(extensions):
            filename += extensions[0]
        try:
            handle = row.file.open("rb")
        except OSError:
            raise NotFound(FILE_MISSING) from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=filename,
            content_type=row.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class SelfAssessmentDraftView(APIView):
    @extend_schema(
        responses=DraftSerializer,
        summary="A self-assessment prefilled from the latest check-ins",
        description="Fill each item's self_rating and post it to "
        "transitions/submit_self_assessment/.",
    )
    def get(self, request, pk: int):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        return Response({"items": check_ins.self_assessment_draft(appraisal=appraisal)})
