"""Routes for check-ins, evidence, peer feedback and survey results."""

from django.urls import path

from . import checkins, feedback

_CHECK_IN = "appraisals/<int:pk>/check-ins/<int:period>/"

urlpatterns: list = [
    path(
        "appraisals/<int:pk>/check-ins/", checkins.CheckInListView.as_view(), name="check-in-list"
    ),
    path(_CHECK_IN, checkins.CheckInDetailView.as_view(), name="check-in-detail"),
    path(f"{_CHECK_IN}feedback/", checkins.CheckInFeedbackView.as_view(), name="check-in-feedback"),
    path(f"{_CHECK_IN}evidence/", checkins.EvidenceListView.as_view(), name="evidence-list"),
    path(
        f"{_CHECK_IN}evidence/<int:evidence>/file/",
        checkins.EvidenceFileView.as_view(),
        name="evidence-file",
    ),
    path(
        "appraisals/<int:pk>/self-assessment-draft/",
        checkins.SelfAssessmentDraftView.as_view(),
        name="self-assessment-draft",
    ),
    path(
        "appraisals/<int:pk>/peer-feedback/",
        feedback.PeerFeedbackView.as_view(),
        name="peer-feedback",
    ),
    path(
        "peer-feedback/requests/",
        feedback.PeerFeedbackRequestListView.as_view(),
        name="peer-feedback-requests",
    ),
    path(
        "peer-feedback/requests/<int:request_id>/",
        feedback.PeerFeedbackSubmitView.as_view(),
        name="peer-feedback-submit",
    ),
    path("surveys/import/", feedback.SurveyImportView.as_view(), name="survey-import"),
    path(
        "appraisals/<int:pk>/surveys/",
        feedback.AppraisalSurveyListView.as_view(),
        name="appraisal-surveys",
    ),
]
