"""Production's edge (#13 item 11): no browsable API, a proxy header trusted only when
configured, a language cookie as protected as the session's.

The production settings are read in a subprocess (they refuse to load without
PostgreSQL, Redis and secrets, and must not leak into this process); their
effect is then checked in-process with the same values.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "settings.production",
    "DATABASE_URL": "postgres://kinerja@127.0.0.1:5432/kinerja",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "SECRET_KEY": "x" * 20 + "-production-secret-key-that-is-long-enough-0123456789",
    "ALLOWED_HOSTS": "kinerja.example.go.id",
    "AUDIT_CHECKPOINT_KEY": "k" * 64,
}
NAMES = (
    "REST_FRAMEWORK",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SAMESITE",
)


def production(**env: str) -> dict:
    """The named settings as settings.production computes them under `env`."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {NAMES!r}}}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"PROXY_SSL_HEADER"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def prod() -> dict:
    return production()


def test_production_renders_json_only(prod):
    renderers = prod["REST_FRAMEWORK"]["DEFAULT_RENDERER_CLASSES"]
    assert renderers == ["rest_framework.renderers.JSONRenderer"]


BROWSER_VISIT = """
import django; django.setup()
from django.contrib.auth.models import User
from rest_framework.test import APIRequestFactory, force_authenticate
from workflow.api.views import WorkflowListView
request = APIRequestFactory().get("/api/workflows/", HTTP_ACCEPT="text/html,*/*;q=0.8")
force_authenticate(request, User(username="browser"))
response = WorkflowListView.as_view(throttle_classes=[])(request)
print(response.status_code, type(response.accepted_renderer).__name__, response.accepted_media_type)
"""


def test_without_the_browsable_api_a_browser_gets_json():
    """A browser asking for HTML gets JSON: no API page outside the CSP (production settings,
    in their own process: DRF fixes a view's renderers when the view is imported)."""
    result = subprocess.run(
        [sys.executable, "-c", BROWSER_VISIT],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    status, renderer, media_type = result.stdout.split()
    assert (status, renderer) == ("200", "JSONRenderer")
    assert media_type.startswith("application/json")


def test_proxy_ssl_header_is_trusted_only_when_configured(prod):
    assert prod["SECURE_PROXY_SSL_HEADER"] is None
    configured = production(PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert configured["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.django_db
def test_a_client_cannot_claim_https_unless_the_proxy_header_is_trusted(prod):
    from django.test import Client

    client = Client()
    # Not configured: a client's own X-Forwarded-Proto is ignored, plain HTTP is redirected.
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=None):
        r = client.get("/healthz/", HTTP_X_FORWARDED_PROTO="https")
        assert r.status_code == 301 and r["Location"].startswith("https://")
    # Configured (the proxy sets and strips the header): the proxy's word is taken.
    header = tuple(production(PROXY_SSL_HEADER="X-Forwarded-Proto")["SECURE_PROXY_SSL_HEADER"])
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=header):
        assert client.get("/healthz/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
        assert client.get("/healthz/", HTTP_X_FORWARDED_PROTO="http").status_code == 301


def test_language_cookie_is_as_secure_as_the_session_cookie(prod):
    assert prod["SESSION_COOKIE_SECURE"] is True
    assert prod["LANGUAGE_COOKIE_SECURE"] is True
    assert prod["LANGUAGE_COOKIE_HTTPONLY"] is True
    assert prod["LANGUAGE_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.django_db
def test_the_language_cookie_carries_its_flags(client, prod):
    flags = {
        "LANGUAGE_COOKIE_SECURE": prod["LANGUAGE_COOKIE_SECURE"],
        "LANGUAGE_COOKIE_HTTPONLY": prod["LANGUAGE_COOKIE_HTTPONLY"],
    }
    with override_settings(**flags):
        r = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
    cookie = r.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
