"""Periodic evaluation (evaluasi kinerja periodik): the appraiser rates an ended period,
the employee reads each period's rating, predicate and feedback, and downloads the
period's Dokumen Evaluasi Kinerja (issued when the period was rated).

Validated by the API's serializer and written by the same service, so the page accepts
exactly what the API accepts.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from workflow.errors import WorkflowError
from workflow.web.errors import PageErrors, posted_version

from ..api.periodic import PeriodicEvaluationInSerializer
from ..models import Appraisal
from ..policies import appraisal_roles
from ..predicate import Rating
from ..selectors.documents import document_periodic_current_of
from ..selectors.periods import periodic_evaluation_list_of, periods_of
from ..services.periodic import RATING_STATES, periodic_evaluation_rate
from .views import _predicate_matrix, opened, visible_or_404


def periodic_rows(appraisal: Appraisal) -> list[dict]:
    """Each period of the cycle with its dates, whether it ended, its evaluation and the
    appraiser's check-in feedback of that period."""
    evaluations = {e.period: e for e in periodic_evaluation_list_of(appraisal=appraisal)}
    check_in_feedback = dict(appraisal.check_ins.values_list("period", "feedback"))
    documents = document_periodic_current_of(appraisal=appraisal)
    return [
        {
            **row,
            "evaluation": evaluations.get(row["period"]),
            "check_in_feedback": check_in_feedback.get(row["period"], ""),
            "document": documents.get(row["period"]),
        }
        for row in periods_of(appraisal.cycle)
    ]


@login_required
def periodic(request, pk: int):
    appraisal = visible_or_404(request.user, pk)
    errors = PageErrors()
    may_rate = (
        "appraiser" in appraisal_roles(appraisal, request.user) and appraisal.state in RATING_STATES
    )
    if request.method == "POST":
        try:
            errors = _rate(request, appraisal)
            if not errors:
                messages.success(request, _("Periodic evaluation saved."))
                return redirect("web:periodic", pk=appraisal.pk)
        except WorkflowError as error:
            errors = PageErrors.of(error)
        appraisal.refresh_from_db()
    opened(request, appraisal, "web.periodic")
    rows = periodic_rows(appraisal)
    return render(
        request,
        "web/periodic.html",
        {
            "a": appraisal,
            "rows": rows,
            "ended": [r["period"] for r in rows if r["ended"]],
            "ratings": Rating.choices,
            "may_rate": may_rate,
            "matrix": _predicate_matrix() if may_rate else None,
            "errors": errors,
            "posted": request.POST if request.method == "POST" else {},
        },
        status=errors.status if errors else 200,
    )


def _rate(request, appraisal: Appraisal) -> PageErrors:
    form = PeriodicEvaluationInSerializer(
        data={
            "period": request.POST.get("period", ""),
            "result_rating": request.POST.get("result_rating", ""),
            "behaviour_rating": request.POST.get("behaviour_rating", ""),
            "feedback": request.POST.get("feedback", ""),
        }
    )
    if not form.is_valid():
        return PageErrors.invalid(form.errors)
    data = form.validated_data
    periodic_evaluation_rate(
        appraisal=appraisal,
        actor=request.user,
        period=data["period"],
        result_rating=data["result_rating"],
        behaviour_rating=data["behaviour_rating"],
        feedback=data["feedback"],
        expected_version=posted_version(request.POST.get("version")),
    )
    return PageErrors()
