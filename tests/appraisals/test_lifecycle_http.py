"""One appraisal through every transition over HTTP, as the real roles."""

import pytest

from appraisals.models import BehaviourValue
from audit.models import AuditEvent

from ..flow import ACTOR, footprint, valid_body

BEHAVIOUR_VALUES = BehaviourValue.values

pytestmark = pytest.mark.django_db

APPEAL_PATH = [
    "submit_plan",
    "return_plan",
    "submit_plan",
    "approve_plan",
    "submit_self_assessment",
    "return_self_assessment",
    "submit_self_assessment",
    "submit_review",
    "record_discussion",
    "issue_result",
    "file_appeal",
    "decide_appeal",
    "propose_decision",
    "reject_decision",
    "propose_decision",
    "approve_decision",
]
EXPECTED_STATES = [
    "plan_submitted",
    "draft",
    "plan_submitted",
    "in_progress",
    "self_assessed",
    "in_progress",
    "self_assessed",
    "reviewed",
    "discussed",
    "result_issued",
    "appealed",
    "final",
    "decision_proposed",
    "final",
    "decision_proposed",
    "decided",
]


def test_appraisal_travels_whole_lifecycle_over_http(org, appraisal, api):
    employee = api(org.users["employee"])
    url = f"/api/appraisals/{appraisal.pk}/"

    r = employee.post(
        f"{url}plan-items/",
        {
            "result": "Meningkatnya angka partisipasi sekolah",
            "indicators": [{"name": "APS SD", "aspect": "quantity", "target": "98 %"}],
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    version = employee.get(url).json()["version"]
    assert version == 2

    for name, expected_state in zip(APPEAL_PATH, EXPECTED_STATES, strict=True):
        appraisal.refresh_from_db()
        client = api(org.users[ACTOR[name]])
        if name == "approve_plan":
            # The appraiser states the seven behaviour expectations first.
            r = client.put(
                f"{url}behaviour-expectations/",
                {
                    "expectations": [
                        {"value": v, "expectation": f"Ekspektasi {v}"} for v in BEHAVIOUR_VALUES
                    ]
                },
                format="json",
            )
            assert r.status_code == 200, r.json()
            version += 1
        before = client.get(url).json()
        assert name in [t["name"] for t in before["available_transitions"]], name
        r = client.post(f"{url}transitions/{name}/", valid_body(name, appraisal), format="json")
        assert r.status_code == 200, (name, r.json())
        body = r.json()
        assert body["state"] == expected_state
        assert body["version"] == version + 1
        version = body["version"]

        history = client.get(f"{url}history/").json()
        last = history[-1]
        assert last["action"] == name
        assert last["from_state"] == before["state"]
        assert last["to_state"] == expected_state
        assert last["actor"]["username"] == org.users[ACTOR[name]].username
        assert last["prev_hash"] == history[-2]["hash"]

    final = api(org.users["employee"]).get(url).json()
    # The appeal revised the ratings to above/meets: baik.
    assert final["predicate"] == "baik"
    assert final["available_transitions"] == []
    # created, the plan item, the expectations, and one event per transition
    assert AuditEvent.objects.filter(subject_id=str(appraisal.pk)).count() == len(APPEAL_PATH) + 3


def test_accept_result_path(org, appraisal, at_state, api):
    at_state("result_issued")
    r = api(org.users["employee"]).post(
        f"/api/appraisals/{appraisal.pk}/transitions/accept_result/", {}, format="json"
    )
    assert r.status_code == 200
    assert r.json()["state"] == "final"
    assert r.json()["predicate"] == "sangat_baik"


def test_cancel_by_hr_admin_needs_reason(org, appraisal, api):
    client = api(org.users["hr_admin"])
    url = f"/api/appraisals/{appraisal.pk}/transitions/cancel/"
    before = footprint(appraisal)
    r = client.post(url, {}, format="json")
    assert r.status_code == 400
    assert [p["field"] for p in r.json()["problems"]] == ["reason"]
    assert footprint(appraisal) == before
    r = client.post(url, {"reason": "Pegawai meninggal dunia."}, format="json")
    assert r.status_code == 200
    assert r.json()["state"] == "cancelled"
