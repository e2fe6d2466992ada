"""Test run: the same code paths as production; SQLite or PostgreSQL by DATABASE_URL."""

import atexit
import os
import shutil
import tempfile

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret-kinerja"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A real-worker test starts its worker with TEST_EMAIL_BACKEND (SMTP to its own
# server) and CELERY_TASK_ALWAYS_EAGER=false; everything else stays in-process.
EMAIL_BACKEND = os.environ.get(
    "TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)  # noqa: F405
if EMBEDDED:  # noqa: F405
    DATABASES["default"]["NAME"] = ":memory:"  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Throttling has its own tests (which lower these); the suite itself must not trip it.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        "anon": "100000/min",
        "user": "100000/min",
        "login": "100000/min",
        "verify": "100000/min",
    },
}
# Every commit nudges the relay, as the broker tests count; coalescing the nudges has its
# own test (tests/notifications/test_nudge_window.py), which sets a window.
NOTIFICATIONS_NUDGE_WINDOW = 0
# Uploaded evidence goes to a throwaway directory per test process.
MEDIA_ROOT = tempfile.mkdtemp(prefix="kinerja-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
# A lifecycle that exists only for the tests: the engine's guarantees run on it (tests/toyflow/).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.toyflow"]  # noqa: F405
# With a replica configured (.ci/run's PostgreSQL run starts one), no route reads from it
# unless a test asks (tests/ops/test_replica.py): a test allowed only "default" stays there.
KINERJA_REPLICA_ROUTES = []
