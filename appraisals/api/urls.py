from django.urls import include, path

from ..models import IssuedDocument
from . import (
    acting,
    calendar,
    calibration,
    content,
    cycles,
    decisions,
    directory,
    documents,
    organisation,
    periodic,
    recaps,
    signatures,
    talent,
    views,
)

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("appraisals/", views.AppraisalListView.as_view(), name="appraisal-list"),
    path("appraisals/<int:pk>/", views.AppraisalDetailView.as_view(), name="appraisal-detail"),
    # transitions/<name>/ and history/: workflow.api.urls, from the lifecycle table.
    path(
        "appraisals/<int:pk>/plan-items/", views.PlanItemListView.as_view(), name="plan-item-list"
    ),
    path(
        "appraisals/<int:pk>/plan-items/<int:item>/",
        views.PlanItemDetailView.as_view(),
        name="plan-item-detail",
    ),
    path(
        "units/<int:pk>/calibration/",
        calibration.CalibrationView.as_view(),
        name="unit-calibration",
    ),
    path(
        "units/<int:pk>/predicate/", calibration.UnitPredicateView.as_view(), name="unit-predicate"
    ),
    path(
        "units/<int:pk>/curve-override/",
        calibration.CurveOverrideView.as_view(),
        name="unit-curve-override",
    ),
    path(
        "units/<int:pk>/curve-flags/",
        calibration.CurveFlagListView.as_view(),
        name="unit-curve-flags",
    ),
    path(
        "units/<int:pk>/curve-flags/<int:flag>/acknowledge/",
        calibration.CurveFlagAcknowledgeView.as_view(),
        name="unit-curve-flag-acknowledge",
    ),
    path(
        "employees/<int:pk>/supervisor/",
        organisation.SupervisorChangeView.as_view(),
        name="employee-supervisor",
    ),
    path(
        "employees/<int:pk>/transfer/",
        organisation.TransferView.as_view(),
        name="employee-transfer",
    ),
    path("employees/<int:pk>/leave/", organisation.LeaveView.as_view(), name="employee-leave"),
    path("cycles/", cycles.CycleListView.as_view(), name="cycle-list"),
    path("cycles/<int:pk>/", cycles.CycleDetailView.as_view(), name="cycle-detail"),
    path("cycles/<int:pk>/open/", cycles.CycleOpenView.as_view(), name="cycle-open"),
    path(
        "cycles/<int:pk>/phase-deadlines/",
        cycles.CyclePhaseDeadlinesView.as_view(),
        name="cycle-phase-deadlines",
    ),
    path("jobs/<int:pk>/file/", recaps.BulkJobFileView.as_view(), name="job-file"),
    path("units/<int:pk>/recap/xlsx/", recaps.RecapXlsxView.as_view(), name="unit-recap-xlsx"),
    path("units/<int:pk>/recap/csv/", recaps.RecapCsvView.as_view(), name="unit-recap-csv"),
    # The talent pool (issue #18): HR and the panel of the unit's subtree.
    path("units/<int:pk>/talent-pool/", talent.TalentPoolView.as_view(), name="unit-talent-pool"),
    path(
        "units/<int:pk>/talent-pool/xlsx/",
        talent.TalentPoolXlsxView.as_view(),
        name="unit-talent-pool-xlsx",
    ),
    path(
        "units/<int:pk>/talent-pool/csv/",
        talent.TalentPoolCsvView.as_view(),
        name="unit-talent-pool-csv",
    ),
    path("cycles/<int:pk>/close/", cycles.CycleCloseView.as_view(), name="cycle-close"),
    path("cycles/<int:pk>/reopen/", cycles.CycleReopenView.as_view(), name="cycle-reopen"),
    path("jobs/<int:pk>/", cycles.BulkJobView.as_view(), name="job-detail"),
    path("agency-days/", calendar.AgencyDayListView.as_view(), name="agency-day-list"),
    path("agency-days/<int:pk>/", calendar.AgencyDayDetailView.as_view(), name="agency-day-detail"),
    path("units/<int:pk>/time-zone/", calendar.UnitTimeZoneView.as_view(), name="unit-time-zone"),
    path(
        "appraisals/<int:pk>/behaviour-expectations/",
        content.BehaviourExpectationsView.as_view(),
        name="behaviour-expectations",
    ),
    path("appraisals/<int:pk>/annex/", content.PlanAnnexView.as_view(), name="plan-annex"),
    path("appraisals/<int:pk>/coverage/", content.CoverageView.as_view(), name="plan-coverage"),
    path(
        "appraisals/<int:pk>/signatures/<str:kind>/",
        signatures.DocumentSignView.as_view(),
        name="document-sign",
    ),
    path(
        "appraisals/<int:pk>/periodic-evaluations/",
        periodic.PeriodicEvaluationListView.as_view(),
        name="periodic-evaluation-list",
    ),
    path(
        "appraisals/<int:pk>/periodic-evaluations/<int:period>/",
        periodic.PeriodicEvaluationDetailView.as_view(),
        name="periodic-evaluation-detail",
    ),
    path("units/", directory.UnitListView.as_view(), name="unit-list"),
    path("units/<int:pk>/", directory.UnitDetailView.as_view(), name="unit-detail"),
    path("positions/", directory.PositionListView.as_view(), name="position-list"),
    path("employees/", directory.EmployeeListView.as_view(), name="employee-list"),
    path("employees/<int:pk>/", directory.EmployeeDetailView.as_view(), name="employee-detail"),
    path("acting-assignments/", acting.ActingListView.as_view(), name="acting-list"),
    path("acting-assignments/<int:pk>/", acting.ActingDetailView.as_view(), name="acting-detail"),
    path("acting-assignments/<int:pk>/end/", acting.ActingEndView.as_view(), name="acting-end"),
    path("appraisals/<int:pk>/handovers/", acting.HandoverListView.as_view(), name="handover-list"),
    path(
        "appraisals/<int:pk>/decisions/",
        decisions.DecisionListView.as_view(),
        name="decision-list",
    ),
    path(
        "appraisals/<int:pk>/handover-note/",
        acting.HandoverNoteView.as_view(),
        name="handover-note",
    ),
    path(
        "appraisals/<int:pk>/documents/skp/",
        documents.AppraisalDocumentView.as_view(kind=IssuedDocument.Kind.SKP),
        name="appraisal-document-skp",
    ),
    path(
        "appraisals/<int:pk>/documents/evaluation/",
        documents.AppraisalDocumentView.as_view(kind=IssuedDocument.Kind.EVALUATION),
        name="appraisal-document-evaluation",
    ),
    path(
        "appraisals/<int:pk>/documents/evaluation/<int:period>/",
        documents.AppraisalPeriodicDocumentView.as_view(),
        name="appraisal-document-evaluation-period",
    ),
    path("documents/verify/", documents.DocumentVerifyView.as_view(), name="document-verify"),
    path("", include("appraisals.api.urls_feedback")),
]
