"""Feedback sources beside the plan: peer feedback (360°) and public satisfaction surveys."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from workflow.api.fields import TextOnlyField
from workflow.api.objects import expected_version

from ..models import Cycle, PeerFeedback, SurveyResult
from ..selectors import appraisal_get_for, appraisal_get_visible, hr_admin_anywhere_check
from ..selectors import feedback as peer_reads
from ..selectors import surveys as survey_reads
from ..services import feedback as peers
from ..services import surveys

MAX_ID = 2**63 - 1  # ids are 64-bit; larger numbers are refused before any query

# --- Peer feedback ------------------------------------------------------------------


class PeerBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nip = serializers.CharField()
    name = serializers.CharField()


class PeerFeedbackSerializer(serializers.Serializer):
    """What the appraiser and appeal reviewer see; everyone else gets ordinal and text only."""

    ordinal = serializers.IntegerField()
    text = serializers.CharField(allow_blank=True)
    id = serializers.IntegerField(required=False, help_text="Appraiser and appeal reviewer only")
    peer = PeerBriefSerializer(required=False, help_text="Appraiser and appeal reviewer only")
    requested_at = serializers.DateTimeField(required=False)
    submitted_at = serializers.DateTimeField(required=False, allow_null=True)


class PeerFeedbackRequestInSerializer(serializers.Serializer):
    peers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        allow_empty=False,
        min_length=1,  # allow_empty alone does not reach the schema (minItems)
        max_length=100,
    )


def _identified(rows) -> list[dict]:
    return [
        {
            "ordinal": n,
            "text": row.text,
            "id": row.pk,
            "peer": {"id": row.peer.pk, "nip": row.peer.nip, "name": row.peer.name},
            "requested_at": row.requested_at,
            "submitted_at": row.submitted_at,
        }
        for n, row in enumerate(rows, start=1)
    ]


class PeerFeedbackView(generics.GenericAPIView):
    serializer_class = PeerFeedbackSerializer
    queryset = PeerFeedback.objects.none()  # rows are built per reader; for the schema only

    @extend_schema(
        responses=PeerFeedbackSerializer(many=True),
        summary="Peer feedback on the appraisal (anonymous to all but appraiser and reviewer)",
        description="The appraiser and the appeal reviewer see every request, who it went to "
        "and, once answered, the text. Everyone else who may see the appraisal (the "
        "employee included) sees only the submitted texts with an ordinal, in an order "
        "that says nothing about their authors.",
    )
    def get(self, request, pk: int):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        if peer_reads.peer_feedback_identified(appraisal, request.user):
            rows = _identified(peer_reads.peer_feedback_of(appraisal=appraisal))
        else:
            rows = peer_reads.peer_feedback_anonymous(appraisal=appraisal)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(page)

    @extend_schema(
        request=PeerFeedbackRequestInSerializer,
        responses={201: PeerFeedbackSerializer(many=True)},
        summary="Ask peers for feedback (appraiser; in progress or self-assessed)",
        description="Peers already asked are left as they are. Answers with every request "
        "of the appraisal, as the appraiser's GET does.",
    )
    def post(self, request, pk: int):
        appraisal = appraisal_get_for(
            user=request.user, pk=pk, role="appraiser", refusal=peers.ONLY_APPRAISER
        )
        data = PeerFeedbackRequestInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        peers.peer_feedback_request(
            appraisal=appraisal,
            actor=request.user,
            peers=data.validated_data["peers"],
            expected_version=expected_version(request),
        )
        # Answered like a GET by the appraiser: every request of the appraisal, paged.
        rows = _identified(peer_reads.peer_feedback_of(appraisal=appraisal))
        response = self.get_paginated_response(self.paginate_queryset(rows))
        response.status_code = status.HTTP_201_CREATED
        return response


class PeerFeedbackRequestSerializer(serializers.ModelSerializer):
    appraisal = serializers.IntegerField(source="appraisal_id")
    employee = serializers.SerializerMethodField()
    cycle = serializers.CharField(source="appraisal.cycle.name")

    class Meta:
        model = PeerFeedback
        fields = ["id", "appraisal", "employee", "cycle", "requested_at", "submitted_at", "text"]
        read_only_fields = fields

    @extend_schema_field(
        {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
    )
    def get_employee(self, row: PeerFeedback) -> dict:
        employee = row.appraisal.employee
        return {"id": employee.pk, "name": employee.name}


class PeerFeedbackSubmitInSerializer(serializers.Serializer):
    text = TextOnlyField(max_length=20000)


class PeerFeedbackRequestListView(generics.ListAPIView):
    serializer_class = PeerFeedbackRequestSerializer

    def get_queryset(self):
        return peer_reads.peer_feedback_requests_open(user=self.request.user)

    @extend_schema(summary="My open peer-feedback requests")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PeerFeedbackSubmitView(generics.GenericAPIView):
    serializer_class = PeerFeedbackRequestSerializer

    @extend_schema(
        request=PeerFeedbackSubmitInSerializer,
        responses=PeerFeedbackRequestSerializer,
        summary="Answer a peer-feedback request (once)",
    )
    def post(self, request, request_id: int):
        row = peer_reads.peer_feedback_request_get(user=request.user, pk=request_id)
        data = PeerFeedbackSubmitInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = peers.peer_feedback_submit(
            request=row, actor=request.user, text=data.validated_data["text"]
        )
        row = PeerFeedback.objects.select_related("appraisal__employee", "appraisal__cycle").get(
            pk=row.pk
        )
        return Response(PeerFeedbackRequestSerializer(row).data)


# --- Survey results ------------------------------------------------------------------


class SurveyImportInSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV: kode_unit, layanan, periode, nilai (0-100), responden"
    )
    cycle = serializers.PrimaryKeyRelatedField(queryset=Cycle.objects.select_related("instansi"))


class SurveyRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()
    messages = serializers.DictField(child=serializers.CharField())


class SurveyImportReportSerializer(serializers.Serializer):
    committed = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = SurveyRowErrorSerializer(many=True)


class SurveyImportView(generics.GenericAPIView):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = SurveyImportInSerializer

    @extend_schema(
        request={"multipart/form-data": SurveyImportInSerializer},
        responses=SurveyImportReportSerializer,
        parameters=[
            OpenApiParameter(
                "commit", bool, description="1 to write; otherwise a dry run that only reports"
            )
        ],
        summary="Import public satisfaction survey results (HR admin; dry run by default)",
    )
    def post(self, request):
        # Before the body is parsed: who holds no HR scope at all is refused whatever they send.
        hr_admin_anywhere_check(user=request.user, refusal=surveys.ONLY_HR)
        data = SurveyImportInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        commit = request.query_params.get("commit", "").lower() in {"1", "true", "yes"}
        report = surveys.survey_results_import(
            cycle=data.validated_data["cycle"],
            actor=request.user,
            content=upload.read(surveys.MAX_BYTES + 1),
            commit=commit,
        )
        return Response(SurveyImportReportSerializer(report).data)


class SurveyUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class SurveyResultSerializer(serializers.ModelSerializer):
    unit = SurveyUnitSerializer()

    class Meta:
        model = SurveyResult
        fields = ["id", "unit", "cycle", "service", "period", "score", "respondents"]
        read_only_fields = fields


class AppraisalSurveyListView(generics.ListAPIView):
    serializer_class = SurveyResultSerializer
    queryset = SurveyResult.objects.none()  # for the schema; get_queryset scopes by the user

    def get_queryset(self):
        appraisal = appraisal_get_visible(user=self.request.user, pk=self.kwargs["pk"])
        return survey_reads.survey_results_for_appraisal(appraisal=appraisal)

    @extend_schema(
        summary="Survey results of the appraisal's unit and the units above it, in its cycle"
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
