"""Periodic evaluations (evaluasi kinerja periodik): the appraiser rates an ended period."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from workflow.api.fields import TextField
from workflow.api.objects import expected_version
from workflow.errors import NotFound
from workflow.text import Text

from ..models import Appraisal, PeriodicEvaluation
from ..predicate import Predicate, Rating
from ..selectors import appraisal_get_for, appraisal_get_visible
from ..selectors.periods import period_count, period_ends_at
from ..services import periodic as service
from .checkins import _PERSON, PeriodField, _person

EVALUATION_NOT_FOUND = Text(
    id="Evaluasi kinerja periodik tidak ditemukan.", en="Periodic evaluation not found."
)


class PeriodicEvaluationInSerializer(serializers.Serializer):
    period = PeriodField(
        min_value=1,
        help_text="1-12 (monthly cycle) or 1-4 (quarterly); 400 period_out_of_range beyond the "
        "cycle's periods, 400 period_not_ended before the period's end (local end of its last day)",
    )
    result_rating = serializers.ChoiceField(choices=Rating.choices)
    behaviour_rating = serializers.ChoiceField(choices=Rating.choices)
    feedback = TextField(required=False, allow_blank=True, max_length=20000, default="")


class PeriodicEvaluationSerializer(serializers.ModelSerializer):
    predicate = serializers.ChoiceField(choices=Predicate.choices)
    predicate_label = serializers.CharField(source="get_predicate_display")
    rated_by = serializers.SerializerMethodField()
    period_ends_at = serializers.SerializerMethodField()
    check_in_feedback = serializers.SerializerMethodField()

    class Meta:
        model = PeriodicEvaluation
        fields = [
            "period",
            "period_ends_at",
            "result_rating",
            "behaviour_rating",
            "predicate",
            "predicate_label",
            "feedback",
            "check_in_feedback",
            "rated_by",
            "rated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(_PERSON)
    def get_rated_by(self, evaluation: PeriodicEvaluation) -> dict | None:
        return _person(evaluation.rated_by)

    @extend_schema_field({"type": "string", "format": "date-time"})
    def get_period_ends_at(self, evaluation: PeriodicEvaluation) -> str:
        return period_ends_at(evaluation.appraisal.cycle, evaluation.period).isoformat()

    @extend_schema_field({"type": "string"})
    def get_check_in_feedback(self, evaluation: PeriodicEvaluation) -> str:
        """The appraiser's feedback on the same period's check-in, if any."""
        feedback = self.context.get("check_in_feedback")
        if feedback is None:
            feedback = dict(evaluation.appraisal.check_ins.values_list("period", "feedback"))
        return feedback.get(evaluation.period, "")


def _evaluations(appraisal: Appraisal):
    return appraisal.periodic_evaluations.select_related("rated_by", "appraisal__cycle")


def _context(appraisal: Appraisal) -> dict:
    return {"check_in_feedback": dict(appraisal.check_ins.values_list("period", "feedback"))}


def _evaluation_data(appraisal: Appraisal, period: int) -> dict:
    if not 1 <= period <= period_count(appraisal.cycle):
        raise NotFound(EVALUATION_NOT_FOUND)
    evaluation = _evaluations(appraisal).filter(period=period).first()
    if evaluation is None:
        raise NotFound(EVALUATION_NOT_FOUND)
    return PeriodicEvaluationSerializer(evaluation, context=_context(appraisal)).data


class PeriodicEvaluationListView(APIView):
    @extend_schema(
        responses=PeriodicEvaluationSerializer(many=True),
        summary="The appraisal's periodic evaluations (at most one per period)",
    )
    def get(self, request, pk: int):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        return Response(
            PeriodicEvaluationSerializer(
                _evaluations(appraisal), many=True, context=_context(appraisal)
            ).data
        )

    @extend_schema(
        request=PeriodicEvaluationInSerializer,
        responses={201: PeriodicEvaluationSerializer, 200: PeriodicEvaluationSerializer},
        summary="Rate an ended period (appraiser; in progress or self-assessed); again to re-rate",
        description="The predicate follows from the two ratings by the regulation's matrix. "
        "A period is rated only after it has ended: from the day after its last day "
        "(400 period_not_ended before). 201 when the period is new, 200 when re-rated.",
    )
    def post(self, request, pk: int):
        appraisal = appraisal_get_for(
            user=request.user, pk=pk, role="appraiser", refusal=service.ONLY_APPRAISER
        )
        data = PeriodicEvaluationInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        evaluation, created = service.periodic_evaluation_rate(
            appraisal=appraisal,
            actor=request.user,
            period=values["period"],
            result_rating=values["result_rating"],
            behaviour_rating=values["behaviour_rating"],
            feedback=values["feedback"],
            expected_version=expected_version(request),
        )
        return Response(
            _evaluation_data(appraisal, evaluation.period),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class PeriodicEvaluationDetailView(APIView):
    @extend_schema(responses=PeriodicEvaluationSerializer, summary="One period's evaluation")
    def get(self, request, pk: int, period: int):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        return Response(_evaluation_data(appraisal, period))
