"""Request ids in the permanent record are the server's own; the client's is a checked hint.

The id stored beside every audit event and read record is generated at the edge
(uuid4), whatever the client sends. A client's `X-Request-ID` is kept apart, as
`client_request_id`, and only when it matches [A-Za-z0-9._-]{1,64}; anything
else is dropped. Neither column is part of the hash chain, so chains written
before this change verify as before.
"""

from __future__ import annotations

import re

import pytest

from audit.models import AuditEvent, ReadAccess
from audit.verify import verify_audit

pytestmark = pytest.mark.django_db

SERVER_ID = re.compile(r"^[0-9a-f]{32}$")
FORGED = '<img src=x onerror=alert(1)>"; actor=admin'


def _add_item(api, org, appraisal, header: str | None):
    extra = {"HTTP_X_REQUEST_ID": header} if header is not None else {}
    body = {
        "result": "Hasil baru",
        "indicators": [{"name": "Sekolah", "aspect": "quantity", "target": "12"}],
    }
    r = api(org.users["employee"]).post(
        f"/api/appraisals/{appraisal.pk}/plan-items/", body, format="json", **extra
    )
    assert r.status_code == 201, r.content
    return r, AuditEvent.objects.order_by("-pk").first()


def test_forged_request_id_never_enters_the_record(api, org, appraisal):
    r, event = _add_item(api, org, appraisal, FORGED)
    assert SERVER_ID.match(event.request_id), event.request_id
    assert event.client_request_id == ""
    assert r["X-Request-ID"] == event.request_id


def test_valid_client_id_is_kept_as_a_separate_hint(api, org, appraisal):
    r, event = _add_item(api, org, appraisal, "mobile-7.2_abc.123")
    assert SERVER_ID.match(event.request_id)
    assert event.request_id != "mobile-7.2_abc.123"
    assert event.client_request_id == "mobile-7.2_abc.123"
    assert r["X-Request-ID"] == event.request_id


@pytest.mark.parametrize("hint", ["", "a" * 65, "ab cd", "ünï", "x/y", "a\nb"])
def test_invalid_hints_are_dropped(api, org, appraisal, hint):
    _r, event = _add_item(api, org, appraisal, hint)
    assert SERVER_ID.match(event.request_id)
    assert event.client_request_id == ""


def test_each_request_gets_its_own_id(api, org, appraisal):
    _r, first = _add_item(api, org, appraisal, "same")
    _r, second = _add_item(api, org, appraisal, "same")
    assert first.request_id != second.request_id
    assert first.client_request_id == second.client_request_id == "same"


def test_read_records_get_the_same_treatment(api, org, appraisal):
    client = api(org.users["inspector"])
    client.get(f"/api/appraisals/{appraisal.pk}/", HTTP_X_REQUEST_ID=FORGED)
    client.get(f"/api/appraisals/{appraisal.pk}/", HTTP_X_REQUEST_ID="scan-42")
    forged, hinted = ReadAccess.objects.order_by("pk")
    assert SERVER_ID.match(forged.request_id) and forged.client_request_id == ""
    assert SERVER_ID.match(hinted.request_id) and hinted.client_request_id == "scan-42"
    reads = client.get("/api/audit/reads/").json()
    rows = reads["results"] if isinstance(reads, dict) else reads
    assert {row["client_request_id"] for row in rows} == {"", "scan-42"}


def test_inspectors_see_both_ids_and_chains_still_verify(api, org, appraisal):
    _add_item(api, org, appraisal, "batch-9")
    body = api(org.users["inspector"]).get("/api/audit/events/", {"action": "plan_item.created"})
    (row,) = body.json()["results"]
    assert SERVER_ID.match(row["request_id"]) and row["client_request_id"] == "batch-9"
    assert verify_audit().ok
