"""Schemathesis over the whole OpenAPI schema, in-process through the WSGI app.

Two tests, both generic over whatever the schema declares (an endpoint added later
is fuzzed and chained without touching this file):

- stateless: every operation is called with generated data, valid and invalid
  (positive and negative modes), as four personas;
- stateful: schemathesis infers links between operations from the schema (a list's
  `id` feeds the detail's `{id}`, a detail's `unit` the unit's `{id}`, ...) and walks
  chains of calls through them, once per persona, over the real objects of the
  access matrix's world (tests/api/access_world.py: an appraisal in progress on
  each side with plan items, a check-in, evidence, a peer request, jobs, inbox).

Every check schemathesis has runs on every response (`not_a_server_error`, status
codes, headers, response schemas, content types, `negative_data_rejection`,
`positive_data_acceptance`, `missing_required_header`, `unsupported_method`,
`use_after_free`, `ensure_resource_availability`, `ignored_auth`, ...). One is
narrowed, with its reasons beside it: `positive_data_acceptance` (see
ACCEPTED_REFUSALS and ACCEPTED_ANSWERS). Seeded and derandomised, so a run is
repeatable. The coverage phase (boundary values per parameter) stays off to keep
the run to a minute or two on two cores; the generated positive and negative data
go through the same checks.

Left out of fuzzing: `POST /api/auth/token/` (it is throttled and answers for
anybody; tests/api/test_auth.py covers it), `POST /api/auth/logout/` and the
revocations `DELETE /api/auth/tokens/...` (they revoke the very token the other
calls use; tests/api/test_tokens.py covers them).
"""

from __future__ import annotations

import copy
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from rest_framework.test import APIClient
from schemathesis.specs.openapi.checks import positive_data_acceptance

from .access_world import build_world

pytestmark = pytest.mark.schemathesis

PERSONAS = ("employee", "appraiser", "inspector", "hr_admin")
SKIPPED = ("/api/auth/token/", "/api/auth/logout/")
SEED = 20260601
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {"mode": "all", "max-examples": 8, "deterministic": True},
        "phases": {"coverage": {"enabled": False}},
    }
)

# positive_data_acceptance fails every schema-valid request answered 400. A schema says
# which requests are well formed; it cannot say which ids exist or what today's date
# is. A 400 to schema-valid data passes only when EVERY problem it names is one of these
# (each a fact no OpenAPI 3.0 schema can state; where it is a rule, not existence, the
# schema's description says it in words); any other 400 to schema-valid data fails.
ACCEPTED_REFUSALS = {
    # An id in the body names no object, or none usable here: existence is data. DRF's
    # own code, then the domain's for an indicator or parent item outside the plan and
    # a peer who is no active employee.
    "does_not_exist",
    "indicator_outside_plan",
    "parent_outside_plan",
    "peer_unknown",
    # An effective date after today: "not after today" has no JSON Schema keyword.
    "future_date",
    # The evidence bundle needs `subject`, or `unit` and `cycle`: OpenAPI 3.0 cannot
    # require one of two groups of query parameters.
    "subject_or_unit_and_cycle",
    # A check-in period within 1-12 that the cycle lacks (5 in a quarterly cycle): the
    # cycle's check-in frequency is data.
    "period_out_of_range",
    # A periodic evaluation of a period that has not ended yet: today's date is data
    # (the period's description says so in words).
    "period_not_ended",
}
# Whole answers of the contract that depend on stored data, by status and error code:
# 400 conditions_unmet (a transition's condition, e.g. "a plan with no result items");
# 412 version_mismatch (a well-formed If-Match naming a version no longer current).
ACCEPTED_ANSWERS = {(400, "conditions_unmet"), (412, "version_mismatch")}


def _body(response) -> dict:
    try:
        body = json.loads(response.content)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error_code(response) -> str | None:
    return _body(response).get("code")


def _problem_codes(response) -> set[str] | None:
    problems = _body(response).get("problems")
    if not problems:
        return None
    return {problem.get("code") for problem in problems}


def positive_data_acceptance_unless_data_decides(ctx, response, case):
    """positive_data_acceptance, except for ACCEPTED_REFUSALS and ACCEPTED_ANSWERS."""
    if response.status_code == 400:
        codes = _problem_codes(response)
        if codes and codes <= ACCEPTED_REFUSALS:
            return None
    if (response.status_code, _error_code(response)) in ACCEPTED_ANSWERS:
        return None
    return positive_data_acceptance(ctx, response, case)


VALIDATION = {
    "excluded_checks": [positive_data_acceptance],
    "additional_checks": [positive_data_acceptance_unless_data_decides],
}


def _schema(document: dict):
    loaded = schemathesis.openapi.from_dict(document, config=CONFIG)
    loaded.app = get_wsgi_application()
    return loaded.exclude(path=list(SKIPPED)).exclude(method="DELETE", path_regex="^/api/auth/")


def _without_optional_query(document: dict) -> dict:
    """The schema as the chains walk it: no optional query parameter (filters, pages).

    A filter or a page number drawn at random empties a list, and an empty list feeds
    no link: the chains would never reach an object. The stateless test fuzzes those.
    """
    walked = copy.deepcopy(document)
    for item in walked["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "parameters" in operation:
                operation["parameters"] = [
                    p
                    for p in operation["parameters"]
                    if p.get("in") != "query" or p.get("required")
                ]
    return walked


# Built at collection: pytest-django has configured Django by then; no database needed.
DOCUMENT = SchemaGenerator().get_schema(request=None, public=True)
schema = _schema(DOCUMENT)
chains = _schema(_without_optional_query(DOCUMENT))


@pytest.fixture
def tokens(org):
    """The access matrix's world, and a real token per persona from the sign-in endpoint."""
    build_world(org)
    client = APIClient()
    keys = {}
    for name in PERSONAS:
        answer = client.post(
            "/api/auth/token/", {"username": name, "password": "rahasia-123"}, format="json"
        )
        assert answer.status_code == 200, answer.content
        keys[name] = answer.json()["token"]
    # As django.test.Client does around each of its requests (so only after the sign-ins,
    # which reconnect them): the WSGI handler must not close the test's connection at the
    # end of each request (on PostgreSQL that ends the test's transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield keys
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, tokens):
    for persona in PERSONAS:
        case.call_and_validate(headers={"Authorization": f"Token {tokens[persona]}"}, **VALIDATION)


def test_schema_has_links_to_follow():
    """The stateful test walks the links schemathesis infers; without them it would test nothing."""
    # One bundle per response that feeds a link ("GET /api/appraisals/ -> 200", ...).
    sources = chains.as_state_machine().bundles
    assert len(sources) >= 10, sorted(sources)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_api_call_chains_conform(persona, tokens):
    header = {"Authorization": f"Token {tokens[persona]}"}
    answered = []  # (operation, status) of every call, to show the chains reached real objects

    class Chains(chains.as_state_machine()):
        # Every scenario starts from the same world: what one changed (a request answered,
        # a notification read) would otherwise change what the next one draws from, and
        # Hypothesis refuses a generation that depends on outside state.
        def setup(self):
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def get_call_kwargs(self, case):
            return {"headers": header}

        def after_call(self, response, case):
            super().after_call(response, case)
            answered.append((case.operation.label, response.status_code))

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response,
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
                excluded_checks=VALIDATION["excluded_checks"],
                additional_checks=[*VALIDATION["additional_checks"], *(additional_checks or [])],
                headers=header,
            )

    Chains.run(
        settings=settings(
            max_examples=60,
            stateful_step_count=12,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
    # Links were followed into existing objects: calls on paths with ids succeeded.
    reached = {label for label, status in answered if "{" in label and status < 300}
    assert len(reached) >= 5, sorted(set(answered))
