"""Liveness and readiness (issue #20): what a load balancer and an operator ask of an instance."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from notifications import heartbeat
from notifications.tasks import heartbeat as heartbeat_task

pytestmark = pytest.mark.django_db

REAL_BROKER = {"CELERY_TASK_ALWAYS_EAGER": False, "CELERY_BROKER_URL": "memory://"}


@pytest.fixture(autouse=True)
def _no_stamp():
    cache.delete(heartbeat.KEY)
    yield
    cache.delete(heartbeat.KEY)


def test_liveness_asks_nothing_of_the_database():
    with mock.patch("settings.health._database", side_effect=AssertionError("no I/O")):
        r = Client().get("/healthz/live/")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_ready_on_the_embedded_default():
    body = Client().get("/healthz/ready/").json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "ok"
    assert body["checks"]["scheduler"] == "eager"


def test_not_ready_while_a_migration_is_pending():
    class Pending:
        app_label, name = "appraisals", "9999_future"

    with mock.patch(
        "django.db.migrations.executor.MigrationExecutor.migration_plan",
        return_value=[(Pending, False)],
    ):
        r = Client().get("/healthz/ready/")
    assert r.status_code == 503
    assert r.json()["checks"]["migrations"] == "error: 1 not applied (appraisals.9999_future)"
    # The contract's /healthz/ does not ask for migrations: an old instance keeps serving.
    assert Client().get("/healthz/").status_code == 200


@override_settings(**REAL_BROKER)
def test_not_ready_without_a_heartbeat_from_beat():
    r = Client().get("/healthz/ready/")
    assert r.status_code == 503
    assert "beat" in r.json()["checks"]["scheduler"]


@override_settings(**REAL_BROKER)
def test_ready_once_the_heartbeat_task_ran():
    heartbeat_task.run()
    r = Client().get("/healthz/ready/")
    assert r.status_code == 200, r.json()
    assert r.json()["checks"]["scheduler"].startswith("ok")


@override_settings(KINERJA_HEARTBEAT_MAX_AGE=60, **REAL_BROKER)
def test_not_ready_when_the_heartbeat_is_stale():
    cache.set(heartbeat.KEY, time.time() - 600, timeout=None)
    r = Client().get("/healthz/ready/")
    assert r.status_code == 503
    assert r.json()["checks"]["scheduler"] == "error: last heartbeat 600 s ago"


def test_beat_sends_the_heartbeat_on_the_scheduler_queue():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["heartbeat"]
    assert entry["task"] == "notifications.heartbeat"
    assert entry["schedule"] < settings.KINERJA_HEARTBEAT_MAX_AGE
