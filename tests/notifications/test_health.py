"""Observability: the outbox backlog and its oldest pending age in /healthz/.

The backlog is shown to staff, inspectors and monitors holding HEALTHZ_TOKEN;
anyone else gets the status and checks only (#13 item 11).
"""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import OutboxEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitor(org):
    client = APIClient()
    client.force_login(org.users["inspector"])
    return client


def test_healthz_reports_the_outbox_backlog(monitor):
    body = monitor.get("/healthz/").json()
    assert body["details"]["outbox"] == {
        "pending_events": 0,
        "pending_messages": 0,
        "oldest_pending_age_seconds": 0,
        "dead_letters": 0,
    }
    OutboxEvent.objects.create(
        kind="appraisal.submit_plan", created_at=timezone.now() - dt.timedelta(minutes=10)
    )
    OutboxEvent.objects.create(kind="appraisal.submit_plan")
    r = monitor.get("/healthz/")
    assert r.status_code == 200  # a backlog informs; it does not make the service unhealthy
    outbox = r.json()["details"]["outbox"]
    assert outbox["pending_events"] == 2
    assert 600 <= outbox["oldest_pending_age_seconds"] < 700


def test_anyone_gets_the_status_but_not_the_backlog(org):
    OutboxEvent.objects.create(kind="appraisal.submit_plan")
    for user in (None, org.users["employee"], org.users["hr_admin"]):
        client = APIClient()
        if user is not None:
            client.force_login(user)
        r = client.get("/healthz/")
        assert r.status_code == 200
        assert r.json()["status"] == "ok" and r.json()["checks"]["database"] == "ok"
        assert "details" not in r.json(), user
        assert "pending" not in r.content.decode()


def test_staff_see_the_backlog(org):
    staff = org.users["employee"]
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client = APIClient()
    client.force_login(staff)
    assert "outbox" in client.get("/healthz/").json()["details"]


@override_settings(KINERJA_HEALTHZ_TOKEN="monitor-" + "s" * 32)
def test_a_monitor_with_the_token_sees_the_backlog(db):
    good = APIClient().get("/healthz/", HTTP_X_HEALTH_TOKEN="monitor-" + "s" * 32)
    assert good.status_code == 200 and "outbox" in good.json()["details"]
    for wrong in ("monitor-", "x" * 40, ""):
        r = APIClient().get("/healthz/", HTTP_X_HEALTH_TOKEN=wrong)
        assert r.status_code == 200 and "details" not in r.json(), wrong


@override_settings(KINERJA_HEALTHZ_TOKEN="")
def test_no_token_configured_means_no_token_accepted(db):
    r = APIClient().get("/healthz/", HTTP_X_HEALTH_TOKEN="")
    assert "details" not in r.json()
