"""The SKP's behaviour expectations, annexes, and the cascade's coverage."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflow.api.objects import expected_version

from ..models import BehaviourValue, PlanAnnex, PlanItem
from ..selectors import appraisal_get_for, appraisal_get_visible
from ..services.content import (
    ONLY_EMPLOYEE,
    behaviour_expectations_set,
    expectations_write_authorise,
    plan_annex_set,
)


class ExpectationSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=BehaviourValue.choices)
    label = serializers.CharField(read_only=True)
    expectation = serializers.CharField(allow_blank=True, max_length=5000)


class ExpectationsIn(serializers.Serializer):
    expectations = ExpectationSerializer(many=True)


class AnnexSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanAnnex
        fields = ["resources", "accountability", "consequences"]
        extra_kwargs = {f: {"required": False, "max_length": 20000} for f in fields}


class CoverageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    result = serializers.CharField()
    supported_by = serializers.ListField(child=serializers.DictField())


def _expectations(appraisal) -> list[dict]:
    have = {e.value: e.expectation for e in appraisal.behaviour_expectations.all()}
    return [
        {"value": value, "label": label, "expectation": have.get(value, "")}
        for value, label in BehaviourValue.choices
    ]


class BehaviourExpectationsView(APIView):
    @extend_schema(
        responses=ExpectationSerializer(many=True),
        summary="The seven BerAKHLAK values and the appraiser's expectations",
    )
    def get(self, request, pk: int):
        return Response(_expectations(appraisal_get_visible(user=request.user, pk=pk)))

    @extend_schema(
        request=ExpectationsIn,
        responses=ExpectationSerializer(many=True),
        summary="Set expectations (appraiser, before the plan is agreed)",
    )
    def put(self, request, pk: int):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        expectations_write_authorise(appraisal=appraisal, actor=request.user)
        data = ExpectationsIn(data=request.data)
        data.is_valid(raise_exception=True)
        behaviour_expectations_set(
            appraisal=appraisal,
            actor=request.user,
            expectations={
                e["value"]: e["expectation"] for e in data.validated_data["expectations"]
            },
            expected_version=expected_version(request),
        )
        return Response(_expectations(appraisal))


class PlanAnnexView(APIView):
    @extend_schema(responses=AnnexSerializer, summary="The plan's annexes (lampiran SKP)")
    def get(self, request, pk: int):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        annex = PlanAnnex.objects.filter(appraisal=appraisal).first() or PlanAnnex()
        return Response(AnnexSerializer(annex).data)

    @extend_schema(
        request=AnnexSerializer,
        responses=AnnexSerializer,
        summary="Write the annexes (employee, draft only)",
    )
    def put(self, request, pk: int):
        appraisal = appraisal_get_for(
            user=request.user, pk=pk, role="employee", refusal=ONLY_EMPLOYEE
        )
        data = AnnexSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        annex = plan_annex_set(
            appraisal=appraisal,
            actor=request.user,
            data=dict(data.validated_data),
            expected_version=expected_version(request),
        )
        return Response(AnnexSerializer(annex).data)


class CoverageView(APIView):
    @extend_schema(
        responses=CoverageSerializer(many=True),
        summary="Which subordinates' result items support each item of this plan",
    )
    def get(self, request, pk: int):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        items = PlanItem.objects.filter(appraisal=appraisal).prefetch_related(
            "supporting_items__appraisal__employee"
        )
        return Response(
            [
                {
                    "id": item.pk,
                    "result": item.result,
                    "supported_by": [
                        {
                            "item": child.pk,
                            "result": child.result,
                            "appraisal": child.appraisal_id,
                            "employee": {
                                "id": child.appraisal.employee_id,
                                "name": child.appraisal.employee.name,
                            },
                        }
                        for child in item.supporting_items.all()
                    ],
                }
                for item in items
            ]
        )
