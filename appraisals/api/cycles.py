"""Cycles and the bulk job that opens them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from workflow import calendar
from workflow.errors import ActionForbidden

from .. import clock
from ..models import BulkJob, Cycle
from ..policies import profile_of
from ..selectors import bulk_job_get_visible, hr_admin_anywhere_check
from ..services.cycles import CYCLE_NOT_HR, ONLY_HR_CREATE, cycle_close, cycle_create, cycle_reopen
from ..services.jobs import cycle_open_job_start
from .serializers import RULE_SCHEMA


class CycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cycle
        fields = [
            "id",
            "name",
            "instansi",
            "year",
            "starts_on",
            "ends_on",
            "status",
            "check_in_frequency",
            "appeal_window_days",
            "appeal_decision_days",
            "appeal_decision_count",
            "issue_early_days",
            "time_zone",
            "appeal_window_rule",
            "appeal_decision_rule",
        ]
        read_only_fields = ["id", "status"]

    time_zone = serializers.SerializerMethodField(
        help_text="The agency's IANA zone (the instansi's own, else the default)."
    )
    appeal_window_rule = serializers.SerializerMethodField(
        help_text="How the appeal window is counted, e.g. '14 hari kalender, sampai pukul "
        "23.59 WIB' (PP 30/2019 Pasal 59: calendar days)."
    )
    appeal_decision_rule = serializers.SerializerMethodField(
        help_text="How the reviewer's decision deadline is counted."
    )

    def get_time_zone(self, cycle) -> str:
        return str(clock.agency_zone(cycle.instansi))

    @extend_schema_field(RULE_SCHEMA)
    def get_appeal_window_rule(self, cycle) -> dict[str, str]:
        return clock.deadline_rule(
            cycle.appeal_window_days, calendar.CALENDAR, cycle.instansi
        ).as_dict()

    @extend_schema_field(RULE_SCHEMA)
    def get_appeal_decision_rule(self, cycle) -> dict[str, str]:
        return clock.deadline_rule(
            cycle.appeal_decision_days, cycle.appeal_decision_count, cycle.instansi
        ).as_dict()

    def validate(self, attrs):
        if attrs["ends_on"] <= attrs["starts_on"]:
            raise serializers.ValidationError(
                {"ends_on": "Harus setelah tanggal mulai / must be after starts_on"}
            )
        return attrs


class CycleStatusIn(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", trim_whitespace=True
    )


class CycleReopenIn(serializers.Serializer):
    # Anything but blank: an HR correction of a closed cycle always says why.
    reason = serializers.RegexField(
        r"\S", max_length=2000, help_text="Why the closed cycle is reopened (audited)."
    )


class _CycleStatusView(APIView):
    serializer_class = CycleStatusIn
    service = None

    def post(self, request, pk: int):
        # Cycles are public; only HR of its instansi may change one (else 403), as open/.
        cycle = generics.get_object_or_404(Cycle.objects.select_related("instansi"), pk=pk)
        if "hr_admin" not in profile_of(request.user).holds_in(cycle.instansi.path):
            raise ActionForbidden(CYCLE_NOT_HR)  # who may, before what was sent
        body = self.serializer_class(data=request.data)
        body.is_valid(raise_exception=True)
        cycle = type(self).service(cycle=cycle, actor=request.user, **body.validated_data)
        return Response(CycleSerializer(cycle).data)


class CycleCloseView(_CycleStatusView):
    service = staticmethod(cycle_close)

    @extend_schema(
        request=CycleStatusIn,
        responses={200: CycleSerializer},
        summary="Close the cycle (HR): nothing in it moves until it is reopened",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class CycleReopenView(_CycleStatusView):
    serializer_class = CycleReopenIn
    service = staticmethod(cycle_reopen)

    @extend_schema(
        request=CycleReopenIn,
        responses={200: CycleSerializer},
        summary="Reopen a closed cycle (HR), with a reason, audited",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class BulkJobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = BulkJob
        fields = [
            "id",
            "kind",
            "cycle",
            "status",
            "total",
            "done",
            "percent",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class CycleListView(generics.ListCreateAPIView):
    serializer_class = CycleSerializer
    queryset = Cycle.objects.select_related("instansi").order_by("-year", "id")

    def create(self, request, *args, **kwargs):
        # The instansi is in the body; who holds no HR scope at all is refused before it is read.
        hr_admin_anywhere_check(user=request.user, refusal=ONLY_HR_CREATE)
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = cycle_create(actor=self.request.user, **serializer.validated_data)


class CycleDetailView(generics.RetrieveAPIView):
    serializer_class = CycleSerializer
    queryset = Cycle.objects.all()


class CycleOpenView(APIView):
    @extend_schema(
        request=None,
        responses={202: BulkJobSerializer},
        summary="Open the cycle: a draft appraisal for every active employee",
    )
    def post(self, request, pk: int):
        cycle = generics.get_object_or_404(Cycle.objects.select_related("instansi"), pk=pk)
        job = cycle_open_job_start(cycle=cycle, actor=request.user)
        job.refresh_from_db()
        return Response(BulkJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class BulkJobView(APIView):
    @extend_schema(responses=BulkJobSerializer, summary="Progress of a bulk job")
    def get(self, request, pk: int):
        job = bulk_job_get_visible(user=request.user, pk=pk)
        return Response(BulkJobSerializer(job).data)
