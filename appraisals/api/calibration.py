"""Calibration endpoints: a unit's curve, its organisation predicate, overrides, and the
flags raised when a final appeal decision broke the curve (with their acknowledgement)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from workflow.api.filters import ID_SCHEMA, MAX_ID, query_id, required_query
from workflow.errors import NotFound
from workflow.text import Text

from ..curve import OrganisationPredicate
from ..models import CurveFlag, Cycle, Unit
from ..selectors import unit_get_for
from ..selectors.calibration import (
    curve_flag_get_of,
    curve_flag_list,
    curve_report,
    unit_get_visible,
)
from ..services.calibration import (
    ONLY_AUTHORITY,
    curve_flag_acknowledge,
    curve_override_record,
    unit_predicate_set,
)

CYCLE_NOT_FOUND = Text(id="Siklus penilaian tidak ditemukan.", en="Cycle not found.")


def unit_get_for_authority(*, user, pk) -> Unit:
    """Refused before the body is read; the service checks the authority again."""
    return unit_get_for(user=user, pk=pk, roles={"authority"}, refusal=ONLY_AUTHORITY)


def _cycle(pk: int) -> Cycle:
    try:
        return Cycle.objects.get(pk=pk)
    except Cycle.DoesNotExist:
        raise NotFound(CYCLE_NOT_FOUND) from None


class _CycleField(serializers.Serializer):
    cycle = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class UnitPredicateIn(_CycleField):
    predicate = serializers.ChoiceField(choices=OrganisationPredicate.CHOICES)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class CurveOverrideIn(_CycleField):
    reason = serializers.CharField(max_length=10000)


_RuleOut = inline_serializer(
    "CurveRule",
    {
        "rule": serializers.DictField(child=serializers.CharField()),
        "predicates": serializers.ListField(child=serializers.CharField()),
        "kind": serializers.CharField(),
        "count": serializers.IntegerField(),
        "min": serializers.IntegerField(),
        "max": serializers.IntegerField(),
        "met": serializers.BooleanField(),
        "achievable": serializers.BooleanField(),
    },
    many=True,
)
_ReportOut = inline_serializer(
    "CurveReport",
    {
        "organisation_predicate": serializers.CharField(allow_null=True),
        "size": serializers.IntegerField(),
        "counts": serializers.DictField(child=serializers.IntegerField()),
        "unrated": serializers.IntegerField(),
        "advisory": serializers.BooleanField(),
        "ok": serializers.BooleanField(),
        "rules": _RuleOut,
    },
)


class CalibrationView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("cycle", ID_SCHEMA, required=True)],
        responses=_ReportOut,
        summary="The unit's predicate distribution against its allowed curve",
    )
    def get(self, request, pk: int):
        unit = unit_get_visible(user=request.user, pk=pk)
        cycle = _cycle(query_id(request, "cycle") or required_query("cycle"))
        return Response(curve_report(unit=unit, cycle=cycle).as_dict())


class UnitPredicateView(APIView):
    @extend_schema(
        request=UnitPredicateIn,
        responses={200: _ReportOut},
        summary="Set the organisation predicate of a unit for a cycle (authority)",
    )
    def post(self, request, pk: int):
        unit = unit_get_for_authority(user=request.user, pk=pk)
        data = UnitPredicateIn(data=request.data)
        data.is_valid(raise_exception=True)
        cycle = _cycle(data.validated_data["cycle"])
        unit_predicate_set(
            unit=unit,
            cycle=cycle,
            actor=request.user,
            predicate=data.validated_data["predicate"],
            reason=data.validated_data.get("reason", ""),
        )
        return Response(curve_report(unit=unit, cycle=cycle).as_dict())


class CurveOverrideView(APIView):
    @extend_schema(
        request=CurveOverrideIn,
        responses={201: _ReportOut},
        summary="Record an override of the curve, with a reason (authority)",
    )
    def post(self, request, pk: int):
        unit = unit_get_for_authority(user=request.user, pk=pk)
        data = CurveOverrideIn(data=request.data)
        data.is_valid(raise_exception=True)
        cycle = _cycle(data.validated_data["cycle"])
        curve_override_record(
            unit=unit, cycle=cycle, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(
            curve_report(unit=unit, cycle=cycle).as_dict(), status=status.HTTP_201_CREATED
        )


class CurveFlagAcknowledgeIn(serializers.Serializer):
    reason = serializers.CharField(max_length=10000)


class CurveFlagSerializer(serializers.ModelSerializer):
    """A final appeal decision whose revised predicate broke the unit's curve."""

    acknowledged = serializers.BooleanField(read_only=True)
    acknowledged_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    curve = _ReportOut

    class Meta:
        model = CurveFlag
        fields = [
            "id",
            "appraisal",
            "unit",
            "cycle",
            "predicate_before",
            "predicate_after",
            "curve",
            "raised_at",
            "acknowledged",
            "acknowledged_by",
            "acknowledged_at",
            "acknowledgement_reason",
        ]
        read_only_fields = fields


class CurveFlagListView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("cycle", ID_SCHEMA, required=True)],
        responses=CurveFlagSerializer(many=True),
        summary="Appeal decisions that broke the unit's curve, acknowledged or not",
    )
    def get(self, request, pk: int):
        unit = unit_get_visible(user=request.user, pk=pk)
        cycle = _cycle(query_id(request, "cycle") or required_query("cycle"))
        return Response(
            CurveFlagSerializer(curve_flag_list(unit=unit, cycle=cycle), many=True).data
        )


class CurveFlagAcknowledgeView(APIView):
    @extend_schema(
        request=CurveFlagAcknowledgeIn,
        responses={200: CurveFlagSerializer},
        summary="Acknowledge, with a reason, an appeal decision that broke the curve (authority)",
        description=(
            "An appeal decision is final (PP 30/2019 Pasal 59 ayat 4): the curve never refuses "
            "it, the authority acknowledges it. A flag already acknowledged answers 409."
        ),
    )
    def post(self, request, pk: int, flag: int):
        unit = unit_get_for_authority(user=request.user, pk=pk)
        found = curve_flag_get_of(unit=unit, pk=flag)
        data = CurveFlagAcknowledgeIn(data=request.data)
        data.is_valid(raise_exception=True)
        done = curve_flag_acknowledge(
            flag=found, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(CurveFlagSerializer(done).data)
