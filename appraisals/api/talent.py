"""The talent pool of a unit (issue #18 part 4): a page of records and the whole as a file.

HR and the panel over the unit's subtree read it (the panel proposes a follow-up from
it, on the latest appraisal each record names); a unit outside the caller's sight is
404, one only seen in the directory 403 (as the calibration and the recaps).
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from ..selectors.talent import talent_pool_of, talent_records, talent_unit_get_visible
from ..services.talent import FORMATS, talent_export, talent_filename, talent_read_record
from .pagination import Pagination


class TalentPredicateSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    predicate = serializers.ChoiceField(
        choices=["sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang"]
    )
    appraisal = serializers.IntegerField(help_text="The appraisal that gave it")


class TalentUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class TalentPositionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TalentRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The employee's id")
    nip = serializers.CharField()
    name = serializers.CharField()
    unit = TalentUnitSerializer()
    position = TalentPositionSerializer(allow_null=True)
    grade = serializers.CharField(help_text="Pangkat/golongan")
    predicates = TalentPredicateSerializer(many=True, help_text="Final predicates, newest first")
    latest_appraisal = serializers.IntegerField(
        allow_null=True,
        help_text="The latest final appraisal: the panel proposes a follow-up on it "
        "(POST /api/appraisals/{id}/transitions/propose_decision/)",
    )


class TalentPoolView(APIView):
    pagination_class = Pagination

    @extend_schema(
        responses=TalentRecordSerializer(many=True),
        summary="The unit's talent pool: employees whose latest annual predicates meet the rule",
        description="The rule (appraisals/talent.py): the latest KINERJA_TALENT_POOL_YEARS "
        "(default 2) consecutive final annual predicates all in "
        "KINERJA_TALENT_POOL_PREDICATES (default sangat_baik). HR and the panel of the "
        "unit's subtree.",
    )
    def get(self, request, pk: int):
        unit = talent_unit_get_visible(user=request.user, pk=pk)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(talent_pool_of(unit=unit), request, view=self)
        talent_read_record(reader=request.user, unit=unit, purpose="unit.talent_pool")
        data = TalentRecordSerializer(talent_records(employees=page), many=True).data
        return paginator.get_paginated_response(data)


class _TalentFileView(APIView):
    fmt = ""

    def perform_content_negotiation(self, request, force=False):
        # A download may be asked for with any Accept header; errors stay JSON.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request, pk: int):
        unit = talent_unit_get_visible(user=request.user, pk=pk)
        body = talent_export(unit=unit, fmt=self.fmt, reader=request.user)
        response = HttpResponse(body, content_type=FORMATS[self.fmt])
        name = talent_filename(unit=unit, fmt=self.fmt)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class TalentPoolXlsxView(_TalentFileView):
    fmt = "xlsx"

    @extend_schema(
        responses={
            (200, FORMATS["xlsx"]): OpenApiResponse(
                OpenApiTypes.BINARY, description="Sheet 'Kelompok Talenta': a row per employee"
            )
        },
        summary="The unit's talent pool as a spreadsheet (XLSX)",
    )
    def get(self, request, pk: int):
        return super().get(request, pk)


class TalentPoolCsvView(_TalentFileView):
    fmt = "csv"

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.BINARY, description="A row per employee; ';' separated, UTF-8"
            )
        },
        summary="The unit's talent pool as CSV",
    )
    def get(self, request, pk: int):
        return super().get(request, pk)
