"""Authentication hardening: expiring and revocable tokens, throttled login, deploy checks."""

import datetime as dt
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from appraisals.models import ApiToken
from appraisals.services.tokens import token_digest

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def login(client, username="employee", password="rahasia-123"):
    return client.post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )


def test_token_expires(org):
    client = APIClient()
    key = login(client).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/me/").status_code == 200
    ApiToken.objects.filter(digest=token_digest(key)).update(
        created=timezone.now() - dt.timedelta(hours=13),
        expires=timezone.now() - dt.timedelta(hours=1),
    )
    assert client.get("/api/me/").status_code == 401
    assert not ApiToken.objects.filter(digest=token_digest(key)).exists()
    fresh = login(APIClient()).json()["token"]
    assert fresh != key


def test_logout_revokes(org):
    client = APIClient()
    key = login(client).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post("/api/auth/logout/").status_code == 204
    assert client.get("/api/me/").status_code == 401


def test_login_is_throttled_and_failures_logged_without_username(org, monkeypatch, caplog):
    cache.clear()
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "3/min"})
    client = APIClient()
    with caplog.at_level(logging.WARNING, logger="kinerja.security"):
        statuses = [login(client, password="salah").status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    assert "login failed" in caplog.text and "employee" not in caplog.text
    cache.clear()


def test_production_settings_pass_deploy_checks():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "settings.production",
        "DATABASE_URL": "postgres://kinerja@127.0.0.1:5432/kinerja",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "SECRET_KEY": "x" * 20 + "-production-secret-key-that-is-long-enough-0123456789",
        "ALLOWED_HOSTS": "kinerja.example.go.id",
        "AUDIT_CHECKPOINT_KEY": "k" * 64,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_security_headers(client, db):
    r = client.get("/healthz/")
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert r["X-Frame-Options"] == "DENY"


def test_refusals_are_logged_without_personal_data(org, appraisal, api, caplog):
    with caplog.at_level(logging.WARNING, logger="kinerja.security"):
        api(org.users["outsider"]).get(f"/api/appraisals/{appraisal.pk}/?q={org.employee.nip}")
        api(org.users["employee"]).post(
            f"/api/appraisals/{appraisal.pk}/transitions/approve_plan/", {}, format="json"
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "kinerja.security"]
    assert any("status=404" in line for line in lines)
    assert any("status=403" in line for line in lines)
    for line in lines:
        assert org.employee.nip not in line and org.employee.name not in line
        assert "employee" not in line.split("code=")[0]
