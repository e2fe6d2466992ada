from django.contrib.auth.decorators import login_required
from django.urls import path, re_path

from workflow.web.views import pages_of

from ..lifecycle import APPRAISAL_WORKFLOW
from . import (
    auth,
    documents,
    feedback,
    files,
    handover,
    hr,
    hr_acting,
    hr_calendar,
    hr_import,
    inspect,
    periodic,
    plan,
    recaps,
    signing,
    talent,
    views,
)

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
    re_path(
        r"^appraisals/(?P<pk>[0-9]+)/documents/(?P<kind>skp|evaluation)-ttd\.pdf$",
        signing.document_signed_pdf,
        name="document-signed",
    ),
    re_path(
        r"^appraisals/(?P<pk>[0-9]+)/documents/(?P<kind>skp|evaluation|appeal_decision)/sign/$",
        signing.document_sign_page,
        name="document-sign",
    ),
    path(
        "appraisals/<int:pk>/documents/evaluation/<int:period>.pdf",
        documents.document_period_pdf,
        name="document-period",
    ),
    # Public (no sign-in): checks a document Kinerja issued, by its code or its bytes.
    path("verifikasi/", documents.verify, name="verify"),
    path("appraisals/<int:pk>/expectations/", plan.expectations, name="expectations"),
    path("appraisals/<int:pk>/check-ins/", plan.check_ins, name="check-ins"),
    path(
        "appraisals/<int:pk>/evidence/<int:evidence>/",
        files.evidence_file,
        name="evidence-file",
    ),
    path("appraisals/<int:pk>/appeals/<int:appeal>/file/", files.appeal_file, name="appeal-file"),
    path("appraisals/<int:pk>/handover-note/", handover.handover_note, name="handover-note"),
    path("appraisals/<int:pk>/periodic/", periodic.periodic, name="periodic"),
    path("peer-feedback/", feedback.requests, name="peer-feedback"),
    # Inspector (audit)
    path("inspect/", inspect.search, name="inspect"),
    path("inspect/reads/", inspect.reads, name="inspect-reads"),
    path("inspect/appraisals/<int:pk>/", inspect.timeline, name="inspect-appraisal"),
    # HR administrator
    path("hr/cycles/", hr.cycles, name="hr-cycles"),
    path("hr/cycles/<int:pk>/", hr.cycle_detail, name="hr-cycle"),
    path("hr/cycles/<int:pk>/open/", hr.cycle_open, name="hr-cycle-open"),
    path("hr/cycles/<int:pk>/close/", hr.cycle_close_page, name="hr-cycle-close"),
    path("hr/cycles/<int:pk>/reopen/", hr.cycle_reopen_page, name="hr-cycle-reopen"),
    path("hr/jobs/<int:pk>/", hr.job, name="hr-job"),
    path("hr/jobs/<int:pk>/file/", recaps.job_file, name="hr-job-file"),
    path("hr/units/", hr.dashboards, name="hr-units"),
    path("hr/units/<int:pk>/", hr.unit_dashboard, name="hr-unit"),
    path("hr/units/<int:pk>/recap/<str:fmt>/", recaps.unit_recap, name="hr-unit-recap"),
    # The talent pool (issue #18): HR and the panel of the unit's subtree.
    path("hr/units/<int:pk>/talent/", talent.talent_pool_page, name="talent-pool"),
    path("hr/units/<int:pk>/talent/<str:fmt>/", talent.talent_pool_file, name="talent-pool-file"),
    path(
        "hr/units/<int:pk>/curve-flags/<int:flag>/acknowledge/",
        hr.curve_flag_acknowledge_page,
        name="hr-curve-flag-acknowledge",
    ),
    path("hr/import/", hr_import.organisation_import, name="hr-import"),
    path("hr/import/template.csv", hr_import.import_template, name="hr-import-template"),
    path("hr/acting/", hr_acting.acting, name="hr-acting"),
    path("hr/acting/<int:pk>/end/", hr_acting.acting_end_page, name="hr-acting-end"),
    path("hr/calendar/", hr_calendar.calendar_home, name="hr-calendar-home"),
    path("hr/calendar/<int:pk>/", hr_calendar.calendar_page, name="hr-calendar"),
    path("hr/calendar/<int:pk>/zone/", hr_calendar.calendar_zone, name="hr-calendar-zone"),
    path(
        "hr/calendar/<int:pk>/days/<int:day>/remove/",
        hr_calendar.calendar_day_remove,
        name="hr-calendar-day-remove",
    ),
    path("lifecycle/", hr.lifecycle, name="lifecycle"),
]
