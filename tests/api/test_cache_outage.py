"""The cache's Redis goes down and comes back: the service degrades, it never stops.

A private redis-server holds the cache (throttle counters); the test measures
transitions with it up, kills it, checks that reads, sign-in and transitions
still answer (never 500) at comparable speed, restarts it, and sees the
counters return to Redis by themselves.
"""

from __future__ import annotations

import time

import pytest
import redis
from django.db import connection
from django.test import Client, override_settings
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from ..outage import plan_returned, redis_server, transitions_timed  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def cache_on(url: str) -> dict:
    from settings.base import redis_cache

    return {"default": redis_cache(url)}


def test_an_unreachable_cache_costs_one_attempt_then_counters_are_kept_in_memory(org, settings):
    from appraisals import throttling
    from tests.outage import free_port

    settings.CACHES = cache_on(f"redis://127.0.0.1:{free_port()}/0")  # nobody listens there
    settings.KINERJA_LOGIN_FAILURES = 2
    reader = APIClient(raise_request_exception=False)
    reader.force_authenticate(org.users["employee"])
    assert reader.get("/api/me/").status_code == 200
    assert not throttling.breaker.closed()  # Redis is skipped for a while now
    web = Client(raise_request_exception=False)
    guess = {"username": "employee", "password": "salah"}
    assert [web.post("/login/", guess).status_code for _ in range(3)] == [200, 200, 429]
    throttling.breaker.reset()  # the pause is over: the cache is tried again, and fails again
    assert reader.get("/api/me/").status_code == 200
    assert not throttling.breaker.closed()
    health = Client().get("/healthz/")  # reported, not deciding: degraded is not down
    assert health.status_code == 200
    assert health.json()["checks"]["cache"] == "degraded: ConnectionError"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cache_down_reads_sign_in_and_transitions_answer_and_recover(
    org,
    at_state,
    redis_server,  # noqa: F811 - the fixture
    settings,
    monkeypatch,
):
    if connection.vendor != "postgresql":
        pytest.skip("an outage test runs in the PostgreSQL pass")
    settings.KINERJA_LOGIN_FAILURES = 3
    settings.KINERJA_OUTAGE_RETRY_SECONDS = 1
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "4/min"})
    appraisal = plan_returned(org, at_state)
    with override_settings(CACHES=cache_on(redis_server.url)):
        transitions_timed(org, appraisal, rounds=2)  # warm-up: connections, the first queries
        # The best of three runs each side: one slow moment on a shared machine is no verdict.
        normal = min(transitions_timed(org, appraisal) for _ in range(3))
        assert (
            APIClient()
            .post("/api/auth/token/", {"username": "employee", "password": "rahasia-123"})
            .status_code
            == 200
        )

        redis_server.stop()

        # Reads answer.
        reader = APIClient(raise_request_exception=False)
        reader.force_authenticate(org.users["employee"])
        assert reader.get("/api/me/").status_code == 200
        assert reader.get("/api/appraisals/").status_code == 200
        assert Client().get("/healthz/").status_code == 200
        assert reader.get(f"/api/appraisals/{appraisal.pk}/").status_code == 200
        anonymous = APIClient(raise_request_exception=False)
        assert anonymous.get("/api/appraisals/").status_code == 401
        # API sign-in answers, and its rate still holds (per process while Redis is away).
        signin = APIClient(raise_request_exception=False)
        right = {"username": "employee", "password": "rahasia-123"}
        wrong = {"username": "appraiser", "password": "salah"}
        assert signin.post("/api/auth/token/", right).status_code == 200
        statuses = [signin.post("/api/auth/token/", wrong).status_code for _ in range(4)]
        assert statuses == [400, 400, 400, 429]
        assert signin.post("/api/auth/token/", wrong).json()["code"] == "throttled"
        # Web sign-in answers too.
        web = Client(raise_request_exception=False, REMOTE_ADDR="10.0.0.1")  # apart from the API's
        guess = {"username": "superior", "password": "salah"}
        assert [web.post("/login/", guess).status_code for _ in range(4)] == [200, 200, 200, 429]
        web = Client(raise_request_exception=False, REMOTE_ADDR="10.0.0.2")
        page = web.post("/login/", {"username": "employee", "password": "rahasia-123"})
        assert page.status_code == 302
        assert web.get("/").status_code == 200
        # Transitions commit, at comparable speed.
        degraded = min(transitions_timed(org, appraisal) for _ in range(3))
        assert degraded <= 2 * normal, (degraded, normal)

        # Redis returns: after the pause the counters are shared again, by themselves.
        redis_server.start()
        time.sleep(1.2)
        fresh = Client(raise_request_exception=False)
        assert fresh.post("/login/", {"username": "panel", "password": "x"}).status_code == 200
        counters = redis.Redis.from_url(redis_server.url).keys("*signin:*")
        assert counters, "the sign-in counters did not return to Redis"
        assert reader.get("/api/appraisals/").status_code == 200
        assert Client().get("/healthz/").json()["checks"]["cache"] == "ok"
