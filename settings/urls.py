from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from appraisals.api.auth import LoginView, LogoutView, TokenDetailView, TokenListView
from appraisals.web.auth import AdminSignInForm, admin_login
from appraisals.web.favicon import favicon
from workflow.api.views import WorkflowDiagramView, WorkflowListView

from .health import healthz, healthz_live, healthz_ready
from .metrics import metrics

api = [
    path("auth/token/", LoginView.as_view(), name="auth-token"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("auth/tokens/", TokenListView.as_view(), name="auth-token-list"),
    path("auth/tokens/<int:pk>/", TokenDetailView.as_view(), name="auth-token-detail"),
    path("", include("appraisals.api.urls")),
    # Each registered lifecycle's transitions and history, from its table.
    path("", include("workflow.api.urls")),
    path("workflows/", WorkflowListView.as_view(), name="workflow-list"),
    path("workflows/<str:name>/diagram/", WorkflowDiagramView.as_view(), name="workflow-diagram"),
    path("audit/", include("audit.api.urls")),
    path("notifications/", include("notifications.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    path("api/", include(api)),
    path("healthz/", healthz, name="healthz"),
    path("healthz/live/", healthz_live, name="healthz-live"),
    path("healthz/ready/", healthz_ready, name="healthz-ready"),
    path("metrics/", metrics, name="metrics"),
    path("favicon.ico", favicon, name="favicon"),
    # The admin's sign-in, throttled like the pages' and the API's (before the admin's own).
    path("admin/login/", admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("notifications/", include("notifications.web")),
    # Each registered lifecycle's page, forms and diagram, from its table.
    path("", include("workflow.web.urls")),
    # The web UI (issue #7): last, so it never shadows the API.
    path("", include("appraisals.web.urls")),
]

admin.site.login_form = AdminSignInForm

handler404 = "workflow.api.errors.api_not_found"
handler500 = "workflow.api.errors.api_server_error"
