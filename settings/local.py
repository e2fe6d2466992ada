"""Developer machine and demo: DEBUG on, embedded default unless DATABASE_URL is set."""

import os

os.environ.setdefault("DEBUG", "true")
# The demo's PKCS#12 passphrase (manage.py signing_demo_ca, run by seed_demo): a fixed
# demo value from the environment, never in the database; never for production keys.
os.environ.setdefault("KINERJA_SIGNING_PKCS12_PASSPHRASE", "demo-only-not-secret")

from .base import *  # noqa: E402,F403
from .base import VAR_DIR  # noqa: E402

SECRET_KEY = SECRET_KEY or "dev-only-not-secret-kinerja"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
VAR_DIR.mkdir(parents=True, exist_ok=True)
