"""Cycles and the bulk job that opens them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import BulkJob, Cycle
from ..selectors import bulk_job_get_visible, hr_admin_anywhere_check
from ..services.cycles import ONLY_HR_CREATE, cycle_create
from ..services.jobs import cycle_open_job_start


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
            "annual_rule",
            "appeal_window_days",
            "appeal_decision_days",
        ]
        read_only_fields = ["id", "status"]

    def validate(self, attrs):
        if attrs["ends_on"] <= attrs["starts_on"]:
            raise serializers.ValidationError(
                {"ends_on": "Harus setelah tanggal mulai / must be after starts_on"}
            )
        return attrs


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
