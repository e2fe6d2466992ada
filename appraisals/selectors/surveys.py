"""Reading public satisfaction survey results."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Appraisal, SurveyResult
from ..models.organisation import path_ids


def survey_results_for_appraisal(*, appraisal: Appraisal) -> QuerySet[SurveyResult]:
    """Results of the appraisal's unit and the units above it, in the appraisal's cycle."""
    ids = path_ids(appraisal.unit.path)
    return (
        SurveyResult.objects.filter(cycle_id=appraisal.cycle_id, unit_id__in=ids)
        .select_related("unit")
        .order_by("unit__path", "service", "period", "id")
    )
