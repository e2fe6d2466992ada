from django.urls import path

from . import evidence, views

urlpatterns = [
    path("events/", views.AuditEventListView.as_view(), name="audit-events"),
    path("verify/", views.AuditVerifyView.as_view(), name="audit-verify"),
    path("checkpoints/", views.CheckpointListView.as_view(), name="audit-checkpoints"),
    path(
        "checkpoints/export/",
        views.CheckpointExportView.as_view(),
        name="audit-checkpoints-export",
    ),
    path("reads/", views.ReadAccessListView.as_view(), name="audit-reads"),
    path("bundle/", evidence.EvidenceBundleView.as_view(), name="audit-bundle"),
]
