"""Settings shared by every environment, driven by environment variables.

Without DATABASE_URL the system runs on the embedded default: SQLite and eager
Celery (demo only). With DATABASE_URL it runs on PostgreSQL and, given
CELERY_BROKER_URL, sends tasks to Redis.
"""

import json
import os
import warnings
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KINERJA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
# With DEBUG on, people still get the readable error pages; a developer who wants Django's
# technical 404 and traceback pages sets this.
KINERJA_TECHNICAL_ERRORS = env_bool("KINERJA_TECHNICAL_ERRORS", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "audit",
    "workflow",
    "appraisals",
    "notifications",
]

MIDDLEWARE = [
    # Times every request by its URL pattern (settings/metrics.py, /metrics/).
    "settings.metrics.RequestMetrics",
    # First: a body over its route's limit is refused before anything reads it.
    "appraisals.web.limits.RequestBodyLimit",
    "django.middleware.security.SecurityMiddleware",
    # The UI's CSS and scripts, served by the app itself (compressed, cached): no CDN.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view (where CSRF reads the form): an upload-sized post to whom may not upload.
    "appraisals.web.limits.UploadGate",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "audit.context.RequestIdMiddleware",
    "appraisals.web.security.ContentSecurityPolicyMiddleware",
    # Readable 404/403/405/500 pages even with DEBUG on (KINERJA_TECHNICAL_ERRORS for Django's).
    "appraisals.web.errors.ReadableErrorPages",
    "workflow.web.errors.WorkflowErrorPages",
    # Heavy GETs read from the replica, when one is configured (settings/replica.py).
    "settings.replica.ReplicaReads",
]

ROOT_URLCONF = "settings.urls"
WSGI_APPLICATION = "settings.wsgi.application"
ASGI_APPLICATION = "settings.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "appraisals.web.context.navigation",
                "notifications.web.unread_count",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
EMBEDDED = not DATABASE_URL
if EMBEDDED:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "kinerja.sqlite3")),
            "OPTIONS": {"timeout": 20},
        }
    }
else:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
# A streaming replica of PostgreSQL (settings/replica.py): the heavy reads of the routes in
# KINERJA_REPLICA_ROUTES go there, except for a browser that wrote within
# KINERJA_REPLICA_STICKY_SECONDS (it reads its own writes from the primary).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL and not EMBEDDED:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    # Tests: the replica's test database is the primary's, streamed (same name).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["settings.replica.ReplicaRouter"]
KINERJA_REPLICA_STICKY_SECONDS = float(os.environ.get("KINERJA_REPLICA_STICKY_SECONDS", "15"))
KINERJA_REPLICA_ROUTES = env_list(
    "KINERJA_REPLICA_ROUTES",
    # Inspectors' search and read log (pages and API; inspectors never write), HR's dashboards,
    # unit pages and recaps, the appraisal list page.
    "inspect,inspect-reads,inspect-appraisal,audit-events,audit-reads,"
    "hr-units,hr-unit,hr-unit-recap,appraisals",
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Without `collectstatic` (demo, tests) whitenoise serves straight from the apps' static/,
# and STATIC_ROOT's absence is expected, not worth a warning per process.
WHITENOISE_USE_FINDERS = True
warnings.filterwarnings("ignore", message="No directory at: ")
# The UI catalogue (msgids in English, Indonesian the default language); `make messages`.
LOCALE_PATHS = [BASE_DIR / "appraisals" / "locale"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
# The UI keeps the language in a cookie (set on the profile page and at login).
LANGUAGE_COOKIE_NAME = "kinerja_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True  # the language menu posts a form; no script reads it
# Sign-in (pages, API, admin): failed attempts per client address and per account before
# it must wait (appraisals.throttling).
KINERJA_LOGIN_FAILURES = int(os.environ.get("LOGIN_FAILURES", "10"))
KINERJA_LOGIN_WINDOW_SECONDS = int(os.environ.get("LOGIN_WINDOW_SECONDS", "600"))
# Proxies in front that append the client's address to X-Forwarded-For (0: none, the
# client is REMOTE_ADDR). Every throttle keys on that address (appraisals.throttling).
KINERJA_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Issued documents (appraisals/documents): the address printed on every page and in its QR
# code, where anyone checks a document; the largest PDF the verification page accepts; and
# the signature validator it calls on an uploaded PDF (a dotted path to a callable taking
# the bytes, e.g. "appraisals.signatures.validate_pdf"; empty: signatures are not checked).
KINERJA_PUBLIC_URL = os.environ.get("KINERJA_PUBLIC_URL", "http://127.0.0.1:8000")
KINERJA_DOCUMENT_VERIFY_MAX_BYTES = int(
    os.environ.get("KINERJA_DOCUMENT_VERIFY_MAX_BYTES", str(10 * 1024 * 1024))
)
# Validates the signatures of an uploaded PDF on the verification page (PAdES, pyHanko);
# empty: signatures are not checked, only the hash.
KINERJA_SIGNATURE_VALIDATOR = os.environ.get(
    "KINERJA_SIGNATURE_VALIDATOR", "appraisals.signatures.validation.signature_entries"
)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("KINERJA_MEDIA_ROOT", VAR_DIR / "media"))

# Evidence (bukti dukung) uploads: the size limit and the kinds accepted, each
# recognised by its content (magic bytes), never by the client's Content-Type.
KINERJA_EVIDENCE_MAX_BYTES = int(os.environ.get("KINERJA_EVIDENCE_MAX_BYTES", str(5 * 1024 * 1024)))
# Request bodies (appraisals.web.limits): forms and JSON; file routes add their own limit.
KINERJA_BODY_MAX_BYTES = int(os.environ.get("KINERJA_BODY_MAX_BYTES", str(1024 * 1024)))
KINERJA_IMPORT_MAX_BYTES = int(os.environ.get("KINERJA_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# The organisation import: data rows per file, and the bytes an XLSX may inflate to
# (a 1 MiB zip can hold 200+ MiB of XML); files above the background size run as a job.
KINERJA_IMPORT_MAX_ROWS = int(os.environ.get("KINERJA_IMPORT_MAX_ROWS", "200000"))
KINERJA_IMPORT_MAX_UNZIPPED_BYTES = int(
    os.environ.get("KINERJA_IMPORT_MAX_UNZIPPED_BYTES", str(128 * 1024 * 1024))
)
KINERJA_IMPORT_BACKGROUND_BYTES = int(
    os.environ.get("KINERJA_IMPORT_BACKGROUND_BYTES", str(1024 * 1024))
)
# Unit recaps (XLSX/CSV): above this many appraisals a recap is made as a bulk job; the CSV
# exchange layout is appraisals/exports/mapping_default.yaml unless an agency names its own.
KINERJA_RECAP_BACKGROUND_ROWS = int(os.environ.get("KINERJA_RECAP_BACKGROUND_ROWS", "5000"))
# The talent pool (appraisals/talent.py, issue #18): the latest final annual predicates of
# this many consecutive years, all among these predicates (comma-separated codes). Our
# default, two years Sangat Baik; the agency's to change (the rule's source is not fixed).
KINERJA_TALENT_POOL_YEARS = int(os.environ.get("KINERJA_TALENT_POOL_YEARS", "2"))
KINERJA_TALENT_POOL_PREDICATES = tuple(
    p.strip()
    for p in os.environ.get("KINERJA_TALENT_POOL_PREDICATES", "sangat_baik").split(",")
    if p.strip()
)
KINERJA_RECAP_CSV_MAPPING = os.environ.get("KINERJA_RECAP_CSV_MAPPING", "")
# Django's own caps: a non-file body held in memory; files above this go to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = KINERJA_BODY_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
KINERJA_EVIDENCE_TYPES = env_list("KINERJA_EVIDENCE_TYPES", "pdf,png,jpeg,docx,xlsx")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "appraisals.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "appraisals.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["workflow.api.filters.StrictFilterBackend"],
    # Bodies are JSON: a form cannot carry null, nested objects or typed booleans, so a
    # schema-valid body arrived as something else. Uploads declare multipart themselves.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "workflow.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        # DRF's own, on counters that fall back to memory when the cache is away.
        "appraisals.throttling.AnonThrottle",
        "appraisals.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "60/min"),
        "user": os.environ.get("THROTTLE_USER", "1200/min"),
        "login": os.environ.get("THROTTLE_LOGIN", "10/min"),
        # The public document verification (page and API), per client address.
        "verify": os.environ.get("THROTTLE_VERIFY", "20/min"),
    },
    # DRF's own reading of X-Forwarded-For, kept in step (our throttles use client_address).
    "NUM_PROXIES": KINERJA_TRUSTED_PROXY_COUNT,
    # `format` is ours (diagram format), not DRF's renderer override.
    "URL_FORMAT_OVERRIDE": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Kinerja API",
    "DESCRIPTION": "Penilaian kinerja ASN (PermenPANRB 6/2022) — performance appraisal of "
    "Indonesian civil servants as audited state machines.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "workflow.api.schema.add_error_responses",
        "workflow.api.schema.forbid_nul_in_requests",
    ],
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "appraisals.models.organisation.Unit.Kind",
        "PositionKindEnum": "appraisals.models.organisation.Position.Kind",
        "EmployeeKindEnum": "appraisals.models.organisation.Employee.Kind",
        "ActingKindEnum": "appraisals.models.organisation.ActingAssignment.Kind",
        # Ratings (above/meets/below) appear in self-assessments and periodic evaluations.
        "RatingEnum": "appraisals.predicate.Rating",
    },
}

# Celery: eager in the embedded default, Redis otherwise.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_TIMEOUT = 5
# A broker that is away costs a publisher one connection attempt (of at most 2 s, not the
# system's TCP timeout), not 5 s of reconnecting: the relay nudge after each commit must not
# hold the request (notifications.relay.relay_trigger). Workers reconnect by their own
# broker_connection_* settings; beat's publishes still retry by the task retry policy.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "max_retries": 0}
# Notifications (issue #5): deliveries on their own queue so a slow SMTP server
# never holds up the relay and the deadline poller. A prefix keeps deployments
# (and test runs) sharing one Redis apart. Worker and beat: see README.
CELERY_QUEUE_PREFIX = os.environ.get("CELERY_QUEUE_PREFIX", "")
CELERY_TASK_ROUTES = {
    "notifications.deliver": {"queue": f"{CELERY_QUEUE_PREFIX}notifications"},
    "notifications.*": {"queue": f"{CELERY_QUEUE_PREFIX}scheduler"},
}
CELERY_BEAT_SCHEDULE = {
    "notifications-relay": {
        "task": "notifications.relay",
        "schedule": float(os.environ.get("NOTIFICATIONS_RELAY_INTERVAL", "5")),
    },
    "deadlines-poll": {
        "task": "notifications.deadlines_poll",
        "schedule": float(os.environ.get("DEADLINES_POLL_INTERVAL", "900")),
    },
    # Proves beat (and a worker on the scheduler queue) alive to /healthz/ready/.
    "heartbeat": {
        "task": "notifications.heartbeat",
        "schedule": float(os.environ.get("KINERJA_HEARTBEAT_SECONDS", "30")),
    },
    "supervisor-digest": {
        "task": "notifications.digest_send",
        "schedule": crontab(
            hour=os.environ.get("NOTIFICATIONS_DIGEST_HOUR", "7"), minute=0, day_of_week="1-5"
        ),
    },
}

# /metrics/ (Prometheus) answers a scraper sending `Authorization: Bearer <METRICS_TOKEN>`,
# or a staff sign-in; unset, only staff.
KINERJA_METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# /healthz/ready/ reports the scheduler dead when its heartbeat is older than this.
KINERJA_HEARTBEAT_MAX_AGE = float(os.environ.get("KINERJA_HEARTBEAT_MAX_AGE", "180"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kinerja@localhost")

# The system's own actions (timers, bulk jobs, management commands) are
# recorded under this user, never under an empty actor.
KINERJA_SYSTEM_USERNAME = "system"
# The page every generic lifecycle page (workflow/templates/workflow/) extends.
WORKFLOW_PAGE_BASE = "web/base.html"
# API tokens expire (UU 27/2022: personal data); each sign-in issues its own token.
KINERJA_TOKEN_TTL_SECONDS = int(os.environ.get("TOKEN_TTL_SECONDS", str(12 * 3600)))

# Throttle counters must be shared by every web process outside the demo.
CACHE_URL = os.environ.get("CACHE_URL", "")
# After Redis (cache or broker) fails, this process skips it for this long, then tries again.
KINERJA_OUTAGE_RETRY_SECONDS = float(os.environ.get("OUTAGE_RETRY_SECONDS", "30"))


def redis_cache(url: str) -> dict:
    """The cache on Redis, failing fast: a request never waits long for a Redis that is away
    (appraisals/throttling.py then counts in memory)."""
    return {
        "BACKEND": "settings.redis_cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
    }


CACHES = {
    "default": (
        redis_cache(CACHE_URL)
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Notifications and deadlines (issue #5). Attempts count in the database, so a
# message that kills its worker is dead-lettered too, never requeued forever.
# The site's address as people open it (scheme, host, port; no trailing slash): the links in
# notifications (inbox and e-mail) are its pages, e.g. KINERJA_SITE_URL + "/appraisals/17/".
# The default is the demo's (`make demo`); production derives it from ALLOWED_HOSTS when unset
# (https://<first host>) and refuses to start when it cannot (settings/production.py).
# KINERJA_BASE_URL is its earlier name, still read.
KINERJA_SITE_URL_SET = bool(
    os.environ.get("KINERJA_SITE_URL") or os.environ.get("KINERJA_BASE_URL")
)
KINERJA_SITE_URL = (
    os.environ.get("KINERJA_SITE_URL")
    or os.environ.get("KINERJA_BASE_URL")
    or "http://127.0.0.1:8000"
).rstrip("/")
NOTIFICATIONS_BASE_URL = KINERJA_SITE_URL
NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "5"))
NOTIFICATIONS_RETRY_BACKOFF = float(os.environ.get("NOTIFICATIONS_RETRY_BACKOFF", "10"))
NOTIFICATIONS_RETRY_BACKOFF_MAX = float(os.environ.get("NOTIFICATIONS_RETRY_BACKOFF_MAX", "600"))
# A queued message not delivered within this many seconds is published again.
NOTIFICATIONS_LEASE_SECONDS = float(os.environ.get("NOTIFICATIONS_LEASE_SECONDS", "300"))
NOTIFICATIONS_RELAY_BATCH = int(os.environ.get("NOTIFICATIONS_RELAY_BATCH", "500"))
# After a commit the relay is nudged at once, then at most once more per this many seconds
# per web process (the commits in between wait at most this long; beat relays anyway).
# 0: every commit nudges (issue #17: a nudge is a broker publish of a few ms).
NOTIFICATIONS_NUDGE_WINDOW = float(os.environ.get("NOTIFICATIONS_NUDGE_WINDOW", "0.2"))
# Reminders N days before a phase deadline, and before the appeal window closes.
DEADLINES_REMINDER_DAYS = [int(d) for d in env_list("DEADLINES_REMINDER_DAYS", "3,1")]
DEADLINES_APPEAL_REMINDER_DAYS = [int(d) for d in env_list("DEADLINES_APPEAL_REMINDER_DAYS", "3")]
DEADLINES_REMINDER_HOUR = int(os.environ.get("DEADLINES_REMINDER_HOUR", "7"))
# /healthz/ shows its details (the outbox backlog) to staff, inspectors and a monitor
# sending this value in X-Health-Token; unset, no token opens them.
KINERJA_HEALTHZ_TOKEN = os.environ.get("HEALTHZ_TOKEN", "")

# Electronic signatures (TTE) on issued documents (appraisals/signatures/backends.py).
# The default backend signs with the agency's PKCS#12 from KINERJA_SIGNING_PKCS12_DIR
# (`<agency code>.p12`, or `<agency code>/<NIP>.p12` per person; `manage.py signing_demo_ca`
# makes demo ones); its passphrase is read from the environment variable named here.
# KINERJA_SIGNING_AGENCIES (JSON) gives an agency its own options or backend, e.g.
# {"PEMPROV": {"backend": "appraisals.signatures.bsre.BsreSigner"}}; the BSrE client account
# comes from KINERJA_BSRE_URL / _USERNAME / _PASSWORD. No secret is ever stored in the database.
KINERJA_SIGNING_BACKEND = os.environ.get(
    "KINERJA_SIGNING_BACKEND", "appraisals.signatures.local.LocalPkcs12Signer"
)
KINERJA_SIGNING_OPTIONS = {
    "pkcs12_dir": os.environ.get("KINERJA_SIGNING_PKCS12_DIR", str(VAR_DIR / "signing")),
    "passphrase_env": "KINERJA_SIGNING_PKCS12_PASSPHRASE",
    "visible": env_bool("KINERJA_SIGNING_VISIBLE", True),
    "url_env": "KINERJA_BSRE_URL",
    "username_env": "KINERJA_BSRE_USERNAME",
    "password_env": "KINERJA_BSRE_PASSWORD",
    "timeout": float(os.environ.get("KINERJA_BSRE_TIMEOUT", "30")),
}
KINERJA_SIGNING_AGENCIES = json.loads(os.environ.get("KINERJA_SIGNING_AGENCIES", "") or "{}")
# Certificates (PEM or DER files) a signature must chain to, e.g. the demo CA or BSrE's root.
KINERJA_SIGNING_TRUST_ROOTS = env_list(
    "KINERJA_SIGNING_TRUST_ROOTS", str(VAR_DIR / "signing" / "ca.pem")
)

# LOG_FORMAT=json: one JSON object a line, with the request id, also in Celery tasks
# (settings/logs.py); production's default. "text": Django's plain lines.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "settings.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# The audit app asks the domain who may read it, without importing it.
AUDIT_INSPECTOR_CHECK = "appraisals.policies.is_inspector"
# user -> the unit paths under which they inspect ("/1/4/"); events outside are hidden.
AUDIT_INSPECTOR_SCOPES = "appraisals.policies.inspector_scopes"
# unit id -> its path, for `?unit=` in the audit search.
AUDIT_UNIT_PATH = "appraisals.policies.unit_path"
# (unit id, cycle id) -> the subjects ("app_label.model:id") of that unit-cycle, for bundles.
AUDIT_UNIT_CYCLE_SUBJECTS = "appraisals.policies.unit_cycle_subjects"
# Checkpoints are signed (HMAC-SHA256) with this key, kept outside the database.
# A development default exists only for DEBUG and the test settings.
_AUDIT_DEV_KEY_ALLOWED = DEBUG or os.environ.get("DJANGO_SETTINGS_MODULE") == "settings.test"
AUDIT_CHECKPOINT_KEY = os.environ.get("AUDIT_CHECKPOINT_KEY", "") or (
    "dev-only-audit-checkpoint-key" if _AUDIT_DEV_KEY_ALLOWED else ""
)
AUDIT_CHECKPOINT_INTERVAL = float(os.environ.get("AUDIT_CHECKPOINT_INTERVAL", "600"))
AUDIT_CHECKPOINT_MAX_EVENTS = int(os.environ.get("AUDIT_CHECKPOINT_MAX_EVENTS", "100000"))
# Each checkpoint's signed tree head is published, once committed, where the database
# cannot rewrite it (audit/publish.py): files in this directory (verify_audit compares
# with them automatically), with the sealed leaves unless AUDIT_PUBLISH_ENTRIES=0, and/or
# an e-mail to the inspectorate (comma-separated addresses).
AUDIT_PUBLISH_DIR = os.environ.get("AUDIT_PUBLISH_DIR", "")
AUDIT_PUBLISH_ENTRIES = os.environ.get("AUDIT_PUBLISH_ENTRIES", "1") not in ("0", "false", "")
AUDIT_PUBLISH_EMAIL = os.environ.get("AUDIT_PUBLISH_EMAIL", "")
# Processes for `manage.py verify_audit`'s chain pass on PostgreSQL (0: one per CPU).
AUDIT_VERIFY_WORKERS = int(os.environ.get("AUDIT_VERIFY_WORKERS", "0"))
CELERY_BEAT_SCHEDULE["audit-checkpoint"] = {
    "task": "audit.checkpoint",
    "schedule": AUDIT_CHECKPOINT_INTERVAL,
}
# `manage.py audit_partition` partitions the event table by time (PostgreSQL); this task
# then creates each next period's partition ahead (a no-op on an unpartitioned table).
AUDIT_PARTITION_INTERVAL = os.environ.get("AUDIT_PARTITION_INTERVAL", "year")
CELERY_BEAT_SCHEDULE["audit-partitions-ahead"] = {
    "task": "audit.partitions_ahead",
    "schedule": 86400.0,
}
CELERY_TASK_ROUTES["audit.*"] = {"queue": f"{CELERY_QUEUE_PREFIX}scheduler"}
# Organisation files checked on the HR import page but never applied (they hold NIPs).
CELERY_BEAT_SCHEDULE["import-uploads-sweep"] = {
    "task": "appraisals.tasks.import_uploads_sweep",
    "schedule": 3600.0,
}
# Plt/Plh appointments past their valid_until hand their appraisals back; hourly, so the
# day after the last day is never more than an hour in.
CELERY_BEAT_SCHEDULE["acting-expire"] = {
    "task": "appraisals.tasks.acting_assignments_expire",
    "schedule": 3600.0,
}
# Days the previous appraiser may write the handover note after a change of appraiser.
KINERJA_HANDOVER_NOTE_DAYS = int(os.environ.get("KINERJA_HANDOVER_NOTE_DAYS", "14"))
# Finished recap files (they hold NIPs and names) are kept a day.
CELERY_BEAT_SCHEDULE["recap-files-sweep"] = {
    "task": "appraisals.tasks.recap_files_sweep_task",
    "schedule": 3600.0,
}
# No admin page reverts history (simple-history's admin would offer it).
SIMPLE_HISTORY_REVERT_DISABLED = True
