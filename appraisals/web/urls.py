from django.contrib.auth.decorators import login_required
from django.urls import path, re_path

from workflow.web.views import pages_of

from ..lifecycle import APPRAISAL_WORKFLOW
from . import auth, documents, feedback, hr, hr_import, inspect, plan, views

app_name = "web"
_pages = pages_of(APPRAISAL_WORKFLOW)
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("profile/", auth.profile, name="profile"),
    path("appraisals/", views.appraisal_list, name="appraisals"),
    path("appraisals/approve/", views.bulk_approve, name="bulk-approve"),
    # The appraisal's page and its transition forms are mounted from the lifecycle table
    # (workflow.web.urls, ahead of these, serves them); their names here stay for templates.
    path("appraisals/<int:pk>/", login_required(_pages.object_page), name="appraisal"),
    path(
        "appraisals/<int:pk>/do/<str:name>/",
        login_required(_pages.transition_page),
        name="transition",
    ),
    path("appraisals/<int:pk>/plan/", plan.plan_editor, name="plan"),
    re_path(
        r"^appraisals/(?P<pk>[0-9]+)/documents/(?P<kind>skp|evaluation)\.pdf$",
        documents.document_pdf,
        name="document",
    ),
    # Public (no sign-in): checks a document Kinerja issued, by its code or its bytes.
    path("verifikasi/", documents.verify, name="verify"),
    path("appraisals/<int:pk>/expectations/", plan.expectations, name="expectations"),
    path("appraisals/<int:pk>/check-ins/", plan.check_ins, name="check-ins"),
    path("peer-feedback/", feedback.requests, name="peer-feedback"),
    # Inspector (audit)
    path("inspect/", inspect.search, name="inspect"),
    path("inspect/reads/", inspect.reads, name="inspect-reads"),
    path("inspect/appraisals/<int:pk>/", inspect.timeline, name="inspect-appraisal"),
    # HR administrator
    path("hr/cycles/", hr.cycles, name="hr-cycles"),
    path("hr/cycles/<int:pk>/open/", hr.cycle_open, name="hr-cycle-open"),
    path("hr/jobs/<int:pk>/", hr.job, name="hr-job"),
    path("hr/units/", hr.dashboards, name="hr-units"),
    path("hr/units/<int:pk>/", hr.unit_dashboard, name="hr-unit"),
    path("hr/import/", hr_import.organisation_import, name="hr-import"),
    path("lifecycle/", hr.lifecycle, name="lifecycle"),
]
