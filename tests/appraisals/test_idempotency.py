"""Idempotency-Key: the same key and body replay the first response; nothing changes twice."""

import json

import pytest

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_same_key_replays_first_response(org, appraisal, at_state, api):
    appraisal = at_state("plan_submitted")
    client = api(org.users["appraiser"])
    url = f"/api/appraisals/{appraisal.pk}/transitions/approve_plan/"
    first = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    events = AuditEvent.objects.count()
    again = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.count() == events
    appraisal.refresh_from_db()
    assert appraisal.version == first.json()["version"]


def test_same_key_other_body_is_422(org, appraisal, at_state, api):
    appraisal = at_state("plan_submitted")
    client = api(org.users["appraiser"])
    base = f"/api/appraisals/{appraisal.pk}/transitions/"
    assert (
        client.post(
            f"{base}return_plan/", {"reason": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2"
        ).status_code
        == 200
    )
    r = client.post(
        f"{base}return_plan/", {"reason": "b"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert r.status_code == 422
    assert r.json()["code"] == "idempotency_key_reused"


def test_keys_are_per_user(org, appraisal, at_state, api):
    appraisal = at_state("result_issued")
    url = f"/api/appraisals/{appraisal.pk}/transitions/"
    r = api(org.users["employee"]).post(
        f"{url}file_appeal/", {"grounds": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )
    assert r.status_code == 200
    r = api(org.users["superior"]).post(
        f"{url}decide_appeal/",
        {"outcome": "upheld", "reason": "Sesuai bukti."},
        format="json",
        HTTP_IDEMPOTENCY_KEY="shared",
    )
    assert r.status_code == 200
    assert r.json()["state"] == "final"


def test_refused_call_is_not_remembered(org, appraisal, at_state, api):
    appraisal = at_state("plan_submitted")
    client = api(org.users["appraiser"])
    url = f"/api/appraisals/{appraisal.pk}/transitions/approve_plan/"
    stale = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k-3", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    fresh = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert fresh.status_code == 200


def test_the_same_body_with_its_keys_in_another_order_is_a_replay(org, at_state, api):
    """A client that rebuilds its JSON on retry may order the keys differently."""
    appraisal = at_state("self_assessed")
    client = api(org.users["appraiser"])
    url = f"/api/appraisals/{appraisal.pk}/transitions/submit_review/"
    body = {"result_rating": "above", "behaviour_rating": "above", "feedback": "Baik sekali."}
    first = client.post(
        url, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-3"
    )
    assert first.status_code == 200, first.json()
    reordered = json.dumps(dict(reversed(body.items())))
    again = client.post(url, reordered, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
