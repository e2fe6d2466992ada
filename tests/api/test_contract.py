"""The HTTP fixed points of ../shared/api-contract.md."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_token_login_and_me(org):
    client = APIClient()
    r = client.post(
        "/api/auth/token/", {"username": "employee", "password": "salah"}, format="json"
    )
    assert r.status_code == 400
    r = client.post(
        "/api/auth/token/", {"username": "employee", "password": "rahasia-123"}, format="json"
    )
    assert r.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {r.json()['token']}")
    me = client.get("/api/me/").json()
    assert me["username"] == "employee"
    assert me["roles"] == ["staff"]
    assert me["employee"]["nip"] == org.employee.nip
    assert me["employee"]["supervisor"]["id"] == org.appraiser.pk
    assert set(me["employee"]) >= {"id", "nip", "name", "unit", "position", "supervisor"}


@pytest.mark.parametrize(
    ("persona", "roles"),
    [
        ("appraiser", ["staff", "supervisor"]),
        ("superior", ["staff", "supervisor", "appeal_reviewer"]),
        ("panel", ["panel"]),
        ("authority", ["authority"]),
        ("inspector", ["inspector"]),
        ("hr_admin", ["hr_admin"]),
    ],
)
def test_me_roles(persona, roles, org, api):
    me = api(org.users[persona]).get("/api/me/").json()
    assert me["roles"] == roles
    if persona in {"panel", "authority", "inspector", "hr_admin"}:
        assert me["employee"] is None


def test_anonymous_is_refused(org, appraisal):
    assert APIClient().get("/api/appraisals/").status_code == 401
    assert APIClient().get("/api/me/").status_code == 401


@pytest.mark.parametrize(
    ("persona", "count"),
    [
        ("employee", 1),
        ("appraiser", 1),
        ("superior", 1),
        ("outsider", 0),
        ("other_appraiser", 0),
        ("inspector", 1),
        ("panel", 1),
    ],
)
def test_list_shows_only_what_caller_may_see(persona, count, org, appraisal, api):
    r = api(org.users[persona]).get("/api/appraisals/")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == count


def test_list_filters(org, appraisal, api):
    client = api(org.users["inspector"])
    assert client.get("/api/appraisals/", {"state": "draft"}).json()["count"] == 1
    assert client.get("/api/appraisals/", {"state": "final"}).json()["count"] == 0
    assert client.get("/api/appraisals/", {"cycle": org.cycle.pk}).json()["count"] == 1
    assert client.get("/api/appraisals/", {"employee": org.outsider.pk}).json()["count"] == 0
    assert client.get("/api/appraisals/", {"unit": org.dinas.pk}).json()["count"] == 1


def test_detail_shape_and_invisible_is_404(org, appraisal, api):
    body = api(org.users["employee"]).get(f"/api/appraisals/{appraisal.pk}/").json()
    assert {
        "id",
        "employee",
        "cycle",
        "state",
        "version",
        "predicate",
        "available_transitions",
    } <= set(body)
    assert body["employee"] == org.employee.pk
    assert api(org.users["outsider"]).get(f"/api/appraisals/{appraisal.pk}/").status_code == 404
    assert api(org.users["outsider"]).get("/api/appraisals/999999/").status_code == 404


def test_available_transitions_are_the_callers(org, appraisal, at_state, api):
    appraisal = at_state("plan_submitted")
    names = lambda persona: [  # noqa: E731
        t["name"]
        for t in api(org.users[persona])
        .get(f"/api/appraisals/{appraisal.pk}/")
        .json()["available_transitions"]
    ]
    assert names("appraiser") == ["return_plan", "approve_plan"]
    assert names("employee") == []
    assert names("hr_admin") == ["cancel"]
    first = api(org.users["appraiser"]).get(f"/api/appraisals/{appraisal.pk}/").json()
    assert set(first["available_transitions"][0]) >= {"name", "target", "label"}


def test_unknown_transition_is_404(org, appraisal, api):
    r = api(org.users["employee"]).post(
        f"/api/appraisals/{appraisal.pk}/transitions/teleport/", {}, format="json"
    )
    assert r.status_code == 404


def test_history_readers(org, appraisal, at_state, api):
    at_state("plan_submitted")
    url = f"/api/appraisals/{appraisal.pk}/history/"
    for persona in ("employee", "appraiser", "superior", "panel", "authority", "inspector"):
        r = api(org.users[persona]).get(url)
        assert r.status_code == 200, persona
    assert api(org.users["outsider"]).get(url).status_code == 404
    assert api(org.users["hr_admin"]).get(url).status_code == 403
    history = api(org.users["employee"]).get(url).json()
    assert [h["seq"] for h in history] == list(range(1, len(history) + 1))
    assert history[0]["actor"] == {"username": "system"}
    assert history[0]["action"] == "appraisal.created"
    assert history[1]["action"] == "plan_item.created"
    assert [h["action"] for h in history[-2:]] == ["submit_plan", "behaviour_expectations.set"]
    for prev, entry in zip(history, history[1:], strict=False):
        assert entry["prev_hash"] == prev["hash"]
    assert set(history[-2]) >= {
        "seq",
        "at",
        "actor",
        "action",
        "from_state",
        "to_state",
        "reason",
        "changes",
        "hash",
        "prev_hash",
    }
    assert history[-2]["changes"]["state"] == ["draft", "plan_submitted"]


def test_workflows_and_diagrams(org, api):
    client = api(org.users["employee"])
    workflows = client.get("/api/workflows/").json()
    appraisal = next(w for w in workflows if w["name"] == "appraisal")
    assert "decided" in appraisal["states"]
    t = next(t for t in appraisal["transitions"] if t["name"] == "decide_appeal")
    assert t["source"] == ["appealed"] and t["target"] == "final"
    assert set(t["roles"]) == {"appeal_reviewer", "authority"}
    r = client.get("/api/workflows/appraisal/diagram/", {"format": "mermaid"})
    assert r.status_code == 200 and r.content.decode().startswith("stateDiagram-v2")
    r = client.get("/api/workflows/appraisal/diagram/", {"format": "dot"})
    assert r.status_code == 200 and r.content.decode().startswith('digraph "appraisal"')
    assert client.get("/api/workflows/appraisal/diagram/", {"format": "png"}).status_code == 400
    assert client.get("/api/workflows/nothing/diagram/").status_code == 404


def test_schema_and_docs(org, api):
    client = api(org.users["employee"])
    r = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in (
        "/api/appraisals/",
        "/api/appraisals/{id}/",
        "/api/me/",
        "/api/appraisals/{id}/transitions/{name}/",
        "/api/appraisals/{id}/history/",
        "/api/appraisals/{id}/plan-items/",
        "/api/workflows/",
        "/api/auth/token/",
        "/api/audit/events/",
        "/api/audit/verify/",
    ):
        assert path in paths, path
    assert client.get("/api/docs/").status_code == 200


def test_healthz(db):
    r = APIClient().get("/healthz/")
    assert r.status_code == 200
    assert r.json()["checks"]["database"] == "ok"


def test_healthz_reports_broken_broker(db):
    with override_settings(
        CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="redis://127.0.0.1:1/0"
    ):
        r = APIClient().get("/healthz/")
    assert r.status_code == 503
    assert r.json()["checks"]["broker"].startswith("error")


def test_errors_are_bilingual(org, appraisal, api):
    client = api(org.users["employee"])
    url = f"/api/appraisals/{appraisal.pk}/transitions/approve_plan/"
    r = client.post(url, {}, format="json")
    assert r.status_code == 403
    assert set(r.json()["messages"]) == {"id", "en"}
    assert r.json()["detail"] == r.json()["messages"]["id"]
    r = client.post(url, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["detail"] == r.json()["messages"]["en"]


@pytest.mark.skipif(
    not __import__("os").environ.get("CELERY_BROKER_URL"),
    reason="needs the local Redis (CI's second run sets CELERY_BROKER_URL)",
)
def test_healthz_with_real_broker(db):
    import os

    with override_settings(
        CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=os.environ["CELERY_BROKER_URL"]
    ):
        r = APIClient().get("/healthz/")
    assert r.status_code == 200, r.json()
    assert r.json()["checks"]["broker"] == "ok"


def test_schema_documents_the_error_shape_everywhere(org, api):
    schema = (
        api(org.users["employee"])
        .get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        .json()
    )
    assert "Error" in schema["components"]["schemas"]
    transition = schema["paths"]["/api/appraisals/{id}/transitions/{name}/"]["post"]
    assert {"400", "403", "404", "409", "412", "422"} <= set(transition["responses"])
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                assert "404" in operation["responses"], (path, method)


def test_unrouted_api_urls_answer_in_the_error_shape(org, api):
    r = api(org.users["employee"]).get("/api/appraisals/not-a-number/annex/")
    assert r.status_code == 404
    assert r["Content-Type"].startswith("application/json")
    assert r.json()["code"] == "not_found"


def test_blank_self_rating_is_documented(org, api):
    schema = (
        api(org.users["employee"])
        .get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        .json()
    )
    rating = schema["components"]["schemas"]["PlanItem"]["properties"]["self_rating"]
    refs = {option.get("$ref", "") for option in rating["oneOf"]}
    assert "#/components/schemas/BlankEnum" in refs
