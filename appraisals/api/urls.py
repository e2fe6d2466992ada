from django.urls import path

from . import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("appraisals/", views.AppraisalListView.as_view(), name="appraisal-list"),
    path("appraisals/<int:pk>/", views.AppraisalDetailView.as_view(), name="appraisal-detail"),
    path(
        "appraisals/<int:pk>/transitions/<str:name>/",
        views.TransitionView.as_view(),
        name="appraisal-transition",
    ),
    path("appraisals/<int:pk>/history/", views.HistoryView.as_view(), name="appraisal-history"),
    path(
        "appraisals/<int:pk>/plan-items/", views.PlanItemListView.as_view(), name="plan-item-list"
    ),
    path(
        "appraisals/<int:pk>/plan-items/<int:item>/",
        views.PlanItemDetailView.as_view(),
        name="plan-item-detail",
    ),
]
