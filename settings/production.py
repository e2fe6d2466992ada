"""Production: PostgreSQL and Redis are required; secrets come from the environment."""

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

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
