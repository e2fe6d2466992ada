from django.urls import include, path

from ..models import IssuedDocument
from . import calibration, content, cycles, directory, documents, organisation, views

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
    path("jobs/<int:pk>/", cycles.BulkJobView.as_view(), name="job-detail"),
    path(
        "appraisals/<int:pk>/behaviour-expectations/",
        content.BehaviourExpectationsView.as_view(),
        name="behaviour-expectations",
    ),
    path("appraisals/<int:pk>/annex/", content.PlanAnnexView.as_view(), name="plan-annex"),
    path("appraisals/<int:pk>/coverage/", content.CoverageView.as_view(), name="plan-coverage"),
    path("units/", directory.UnitListView.as_view(), name="unit-list"),
    path("units/<int:pk>/", directory.UnitDetailView.as_view(), name="unit-detail"),
    path("positions/", directory.PositionListView.as_view(), name="position-list"),
    path("employees/", directory.EmployeeListView.as_view(), name="employee-list"),
    path("employees/<int:pk>/", directory.EmployeeDetailView.as_view(), name="employee-detail"),
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
    path("documents/verify/", documents.DocumentVerifyView.as_view(), name="document-verify"),
    path("", include("appraisals.api.urls_feedback")),
]
