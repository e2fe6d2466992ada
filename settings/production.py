"""Production: PostgreSQL and Redis are required; secrets come from the environment."""

import os
import warnings

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

if EMBEDDED:  # noqa: F405
    raise ImproperlyConfigured("Production needs DATABASE_URL (PostgreSQL).")
if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("Production needs SECRET_KEY.")
if not CELERY_BROKER_URL:  # noqa: F405
    raise ImproperlyConfigured("Production needs CELERY_BROKER_URL (Redis).")
if not CACHE_URL:  # noqa: F405
    # Login throttles must count across every web process, not per process.
    raise ImproperlyConfigured("Production needs CACHE_URL (Redis) for shared throttle counters.")
if not AUDIT_CHECKPOINT_KEY:  # noqa: F405
    raise ImproperlyConfigured("Production needs AUDIT_CHECKPOINT_KEY (signs audit checkpoints).")

# Links in notifications lead to the site's pages: its public address, said or derived.
if not KINERJA_SITE_URL_SET:  # noqa: F405
    _hosts = [h for h in ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")]  # noqa: F405
    if not _hosts:
        raise ImproperlyConfigured(
            "Production needs KINERJA_SITE_URL (e.g. https://kinerja.example.go.id): "
            "notifications link to its pages."
        )
    KINERJA_SITE_URL = f"https://{_hosts[0]}"
    NOTIFICATIONS_BASE_URL = KINERJA_SITE_URL
if not KINERJA_SITE_URL.startswith("https://"):
    warnings.warn(
        f"KINERJA_SITE_URL {KINERJA_SITE_URL!r} is not https: notification links will be too.",
        stacklevel=1,
    )

DEBUG = False
# Logs as JSON lines with the request id (settings/logs.py), in web and worker alike: Celery
# then leaves the root logger to Django's LOGGING instead of installing its own format.
if os.environ.get("LOG_FORMAT", "json") == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"  # noqa: F405
    CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Trust a proxy's word on HTTPS only when told to: the proxy must then set this header on
# every request and strip any the client sent, or any client can claim HTTPS (issue #13).
_PROXY_SSL_HEADER = os.environ.get("PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https") if _PROXY_SSL_HEADER else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The language cookie travels like the session's; no script reads it.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
# No browsable API (HTML pages outside the Content-Security-Policy): JSON only.
# The interactive docs (/api/docs/) are their own view and stay.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# psycopg 3 server-side binding: a statement run `DATABASE_PREPARE_THRESHOLD` times on a
# connection (default 5) is prepared, so PostgreSQL plans it once per connection, not per
# request (issue #17: planning the transition's joins cost more than running them). Off
# unless DATABASE_PREPARED=1: prepared statements live in one server connection, so behind
# PgBouncer in transaction mode they need PgBouncer >= 1.21 with max_prepared_statements
# set (older versions, or statement mode, fail with "prepared statement does not exist");
# a direct connection or session mode is fine. Django also documents server-side binding
# as refusing a few queries whose parameters stand in GROUP BY: turn it on after a run of
# the suite against it.
if env_bool("DATABASE_PREPARED", False):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {}).update(  # noqa: F405
        server_side_binding=True,
        prepare_threshold=int(os.environ.get("DATABASE_PREPARE_THRESHOLD", "5")),
    )
