"""/metrics/ (issue #20): what Prometheus scrapes, and who may scrape it."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from appraisals.models import Appraisal
from audit.verify import verify_audit
from notifications.relay import outbox_relay
from tests.factories import UserFactory
from workflow import definition
from workflow.errors import WorkflowError
from workflow.services import perform

pytestmark = pytest.mark.django_db


def transitions(workflow: str, transition: str, outcome: str) -> float:
    labels = {"workflow": workflow, "transition": transition, "outcome": outcome}
    return REGISTRY.get_sample_value("kinerja_transitions_total", labels) or 0.0


def scrape(client: Client, **headers) -> dict[str, list]:
    r = client.get("/metrics/", **headers)
    assert r.status_code == 200, r.content
    assert r["Content-Type"].startswith("text/plain")
    return {
        family.name: family.samples for family in text_string_to_metric_families(r.content.decode())
    }


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(UserFactory(is_staff=True))
    return client


def test_anyone_else_is_refused(org):
    assert Client().get("/metrics/").status_code == 403
    client = Client()
    client.force_login(org.users["employee"])
    assert client.get("/metrics/").status_code == 403
    with override_settings(KINERJA_METRICS_TOKEN="s3cret"):
        assert Client().get("/metrics/", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
        scrape(Client(), HTTP_AUTHORIZATION="Bearer s3cret")


def test_transitions_are_counted_by_outcome(org, at_state, django_capture_on_commit_callbacks):
    workflow = definition.for_model(Appraisal).name
    applied = transitions(workflow, "submit_plan", "applied")
    with django_capture_on_commit_callbacks(execute=True):  # counted once committed
        appraisal = at_state("plan_submitted")
    assert transitions(workflow, "submit_plan", "applied") == applied + 1

    refused = transitions(workflow, "approve_plan", "forbidden")
    with pytest.raises(WorkflowError) as refusal:
        perform(appraisal, "approve_plan", actor=org.users["employee"])
    assert refusal.value.code == "forbidden"
    assert transitions(workflow, "approve_plan", "forbidden") == refused + 1


def test_the_scrape_shows_requests_backlog_jobs_and_verification(staff_client, org, at_state):
    at_state("plan_submitted")
    Client().get("/healthz/live/")
    verify_audit()
    families = scrape(staff_client)

    requests = families["kinerja_http_request_duration_seconds"]
    assert any(
        s.labels.get("route") == "healthz/live/" and s.name.endswith("_count") and s.value >= 1
        for s in requests
    )
    assert families["kinerja_transitions"][0].name == "kinerja_transitions_total"
    for name in (
        "kinerja_outbox_pending_events",
        "kinerja_outbox_pending_messages",
        "kinerja_outbox_oldest_pending_age_seconds",
        "kinerja_dead_letters",
        "kinerja_deadline_lag_seconds",
        "kinerja_jobs_running_progress_ratio",
    ):
        assert len(families[name]) == 1, name
    # The transition's event waits in the outbox (its commit callbacks did not run here) ...
    assert families["kinerja_outbox_pending_events"][0].value == 1
    outbox_relay()  # ... until the relay takes it.
    assert scrape(staff_client)["kinerja_outbox_pending_events"][0].value == 0
    assert {s.labels["status"] for s in families["kinerja_jobs"]} == {
        "queued",
        "running",
        "done",
        "failed",
    }
    assert families["kinerja_audit_verification_ok"][0].value == 1
    assert 0 <= families["kinerja_audit_verification_age_seconds"][0].value < 60
