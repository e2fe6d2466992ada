"""Observability: the outbox backlog and its oldest pending age in /healthz/."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import OutboxEvent

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_outbox_backlog(db):
    body = APIClient().get("/healthz/").json()
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
    r = APIClient().get("/healthz/")
    assert r.status_code == 200  # a backlog informs; it does not make the service unhealthy
    outbox = r.json()["details"]["outbox"]
    assert outbox["pending_events"] == 2
    assert 600 <= outbox["oldest_pending_age_seconds"] < 700
