"""The OpenAPI schema and the server agree: what the schema allows is accepted,
what it rules out is refused with 400 in the bilingual shape, and every answer
matches the schema (findings of issue #13, item 12, each pinned here).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import requests
import schemathesis
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from schemathesis.core.transport import Response

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _parameter(document: dict, path: str, method: str, name: str) -> dict:
    for parameter in document["paths"][path][method]["parameters"]:
        if parameter["name"] == name:
            return parameter["schema"]
    raise AssertionError(f"{method.upper()} {path} declares no parameter {name}")


def _property(document: dict, component: str, name: str) -> dict:
    return document["components"]["schemas"][component]["properties"][name]


def _assert_bilingual_400(response, field: str) -> None:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert set(body) >= {"code", "detail", "messages", "problems"}
    assert body["messages"]["id"] and body["messages"]["en"]
    fields = [problem.get("field") for problem in body["problems"]]
    assert field in fields, body


def _validate(document: dict, path: str, method: str, response) -> None:
    """Raises when the response does not match what the schema says of it."""
    sent = Response(
        status_code=response.status_code,
        headers={name: [value] for name, value in response.headers.items()},
        content=response.content,
        request=requests.Request(method.upper(), "http://testserver/").prepare(),
        elapsed=0.0,
        verify=True,
    )
    loaded = schemathesis.openapi.from_dict(document)
    loaded[path][method.upper()].validate_response(sent)


# --- appraiser_detail may be null -------------------------------------------------------


def test_appraisal_without_appraiser_matches_the_schema(document, org, appraisal, api):
    type(appraisal).objects.filter(pk=appraisal.pk).update(appraiser=None, appeal_reviewer=None)
    response = api(org.users["employee"]).get(f"/api/appraisals/{appraisal.pk}/")
    assert response.status_code == 200
    assert response.json()["appraiser_detail"] is None
    _validate(document, "/api/appraisals/{id}/", "get", response)


# --- ids in the query: the schema says a whole number from 1 -----------------------------


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/units/{id}/calibration/", "cycle"),
        ("/api/appraisals/", "cycle"),
        ("/api/appraisals/", "employee"),
        ("/api/appraisals/", "unit"),
        ("/api/employees/", "unit"),
        ("/api/units/", "parent"),
    ],
)
def test_id_parameters_are_declared_as_positive_integers(document, path, name):
    schema = _parameter(document, path, "get", name)
    assert schema["type"] == "integer"
    assert schema["minimum"] == 1


@pytest.mark.parametrize("value", ["0", "-3", "x", "1.5", str(2**70)])
def test_calibration_refuses_a_cycle_outside_the_schema(value, org, api):
    response = api(org.users["inspector"]).get(
        f"/api/units/{org.dinas.pk}/calibration/", {"cycle": value}
    )
    _assert_bilingual_400(response, "cycle")


def test_calibration_of_a_missing_cycle_is_404(org, api):
    response = api(org.users["inspector"]).get(
        f"/api/units/{org.dinas.pk}/calibration/", {"cycle": 999999}
    )
    assert response.status_code == 404


# --- effective dates: not in the future, and the schema says so --------------------------


@pytest.mark.parametrize(
    ("component", "path"),
    [
        ("SupervisorChangeInRequest", "/api/employees/{id}/supervisor/"),
        ("TransferInRequest", "/api/employees/{id}/transfer/"),
        ("LeaveInRequest", "/api/employees/{id}/leave/"),
    ],
)
def test_effective_date_rule_is_in_the_schema(document, component, path, org, api):
    described = _property(document, component, "effective")
    assert described["format"] == "date"
    assert "future" in described["description"] and "masa depan" in described["description"]
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = api(org.users["hr_admin"]).post(
        path.format(id=org.employee.pk),
        {"effective": tomorrow, "kind": "retired", "supervisor": org.head.pk, "unit": org.dinas.pk},
        format="json",
    )
    _assert_bilingual_400(response, "effective")


# --- pagination: one whole number from 1 ------------------------------------------------


@pytest.mark.parametrize("name", ["page", "page_size"])
def test_page_parameters_are_declared_as_positive_integers(document, name):
    schema = _parameter(document, "/api/employees/", "get", name)
    assert (schema["type"], schema["minimum"]) == ("integer", 1)


@pytest.mark.parametrize(
    "query",
    [
        "page_size=null&page_size=null",
        "page_size=2&page_size=3",
        "page_size=0",
        "page_size=-1",
        "page_size=x",
        "page_size=1.5",
        "page_size=",
        "page=0",
        "page=x",
        "page=1&page=2",
    ],
)
def test_invalid_paging_is_refused(query, org, api):
    response = api(org.users["hr_admin"]).get(f"/api/employees/?{query}")
    _assert_bilingual_400(response, query.split("=")[0])


def test_valid_paging_still_answers(org, api):
    client = api(org.users["hr_admin"])
    assert len(client.get("/api/employees/?page_size=2&page=2").json()["results"]) == 2


# --- booleans: true or false, nothing else ----------------------------------------------


@pytest.mark.parametrize("value", ["-1", "0", "1", "yes", "null", ""])
def test_active_filter_refuses_what_is_not_a_boolean(value, org, api):
    response = api(org.users["hr_admin"]).get("/api/employees/", {"active": value})
    _assert_bilingual_400(response, "active")


def test_active_filter_filters(org, api):
    org.outsider.active = False
    org.outsider.save(update_fields=["active"])
    client = api(org.users["hr_admin"])
    inactive = client.get("/api/employees/", {"active": "false"}).json()["results"]
    active = client.get("/api/employees/", {"active": "true"}).json()["results"]
    assert [e["id"] for e in inactive] == [org.outsider.pk]
    assert org.outsider.pk not in [e["id"] for e in active] and active


@pytest.mark.parametrize("value", ["0", "1", "false", 0, 1, None, "yes"])
def test_preference_booleans_refuse_what_is_not_a_boolean_in_json(value, org, api):
    client = api(org.users["employee"])
    response = client.patch("/api/notifications/preferences/", {"email": value}, format="json")
    _assert_bilingual_400(response, "email")
    assert client.get("/api/notifications/preferences/").json()["email"] is True


def test_bodies_are_json_unless_they_upload_a_file(document, org, api):
    """A form cannot carry null, nested objects or booleans: bodies are JSON, uploads multipart."""
    response = api(org.users["employee"]).patch(
        "/api/notifications/preferences/", {"email": "false"}, format="multipart"
    )
    assert response.status_code == 415
    assert api(org.users["employee"]).get("/api/notifications/preferences/").json()["email"]
    forms = {
        (method.upper(), path): _resolve(document, media["schema"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict)
        for kind, media in operation.get("requestBody", {}).get("content", {}).items()
        if kind != "application/json"
    }
    assert forms, "the uploads (evidence, survey import) take multipart"
    for operation, schema in forms.items():
        uploads = [
            name
            for name, value in schema.get("properties", {}).items()
            if value.get("format") == "binary"
        ]
        assert uploads, f"{operation} takes a form without uploading a file"


def test_preference_booleans_accept_true_and_false(org, api):
    client = api(org.users["employee"])
    answer = client.patch("/api/notifications/preferences/", {"email": False}, format="json")
    assert answer.json()["email"] is False
    assert client.patch("/api/notifications/preferences/", {"email": True}).json()["email"]


@pytest.mark.parametrize("value", ["-1", "1", "yes", ""])
def test_unread_flag_refuses_what_is_not_a_boolean(value, org, api):
    response = api(org.users["employee"]).get("/api/notifications/", {"unread": value})
    _assert_bilingual_400(response, "unread")


def test_a_filter_given_twice_is_refused(org, api):
    response = api(org.users["hr_admin"]).get(f"/api/employees/?unit={org.dinas.pk}&unit=1")
    _assert_bilingual_400(response, "unit")


# --- the evidence bundle: a subject, or a unit and a cycle -------------------------------


def test_bundle_without_subjects_is_a_named_400(org, api):
    response = api(org.users["inspector"]).get("/api/audit/bundle/")
    _assert_bilingual_400(response, "subject")
    assert response.json()["problems"][0]["code"] == "subject_or_unit_and_cycle"


@pytest.mark.parametrize("query", ["unit=x&cycle=1", "unit=1&cycle=0", "unit=1&unit=2&cycle=1"])
def test_bundle_refuses_ids_outside_the_schema(query, org, api):
    response = api(org.users["inspector"]).get(f"/api/audit/bundle/?{query}")
    assert response.status_code == 400


def test_bundle_of_a_unit_cycle_without_appraisals_is_404(org, api):
    response = api(org.users["inspector"]).get(
        "/api/audit/bundle/", {"unit": org.other_dinas.pk, "cycle": 999999}
    )
    assert response.status_code == 404


def test_bundle_parameters_are_declared(document):
    assert _parameter(document, "/api/audit/bundle/", "get", "subject")["items"]["pattern"]
    assert _parameter(document, "/api/audit/bundle/", "get", "unit")["minimum"] == 1


# --- a transition's body is JSON, and the schema says only that ---------------------------


def test_transition_takes_json_only(document, org, appraisal, api):
    path = "/api/appraisals/{id}/transitions/{name}/"
    assert set(document["paths"][path]["post"]["requestBody"]["content"]) == {"application/json"}
    url = path.format(id=appraisal.pk, name="submit_plan")
    response = api(org.users["employee"]).post(url, {"reason": "W"}, format="multipart")
    assert response.status_code == 415
    appraisal.refresh_from_db()
    assert appraisal.state == "draft"


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _nested(document: dict, schema: dict) -> list[str]:
    """Properties a form cannot carry: objects, or arrays of objects or arrays."""
    found = []
    for name, value in _resolve(document, schema).get("properties", {}).items():
        value = _resolve(document, value)
        items = _resolve(document, value.get("items", {}))
        if value.get("type") == "object" or items.get("type") in ("object", "array"):
            found.append(name)
    return found


def test_bodies_with_nested_objects_are_json_only(document):
    """A form turns nested objects into strings: such a body is declared (and parsed) as JSON."""
    offending = [
        (method.upper(), path, _nested(document, media["schema"]))
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict)
        for kind, media in operation.get("requestBody", {}).get("content", {}).items()
        if kind != "application/json" and _nested(document, media["schema"])
    ]
    assert offending == []


@pytest.mark.parametrize(
    ("path", "method", "persona"),
    [
        ("/api/appraisals/{id}/check-ins/", "post", "employee"),
        ("/api/appraisals/{id}/plan-items/", "post", "employee"),
        ("/api/appraisals/{id}/behaviour-expectations/", "put", "appraiser"),
    ],
)
def test_a_form_where_json_is_needed_is_415(path, method, persona, org, appraisal, api):
    url = path.format(id=appraisal.pk)
    response = getattr(api(org.users[persona]), method)(url, {"entries": "x"}, format="multipart")
    assert response.status_code == 415


# --- If-Match: a version or "*"; malformed is 400, stale is 412 ---------------------------


def test_if_match_is_declared_and_a_malformed_one_is_400(document, org, at_state, api):
    declared = _parameter(document, "/api/appraisals/{id}/transitions/{name}/", "post", "If-Match")
    assert declared["pattern"]
    appraisal = at_state("plan_submitted")
    url = f"/api/appraisals/{appraisal.pk}/transitions/approve_plan/"
    client = api(org.users["appraiser"])
    _assert_bilingual_400(client.post(url, {}, HTTP_IF_MATCH="?"), "If-Match")
    assert client.post(url, {}, HTTP_IF_MATCH=f'"{appraisal.version + 5}"').status_code == 412
    appraisal.refresh_from_db()
    assert appraisal.state == "plan_submitted"


# --- a check-in's period: 1 to 12 in the schema, the cycle's own range beyond it -----------


@pytest.mark.parametrize("period", [0, -98295, 13])
def test_check_in_period_outside_the_schema_is_refused(period, document, org, at_state, api):
    schema = _property(document, "CheckInInRequest", "period")
    assert (schema["minimum"], schema["maximum"]) == (1, 12)
    appraisal = at_state("in_progress")
    response = api(org.users["employee"]).post(
        f"/api/appraisals/{appraisal.pk}/check-ins/", {"period": period, "entries": []}
    )
    _assert_bilingual_400(response, "period")


def test_peer_request_needs_a_peer_and_the_schema_says_so(document, org, at_state, api):
    assert _property(document, "PeerFeedbackRequestInRequest", "peers")["minItems"] == 1
    appraisal = at_state("in_progress")
    response = api(org.users["appraiser"]).post(
        f"/api/appraisals/{appraisal.pk}/peer-feedback/", {"peers": []}
    )
    _assert_bilingual_400(response, "peers")


# --- text: no NUL anywhere, and required text is more than whitespace -------------------


def test_required_text_must_hold_more_than_whitespace(document):
    pattern = _property(document, "PeerFeedbackSubmitInRequest", "text")["pattern"]
    assert re.match(pattern, "Rekan yang andal.")
    for blank in ("\u0085", " \t\n", "\u3000", "a\x00"):
        assert not re.match(pattern, blank), repr(blank)
    for name, component in document["components"]["schemas"].items():
        if not name.endswith("Request"):
            continue
        for field, schema in component.get("properties", {}).items():
            if schema.get("type") == "string" and not {"format", "enum"} & set(schema):
                assert "pattern" in schema, (name, field)
